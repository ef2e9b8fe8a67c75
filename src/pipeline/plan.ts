// The plan step: reads each flow's intents and sentences from Cognigy (cheaply) and diffs them against the YAML.
import { maskPii } from "../checks/pii.js";
import type { CognigyApi, ExportedIntent, Intent } from "../cognigy/types.js";
import type { Config } from "../config/schema.js";
import { normalize } from "../dataset/normalize.js";
import type { Dataset } from "../dataset/types.js";
import type { FlowPlan, IntentChange, Plan, SentenceChange } from "../report/types.js";
import { type DesiredIntent, deletionCount, deletionLimit, diffFlow, type FlowDiff, heldOutRemovals, isEmptyDiff, type RemoteIntent } from "./diff.js";
import { addAttached, type FlowCounts, plannedCounts } from "./limits.js";
import { resolveTargets } from "./resolve.js";
import { type FlowSplit, splitFlow } from "./testset.js";
import type { FlowState, PipelineDeps, Target } from "./types.js";
import type { RunConfig } from "../config/options.js";

/** Sentence changes listed per flow and kind in the report (the totals always count them all). */
export const MAX_LISTED_SENTENCES = 500;

/** One flow's plan; `remote` is the flow in Cognigy when the plan read it (before any sync of the run). */
export interface FlowPlanDetail extends FlowState {
  desired: DesiredIntent[];
  diff: FlowDiff;
  /** Sentences the change deletes (removals + sentences of deleted intents) and how many may be. */
  deletions: number;
  deletionLimit: number;
  /** Intents in Cognigy before the change. */
  remoteIntents: number;
  report: FlowPlan;
  /** Counts after the change, attached flows included (set by planFlows; checked against limits:). */
  counts?: FlowCounts;
}

export interface PlanResult {
  plan: Plan;
  flows: FlowPlanDetail[];
}

/** What the repository wants in Cognigy for one flow: every intent with its uploaded examples (held-out ones excluded). */
export function desiredIntents(target: Target, split: FlowSplit): DesiredIntent[] {
  return target.data.intents.map((i) => ({
    name: i.name,
    description: i.description,
    tags: i.tags,
    disabled: i.disabled,
    reject: i.reject,
    examples: split.uploaded.get(i.name) ?? {},
    tests: Object.fromEntries(Object.entries(i.tests).map(([k, list]) => [k, list.map((u) => u.text)])),
  }));
}

/** One intent of a Cognigy listing in the planner's terms, with no sentences yet. */
export function toRemoteIntent(i: Intent): RemoteIntent {
  return {
    id: i._id,
    name: i.name,
    description: i.description,
    tags: Array.isArray(i.tags) ? i.tags : [],
    isDisabled: Boolean(i.isDisabled),
    isRejectIntent: Boolean(i.isRejectIntent),
    sentences: {},
  };
}

/** The flow's intents and, per configured locale, their sentence texts: one intent listing and one export per locale. */
export async function readRemoteFlow(client: CognigyApi, target: Target): Promise<RemoteIntent[]> {
  if (target.missing) return [];
  const intents = await client.listIntents(target.flowId);
  const byName = new Map<string, RemoteIntent>();
  const out: RemoteIntent[] = intents.map((i) => {
    const r = toRemoteIntent(i);
    if (!byName.has(i.name)) byName.set(i.name, r);
    return r;
  });
  if (out.length === 0) return out;
  for (const { key, locale } of target.locales) {
    const exported: ExportedIntent[] = await client.exportIntents(target.flowId, locale._id);
    for (const e of exported) {
      const r = byName.get(e.name);
      if (r) r.sentences[key] = (Array.isArray(e.exampleSentences) ? e.exampleSentences : []).map(String);
    }
  }
  return out;
}

function capped(list: SentenceChange[]): { list: SentenceChange[]; omitted: number } {
  return list.length > MAX_LISTED_SENTENCES ? { list: list.slice(0, MAX_LISTED_SENTENCES), omitted: list.length - MAX_LISTED_SENTENCES } : { list, omitted: 0 };
}

function maskValue(v: unknown): unknown {
  if (typeof v === "string") return maskPii(v);
  if (Array.isArray(v)) return v.map(maskValue);
  return v;
}

function maskFields(fields: Record<string, { from: unknown; to: unknown }> | undefined): IntentChange["fields"] {
  if (!fields) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([k, { from, to }]) => [k, { from: maskValue(from), to: maskValue(to) }]));
}

/** The report form of a flow's diff: PII-masked texts, deterministic order, long sentence lists capped. */
export function flowPlanReport(target: Target, diff: FlowDiff): FlowPlan {
  const add: SentenceChange[] = [];
  const remove: SentenceChange[] = [];
  let deletedIntentSentences = 0;
  let unchanged = 0;
  for (const i of diff.intents) {
    unchanged += i.unchanged;
    if (i.action === "delete") deletedIntentSentences += i.sentenceCount ?? 0;
    for (const [locale, texts] of Object.entries(i.add).sort()) for (const t of texts) add.push({ intent: i.name, locale, text: maskPii(t) });
    for (const [locale, texts] of Object.entries(i.remove).sort()) {
      const held = new Set(i.heldOut?.[locale] ?? []);
      for (const t of texts) remove.push(held.has(t) ? { intent: i.name, locale, text: maskPii(t), heldOut: true } : { intent: i.name, locale, text: maskPii(t) });
    }
  }
  const a = capped(add);
  const r = capped(remove);
  const plan: FlowPlan = {
    flow: target.flow.name,
    flowId: target.flowId,
    createIntents: diff.intents.filter((i) => i.action === "create").map((i) => ({ intent: i.name, fields: maskFields(i.fields) })),
    updateIntents: diff.intents.filter((i) => i.action === "update").map((i) => ({ intent: i.name, fields: maskFields(i.fields) })),
    deleteIntents: diff.intents.filter((i) => i.action === "delete").map((i) => ({ intent: i.name })),
    addSentences: a.list,
    removeSentences: r.list,
    unchanged,
  };
  if (diff.unmanaged.length) plan.unmanagedIntents = diff.unmanaged;
  if (a.omitted || r.omitted) plan.omitted = { addSentences: a.omitted, removeSentences: r.omitted };
  if (deletedIntentSentences) plan.deletedIntentSentences = deletedIntentSentences;
  const held = heldOutRemovals(diff);
  if (held) plan.heldOutRemovals = held;
  return plan;
}

/** Sums the flows' plans; `empty` when nothing would change. */
export function planTotals(flows: readonly FlowPlan[], empty: boolean): Plan {
  const totals = { createIntents: 0, updateIntents: 0, deleteIntents: 0, addSentences: 0, removeSentences: 0, unchanged: 0 };
  for (const f of flows) {
    totals.createIntents += f.createIntents.length;
    totals.updateIntents += f.updateIntents.length;
    totals.deleteIntents += f.deleteIntents.length;
    totals.addSentences += f.addSentences.length + (f.omitted?.addSentences ?? 0);
    totals.removeSentences += f.removeSentences.length + (f.omitted?.removeSentences ?? 0);
    totals.unchanged += f.unchanged;
  }
  return { flows: [...flows], totals, empty };
}

/**
 * Reads each flow from Cognigy once and splits its data against that state (see splitAgainstCognigy): what `evaluate`
 * uses when no plan of the same run has read the flows already.
 */
export async function readFlowStates(config: Config, client: CognigyApi, targets: readonly Target[]): Promise<FlowState[]> {
  const out: FlowState[] = [];
  for (const target of targets) {
    const remote = await readRemoteFlow(client, target);
    out.push({ target, remote, split: splitFlow(target.data, config.evaluate, remote) });
  }
  return out;
}

/** Diffs one resolved flow: reads Cognigy, compares with the files (same normalisation as the checks). */
export async function planFlow(config: Config, client: CognigyApi, target: Target): Promise<FlowPlanDetail> {
  const remote = await readRemoteFlow(client, target);
  const split = splitFlow(target.data, config.evaluate, remote);
  const desired = desiredIntents(target, split);
  const diff = diffFlow(desired, remote, { prune: target.flow.prune, locales: target.locales.map((l) => l.key), normalize });
  return {
    target,
    split,
    remote,
    desired,
    diff,
    deletions: deletionCount(diff),
    deletionLimit: deletionLimit(config.sync.maxDeletions, diff.remoteSentences),
    remoteIntents: remote.length,
    report: flowPlanReport(target, diff),
  };
}

/**
 * The plan step. Cost per flow: one intent listing (paged by 100) and one export per locale; sentence ids are only
 * listed at sync time, for the intents that lose sentences.
 */
export async function planFlows(run: RunConfig, deps: PipelineDeps, input: { dataset: Dataset; targets?: Target[] }): Promise<PlanResult> {
  const targets = input.targets ?? (await resolveTargets(run.config, input.dataset, deps.client));
  const flows: FlowPlanDetail[] = [];
  for (const t of targets) {
    const f = await planFlow(run.config, deps.client, t);
    deps.logger.debug(`plan ${t.flow.name}: ${f.diff.intents.length} intents compared, ${f.diff.remoteSentences} sentences in Cognigy`);
    flows.push(f);
  }
  const counts = new Map(flows.map((f) => [f, plannedCounts(f, run.config.limits.intentSentences)]));
  await addAttached(deps.client, flows, counts);
  for (const f of flows) f.counts = counts.get(f);
  return { plan: planTotals(flows.map((f) => f.report), flows.every((f) => isEmptyDiff(f.diff))), flows };
}
