// The concurrent-writer guard of a release. Cognigy has no lock and no compare-and-set, so a release cannot stop another
// writer; what it can do is never claim success on data that is not its own. Invariant (docs/reliability.md): a release
// exits 0 only if, after its last write and its promotion, a verification read shows every planned flow holding exactly
// its commit's data (per locale, sentence level, judged at that read). The earlier re-reads (after the sync, before
// promotion) only fail sooner and cheaper.
import type { PromotionResult } from "../report/types.js";
import { normalize } from "../dataset/normalize.js";
import { UserError } from "../errors.js";
import { diffFlow } from "./diff.js";
import { flowPlanReport, type PlanResult, planTotals, readRemoteFlow } from "./plan.js";
import type { Backup } from "./sync-backup.js";
import type { PipelineDeps } from "./types.js";

/** The phrase every concurrent-writer failure starts with (tests and users grep for it). */
export const ANOTHER_WRITER = "another writer changed the flow during this release";

export interface FlowDrift {
  flow: string;
  /** Intents to create / update / delete plus sentences to add / remove to get back to this run's data. */
  differences: number;
  /** The intents that differ from this run's data (in name order). */
  intents: string[];
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
    const some = (m: Record<string, string[]>) => Object.values(m).some((l) => l.length > 0);
    const intents = diff.intents.filter((i) => i.action !== "keep" || some(i.add) || some(i.remove)).map((i) => i.name);
    if (differences > 0) out.push({ flow: f.target.flow.name, differences, intents });
  }
  return out;
}

/** "flow Main: 3 differences in intents A, B" / "flows Main (2 differences in A), FAQ (1 difference in B)". */
function describeDrift(changed: readonly FlowDrift[]): string {
  const MAX = 10;
  const names = (c: FlowDrift) => {
    const shown = c.intents.slice(0, MAX).map((n) => `'${n}'`);
    const more = c.intents.length > MAX ? ` and ${c.intents.length - MAX} more` : "";
    return c.intents.length ? ` in ${c.intents.length === 1 ? "intent" : "intents"} ${shown.join(", ")}${more}` : "";
  };
  if (changed.length === 1) return `flow ${changed[0].flow}: ${plural(changed[0].differences, "difference")}${names(changed[0])}`;
  return `flows ${changed.map((c) => `${c.flow} (${plural(c.differences, "difference")}${names(c)})`).join(", ")}`;
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

const HINT = "run releases one at a time: give every workflow that writes to this project the same `concurrency:` group (docs/reliability.md)";

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
  const done = ctx.when === "after sync" ? "nothing was trained or promoted" : "the model was trained but nothing was promoted";
  const err = new UserError(`${ANOTHER_WRITER} (another run or a UI edit): ${describeDrift(changed)} ${ctx.when}; ${done}; ${wayBack(ctx.backup)}`, HINT);
  // the step's result so far (e.g. the sync with its backup) stays in the report
  if (ctx.partial !== undefined) Object.assign(err, { partial: ctx.partial });
  throw err;
}

/**
 * The verification read after the promotion: the release's last word. When a planned flow no longer holds exactly this
 * run's data, every endpoint this run pinned that *still* serves this run's snapshot is put back where it pointed
 * before (an endpoint another run has re-pinned meanwhile is left alone: never undo another run's pin), and the
 * release fails naming the intents that differ and the backup. The promotion result (with what was put back) stays in
 * the report.
 */
export async function verifyPromotion(
  deps: Pick<PipelineDeps, "client" | "logger">,
  plan: PlanResult,
  promotion: PromotionResult,
  ctx: { backup?: Backup },
): Promise<PromotionResult> {
  const changed = await changedFlows(deps, plan);
  if (!changed.length) {
    deps.logger.info(`verified after promotion: Cognigy holds this run's data in ${plural(plan.flows.length, "flow")}`);
    return { ...promotion, verified: true };
  }
  const putBack: string[] = [];
  const leftAlone: string[] = [];
  for (const e of promotion.endpoints ?? []) {
    const now = await deps.client.getEndpoint(e.id);
    if (promotion.snapshotId && now.entrypoint === promotion.snapshotId && e.previousEntrypoint) {
      await deps.client.updateEndpoint(e.id, { entrypoint: e.previousEntrypoint });
      putBack.push(e.name);
    } else leftAlone.push(e.name);
  }
  const result: PromotionResult = { ...promotion, promoted: false, verified: false, ...(putBack.length ? { endpointsPutBack: putBack } : {}) };
  const endpoints = [
    putBack.length ? `endpoint${putBack.length === 1 ? "" : "s"} ${putBack.join(", ")} put back where ${putBack.length === 1 ? "it" : "they"} pointed before` : "",
    leftAlone.length ? `endpoint${leftAlone.length === 1 ? "" : "s"} ${leftAlone.join(", ")} left alone (no longer on this run's snapshot)` : "",
  ].filter(Boolean);
  const snap = promotion.snapshotName ? `snapshot ${promotion.snapshotName} does not hold this commit's data` : "nothing was promoted";
  const err = new UserError(
    `${ANOTHER_WRITER} (another run or a UI edit): ${describeDrift(changed)} after promotion; ${snap}${endpoints.length ? `; ${endpoints.join("; ")}` : ""}; ${wayBack(ctx.backup)}`,
    HINT,
  );
  Object.assign(err, { partial: result });
  throw err;
}
