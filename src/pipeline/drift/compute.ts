// Drift of the configured flows (no Runner): each flow's live state read backwards against the repository, masked for reports.
import { maskPii } from "../../checks/pii.js";
import { similarity } from "../../checks/similarity.js";
import type { RunConfig } from "../../config/options.js";
import { normalize } from "../../dataset/normalize.js";
import type { Dataset } from "../../dataset/types.js";
import { diffFlow, MANAGED_TAG, type RemoteIntent } from "../diff.js";
import { desiredIntents, readRemoteFlow } from "../plan.js";
import { resolveTargets } from "../resolve.js";
import { splitFlow } from "../testset.js";
import type { PipelineDeps, Target } from "../types.js";
import { type DriftResult, driftResult, EDIT_SIMILARITY, type FlowDrift, flowDrift } from "./compare.js";

/** Similarity of two utterances for edit pairing: on the normalised texts, as every check does. */
export function textSimilarity(a: string, b: string): number {
  return similarity(normalize(a), normalize(b));
}

/**
 * One flow's drift: the plan diff with `prune` forced on (so intents only Cognigy has are listed), read backwards.
 * Held-out examples (tests, the seeded split made against this same `remote`) are not expected in Cognigy and never
 * count as drift.
 */
export function driftOfFlow(run: RunConfig, target: Target, remote: readonly RemoteIntent[], threshold = EDIT_SIMILARITY): FlowDrift {
  const split = splitFlow(target.data, run.config.evaluate, remote);
  const desired = desiredIntents(target, split);
  const diff = diffFlow(desired, remote, { prune: true, locales: target.locales.map((l) => l.key), normalize });
  const owned = new Set(remote.filter((r) => r.tags.includes(MANAGED_TAG)).map((r) => r.name));
  const drift = flowDrift(target.flow.name, diff, { similarity: textSimilarity, threshold, owned: (n) => owned.has(n) });
  // A flow this repository never synced (no intent of Cognigy carries its tag: a first check, an empty project):
  // what git has and Cognigy lacks is the first sync's work — the plan — not something changed in Cognigy.
  if (owned.size === 0) return { ...drift, removedIntents: [], removedSentences: [] };
  return drift;
}

/** The drift of every flow; `remote` may hand in flows already read (the plan and the backup read them once). */
export async function computeDrift(
  run: RunConfig,
  deps: Pick<PipelineDeps, "client" | "logger">,
  input: { dataset: Dataset; targets?: Target[]; remote?: Map<string, RemoteIntent[]> },
): Promise<DriftResult> {
  const targets = input.targets ?? (await resolveTargets(run.config, input.dataset, deps.client));
  const flows: FlowDrift[] = [];
  for (const t of targets) {
    const remote = input.remote?.get(t.flowId) ?? (await readRemoteFlow(deps.client, t));
    flows.push(driftOfFlow(run, t, remote));
  }
  return driftResult(flows);
}

/** The drift with every text PII-masked: the form that goes into reports. */
export function maskDrift(d: DriftResult): DriftResult {
  const m = (s: string) => maskPii(s);
  return {
    ...d,
    flows: d.flows.map((f) => ({
      ...f,
      addedSentences: f.addedSentences.map((s) => ({ ...s, text: m(s.text) })),
      removedSentences: f.removedSentences.map((s) => ({ ...s, text: m(s.text) })),
      editedSentences: f.editedSentences.map((s) => ({ ...s, from: m(s.from), to: m(s.to) })),
      changedIntents: f.changedIntents.map((c) => ({
        ...c,
        fields: Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, { live: typeof v.live === "string" ? m(v.live) : v.live, git: typeof v.git === "string" ? m(v.git) : v.git }])),
      })),
    })),
  };
}

/** One line for the verdict. */
export function driftSummary(d: DriftResult): string {
  if (d.clean) return "no drift: Cognigy matches the repository";
  const t = d.totals;
  const parts = [
    t.addedSentences && `${t.addedSentences} sentence(s) added`,
    t.removedSentences && `${t.removedSentences} removed`,
    t.editedSentences && `${t.editedSentences} edited`,
    t.addedIntents && `${t.addedIntents} intent(s) added`,
    t.removedIntents && `${t.removedIntents} intent(s) missing`,
    t.changedIntents && `${t.changedIntents} intent(s) with changed fields`,
  ].filter(Boolean);
  return `drift: ${parts.join(", ")} in Cognigy and not in git`;
}
