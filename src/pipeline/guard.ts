// The concurrent-writer guard of a release: after the sync and before promotion, Cognigy must hold exactly this run's data.
import { normalize } from "../dataset/normalize.js";
import { UserError } from "../errors.js";
import { diffFlow } from "./diff.js";
import { flowPlanReport, type PlanResult, planTotals, readRemoteFlow } from "./plan.js";
import type { Backup } from "./sync-backup.js";
import type { PipelineDeps } from "./types.js";

export interface FlowDrift {
  flow: string;
  /** Intents to create / update / delete plus sentences to add / remove to get back to this run's data. */
  differences: number;
}

/**
 * Re-reads each planned flow (one intent listing and one export per locale, through the client, so the requests are in
 * the run's request stats) and diffs it against what this run wants there: the plan's desired intents, with the
 * held-out split made before the sync. Returns the flows that no longer match.
 */
export async function changedFlows(deps: Pick<PipelineDeps, "client">, plan: PlanResult): Promise<FlowDrift[]> {
  const out: FlowDrift[] = [];
  for (const f of plan.flows) {
    const remote = await readRemoteFlow(deps.client, f.target);
    const diff = diffFlow(f.desired, remote, { prune: f.target.flow.prune, locales: f.target.locales.map((l) => l.key), normalize });
    const t = planTotals([flowPlanReport(f.target, diff)], false).totals;
    const differences = t.createIntents + t.updateIntents + t.deleteIntents + t.addSentences + t.removeSentences;
    if (differences > 0) out.push({ flow: f.target.flow.name, differences });
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** How to get back: the backup this run took before its sync. */
export function wayBack(backup: Backup | undefined): string {
  if (backup?.kind === "snapshot" && backup.id) {
    return `the pre-sync backup is snapshot ${backup.name ? `'${backup.name}' (${backup.id})` : backup.id} — re-run the release, or restore with \`cognigy-nlu restore --snapshot ${backup.id} --yes\``;
  }
  if (backup?.kind === "export") return `the pre-sync intents are exported in ${backup.path} — re-run the release`;
  return "this run took no backup (its change only added data) — re-run the release";
}

/**
 * Fails (UserError) when another writer changed a planned flow since this run's sync: another release without a
 * concurrency group, or an edit in the Cognigy UI. Nothing is rolled back: restoring the backup could undo the other
 * writer's work that it is building on; the message names the backup as the way back.
 */
export async function requireUnchanged(
  deps: Pick<PipelineDeps, "client" | "logger">,
  plan: PlanResult,
  ctx: { when: "after sync" | "before promotion"; backup?: Backup; partial?: unknown },
): Promise<void> {
  const changed = await changedFlows(deps, plan);
  if (!changed.length) {
    deps.logger.debug(`re-read ${plural(plan.flows.length, "flow")} ${ctx.when}: Cognigy holds this run's data`);
    return;
  }
  const total = changed.reduce((n, c) => n + c.differences, 0);
  const names = changed.map((c) => c.flow).join(", ");
  const each = changed.length > 1 ? ` (${changed.map((c) => `${c.flow} ${c.differences}`).join(", ")})` : "";
  const done = ctx.when === "after sync" ? "nothing was trained or promoted" : "the model was trained but nothing was promoted";
  const err = new UserError(
    `${changed.length > 1 ? "flows" : "flow"} ${names} changed during this release (another run or a UI edit): ${plural(total, "difference")} ${ctx.when}${each}; ${done}; ${wayBack(ctx.backup)}`,
    "run releases one at a time: give every workflow that writes to this project the same `concurrency:` group (docs/reliability.md)",
  );
  // the step's result so far (e.g. the sync with its backup) stays in the report
  if (ctx.partial !== undefined) Object.assign(err, { partial: ctx.partial });
  throw err;
}
