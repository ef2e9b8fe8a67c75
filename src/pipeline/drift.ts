// The drift step: what was changed in Cognigy and not in git, sentence by sentence, for the report and the summary.
import { maskPii } from "../checks/pii.js";
import { similarity } from "../checks/similarity.js";
import type { RunConfig } from "../config/options.js";
import { loadDataset } from "../dataset/load.js";
import { normalize } from "../dataset/normalize.js";
import type { Dataset } from "../dataset/types.js";
import type { Report } from "../report/types.js";
import { diffFlow, MANAGED_TAG, type RemoteIntent } from "./diff.js";
import { type DriftResult, driftResult, EDIT_SIMILARITY, type FlowDrift, flowDrift } from "./drift/compare.js";
import { desiredIntents, readRemoteFlow } from "./plan.js";
import { resolveTargets } from "./resolve.js";
import { splitFlow } from "./testset.js";
import { Runner } from "./run.js";
import type { PipelineDeps, RunDeps, Target } from "./types.js";

export { driftMarkdown } from "./drift/markdown.js";
export type { DriftResult, FlowDrift } from "./drift/compare.js";

/** Similarity of two utterances for edit pairing: on the normalised texts, as every check does. */
export function textSimilarity(a: string, b: string): number {
  return similarity(normalize(a), normalize(b));
}

/**
 * One flow's drift: the plan diff with `prune` forced on (so intents only Cognigy has are listed), read backwards.
 * Held-out examples (tests, the seeded split) are not expected in Cognigy and never count as drift.
 */
export function driftOfFlow(run: RunConfig, target: Target, remote: readonly RemoteIntent[], threshold = EDIT_SIMILARITY): FlowDrift {
  const split = splitFlow(target.data, run.config.evaluate);
  const desired = desiredIntents(target, split);
  const diff = diffFlow(desired, remote, { prune: true, locales: target.locales.map((l) => l.key), normalize });
  const owned = new Set(remote.filter((r) => r.tags.includes(MANAGED_TAG)).map((r) => r.name));
  return flowDrift(target.flow.name, diff, { similarity: textSimilarity, threshold, owned: (n) => owned.has(n) });
}

/** The drift of every flow; `remote` may hand in flows already read (backup reads them once for the export). */
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

export interface DriftRunOptions {
  /** Drift makes the run fail (exit 1). */
  failOnDrift?: boolean;
}

/** `cognigy-nlu drift`: loads the repository, reads Cognigy, returns the report (status failure on drift with failOnDrift). */
export async function runDrift(run: RunConfig & DriftRunOptions, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "drift");
  return r.execute(
    async () => {
      const dataset = deps.dataset ?? loadDataset({ config: run.config, root: run.root });
      const drift = await r.step("drift", () => computeDrift(run, r.stepDeps, { dataset }), (d) => ({ ...d.totals }));
      r.report.drift = maskDrift(drift);
      deps.logger.info(driftSummary(drift));
      if (!drift.clean && run.failOnDrift) {
        r.report.status = "failure";
        r.report.error = { step: "drift", message: `${driftSummary(drift)} (--fail-on-drift)` };
      }
    },
    (rep) => driftSummary(rep.drift as DriftResult),
  );
}
