// The sync step: applies a plan with batch calls (or the multipart import for a first sync), after a backup when destructive.
import type { BatchOp, BatchResult, CognigyApi, ExportedIntent, IntentInput, RequestStats } from "../cognigy/types.js";
import type { RunConfig } from "../config/options.js";
import { errorMessage, UserError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { SyncResult } from "../report/types.js";
import { type Backup, backupProject, isDestructive } from "./sync-backup.js";
import { normalize } from "../dataset/normalize.js";
import { desiredTags, diffSentences, type IntentDiff } from "./diff.js";
import { checkLimits } from "./limits.js";
import { type FlowPlanDetail, type PlanResult, planFlow } from "./plan.js";
import type { PipelineDeps } from "./types.js";

type SentenceValue = { text: string; localeId?: string; slots?: unknown[] };

/** POST routes that only read (they do not count as write calls). */
const READ_ONLY_POSTS = [/\/intents\/export$/, /\/nlu\/scores$/, /\/downloadlink$/];

/** Write calls (POST / PATCH / PUT / DELETE, except read-only POSTs) in request stats. */
export function writeCalls(stats: RequestStats): number {
  let n = 0;
  for (const [key, r] of Object.entries(stats.byRoute)) {
    const [method, route = ""] = key.split(" ");
    if (!["POST", "PATCH", "PUT", "DELETE"].includes(method)) continue;
    if (method === "POST" && READ_ONLY_POSTS.some((re) => re.test(route))) continue;
    n += r.count;
  }
  return n;
}

/** Refuses (UserError) a plan that deletes more sentences than sync.maxDeletions allows, unless --force. */
export function checkDeletions(run: RunConfig, plan: PlanResult): void {
  for (const f of plan.flows) {
    if (f.deletions <= f.deletionLimit) continue;
    const setting = run.config.sync.maxDeletions;
    const limitText = typeof setting === "string" ? `${setting} of the flow's ${f.diff.remoteSentences} sentences = ${f.deletionLimit}` : `${f.deletionLimit}`;
    const intents = f.diff.intents.filter((i) => i.action === "delete").length;
    const message = `refusing to sync flow ${f.target.flow.name}: the plan deletes ${f.deletions} sentence${f.deletions === 1 ? "" : "s"}${intents ? ` (incl. ${intents} intent${intents === 1 ? "" : "s"})` : ""}, more than sync.maxDeletions allows (${limitText})`;
    if (run.force) continue;
    throw new UserError(message, "check the plan (cognigy-nlu plan); if the deletions are intended, re-run with --force or raise sync.maxDeletions in cognigy-nlu.yml");
  }
}

interface Counters {
  perIntent: Record<string, { accepted: number; rejected: number }>;
}

function count(c: Counters, intent: string, accepted: number, rejected: number): void {
  const r = (c.perIntent[intent] ??= { accepted: 0, rejected: 0 });
  r.accepted += accepted;
  r.rejected += rejected;
}

/** One intent batch (deletes, creates, updates) for the flow; returns name → _id of the intents after it. */
async function applyIntentOps(client: CognigyApi, f: FlowPlanDetail, c: Counters): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const i of f.diff.intents) if (i.id && i.action !== "delete") ids.set(i.name, i.id);
  const ops: BatchOp<IntentInput>[] = [];
  const touched: IntentDiff[] = [];
  // Deletes first: a batch longer than one call is chunked, and no chunk may take the flow past a cap on its way.
  const order = [...f.diff.intents.filter((i) => i.action === "delete"), ...f.diff.intents.filter((i) => i.action !== "delete")];
  for (const i of order) {
    if (i.action === "delete" && i.id) ops.push({ op: "delete", id: i.id });
    else if (i.action === "create" && i.value) ops.push({ op: "create", value: i.value });
    else if (i.action === "update" && i.id && i.value) ops.push({ op: "update", id: i.id, value: i.value });
    else continue;
    touched.push(i);
  }
  if (ops.length === 0) return ids;
  const result: BatchResult = await client.batchIntents(f.target.flowId, ops);
  const creates = touched.filter((i) => i.action === "create");
  if (creates.length > 0) {
    const after = await client.listIntents(f.target.flowId);
    for (const i of creates) {
      const hit = after.find((x) => x.name === i.name);
      if (hit) ids.set(i.name, hit._id);
      count(c, i.name, hit ? 1 : 0, hit ? 0 : 1);
    }
  }
  const updated = new Set(result.updated ?? []);
  const deleted = new Set(result.deleted ?? []);
  for (const i of touched) {
    if (i.action === "update") count(c, i.name, updated.has(i.id ?? "") ? 1 : 0, updated.has(i.id ?? "") ? 0 : 1);
    if (i.action === "delete") count(c, i.name, deleted.has(i.id ?? "") ? 1 : 0, deleted.has(i.id ?? "") ? 0 : 1);
  }
  return ids;
}

/** The sentence ids to delete: per locale, the listed sentences whose exact text is to be removed (each text once per copy). */
async function sentenceIdsToRemove(client: CognigyApi, f: FlowPlanDetail, intentId: string, i: IntentDiff): Promise<string[]> {
  const ids: string[] = [];
  for (const { key, locale } of f.target.locales) {
    const texts = i.remove[key];
    if (!texts?.length) continue;
    const want = new Map<string, number>();
    for (const t of texts) want.set(t, (want.get(t) ?? 0) + 1);
    const listed = await client.listSentences(f.target.flowId, intentId, { localeId: locale._id });
    for (const s of listed) {
      if (s.localeReference && s.localeReference !== locale._id) continue;
      const n = want.get(s.text) ?? 0;
      if (n > 0) {
        ids.push(s._id);
        want.set(s.text, n - 1);
      }
    }
  }
  return ids;
}

/** Sentence batches: one call per intent with changes (deletes and creates of every locale together; the client chunks). */
async function applySentenceOps(client: CognigyApi, f: FlowPlanDetail, ids: Map<string, string>, c: Counters, logger: Logger): Promise<void> {
  // Intents that lose sentences before those that gain (stable otherwise): a flow near a cap whose examples move
  // between intents never passes the cap on the way to a final count within it (Cognigy checks each call).
  const net = (i: IntentDiff) => Object.values(i.add).reduce((n, t) => n + t.length, 0) - Object.values(i.remove).reduce((n, t) => n + t.length, 0);
  const work = f.diff.intents
    .filter((i) => i.action !== "delete" && (Object.keys(i.add).length > 0 || Object.keys(i.remove).length > 0))
    .map((i, k) => ({ i, k, n: net(i) }))
    .sort((a, b) => Math.sign(a.n) - Math.sign(b.n) || a.k - b.k)
    .map((x) => x.i);
  let done = 0;
  let nextLog = 0.25;
  for (const i of work) {
    const intentId = ids.get(i.name);
    const adds = Object.values(i.add).reduce((n, t) => n + t.length, 0);
    if (!intentId) {
      count(c, i.name, 0, adds);
      continue;
    }
    const ops: BatchOp<SentenceValue>[] = [];
    for (const id of Object.keys(i.remove).length ? await sentenceIdsToRemove(client, f, intentId, i) : []) ops.push({ op: "delete", id });
    for (const { key, locale } of f.target.locales) for (const text of i.add[key] ?? []) ops.push({ op: "create", value: { text, localeId: locale._id } });
    const removes = Object.values(i.remove).reduce((n, t) => n + t.length, 0);
    if (ops.length) {
      const r = await client.batchSentences(f.target.flowId, intentId, ops);
      const accepted = (r.created?.length ?? 0) + (r.deleted?.length ?? 0);
      count(c, i.name, accepted, Math.max(0, adds + removes - accepted));
    } else count(c, i.name, 0, removes);
    done++;
    if (work.length >= 40 && done / work.length >= nextLog && done < work.length) {
      logger.info(`${f.target.flow.name}: ${done}/${work.length} intents synced`);
      while (done / work.length >= nextLog) nextLog += 0.25;
    }
  }
}

/** The documented import format of one locale: every intent of the files with its uploaded examples. */
export function importFile(f: FlowPlanDetail, localeKey: string): ExportedIntent[] {
  return f.desired.map((d) => ({
    name: d.name,
    // what a batch sync would add to an empty intent: duplicates after normalisation dropped
    exampleSentences: diffSentences(d.examples[localeKey] ?? [], [], normalize).add,
    rules: [],
    tags: desiredTags(d.tags),
    condition: "",
    disambiguationSentence: "",
    childFeatures: false,
    isRejectIntent: d.reject,
    isDisabled: d.disabled,
    ...(d.description !== undefined ? { description: d.description } : {}),
  }));
}

async function importFlow(run: RunConfig, client: CognigyApi, f: FlowPlanDetail, logger: Logger): Promise<void> {
  for (const { key, locale } of f.target.locales) {
    const intents = importFile(f, key);
    const task = await client.importIntents(f.target.flowId, { localeId: locale._id, mode: "overwrite", intents });
    logger.info(`${f.target.flow.name} ${key}: importing ${intents.length} intents (task ${task._id})`);
    await client.waitForTask(task._id, { timeoutMs: run.config.train.timeoutSeconds * 1000 });
  }
}

/**
 * The flows in sync order: those whose own sentences shrink before those that grow (stable otherwise), so examples
 * moving between a flow and one it attaches never take the attaching flow past a cap on the way.
 */
function shrinkingFirst(flows: readonly FlowPlanDetail[]): FlowPlanDetail[] {
  const growth = (f: FlowPlanDetail) => {
    const own = f.counts?.own;
    if (!own) return 0;
    return Object.entries(own.after.sentences).reduce((n, [k, v]) => n + v - (own.before.sentences[k] ?? 0), 0);
  };
  return flows
    .map((f, k) => ({ f, k, g: Math.sign(growth(f)) }))
    .sort((a, b) => a.g - b.g || a.k - b.k)
    .map((x) => x.f);
}

export interface SyncInput {
  plan: PlanResult;
  /** A backup already taken (release takes it as its own step); null = do not take one here. Undefined = take one when needed. */
  backup?: Backup | null;
}

/**
 * Applies the plan. Order per flow: one intent batch (deletes, creates, updates), one listing when intents were
 * created (for their ids), then one sentence batch per intent that changes (listing its sentences first only when
 * some are removed). A one-sentence change therefore costs one write call. With `sync.strategy: import` a flow that
 * has no intents in Cognigy yet is uploaded with the multipart import (mode overwrite) per locale, and whatever the
 * import did not set is then applied incrementally. A failed call stops the sync; re-running it completes the work
 * (the plan is recomputed from Cognigy's state).
 */
export async function syncFlows(run: RunConfig, deps: PipelineDeps, input: SyncInput): Promise<SyncResult> {
  const { plan } = input;
  checkLimits(run.config, plan.flows, deps.logger);
  checkDeletions(run, plan);
  const strategy = run.config.sync.strategy;
  const result: SyncResult = { applied: false, strategy: "batch", writeCalls: 0, perIntent: {} };
  if (plan.plan.empty) {
    deps.logger.info("nothing to sync: Cognigy already matches the files");
    return result;
  }
  if (input.backup) result.backup = input.backup;
  else if (input.backup === undefined && isDestructive(plan)) {
    const b = await backupProject(run, deps, { plan });
    if (b) result.backup = b;
    else deps.logger.warn("sync.backup is off: applying deletions/overwrites without a backup");
  }
  const before = writeCalls(deps.client.stats());
  const c: Counters = { perIntent: result.perIntent };
  for (let f of shrinkingFirst(plan.flows)) {
    if (f.report && isEmptyFlow(f)) continue;
    try {
      if (strategy === "import" && f.remoteIntents === 0) {
        result.strategy = "import";
        await importFlow(run, deps.client, f, deps.logger);
        f = await planFlow(run.config, deps.client, f.target);
        for (const d of f.desired) count(c, d.name, Object.values(d.examples).reduce((n, t) => n + t.length, 0), 0);
        if (isEmptyFlow(f)) continue;
        deps.logger.info(`${f.target.flow.name}: applying what the import did not set incrementally`);
      }
      const ids = await applyIntentOps(deps.client, f, c);
      await applySentenceOps(deps.client, f, ids, c, deps.logger);
    } catch (e) {
      result.writeCalls = writeCalls(deps.client.stats()) - before;
      const applied = Object.values(c.perIntent).reduce((n, r) => n + r.accepted, 0);
      const err = new UserError(
        `sync of flow ${f.target.flow.name} stopped: ${errorMessage(e)} (${applied} change${applied === 1 ? "" : "s"} applied so far)`,
        "re-run the sync: the plan is recomputed from Cognigy's state and completes the remaining changes",
      );
      Object.defineProperty(err, "partial", { value: result, enumerable: false });
      throw err;
    }
  }
  result.applied = true;
  result.writeCalls = writeCalls(deps.client.stats()) - before;
  const accepted = Object.values(c.perIntent).reduce((n, r) => n + r.accepted, 0);
  deps.logger.info(`applied ${accepted} change${accepted === 1 ? "" : "s"} with ${result.writeCalls} write call${result.writeCalls === 1 ? "" : "s"}${result.strategy === "import" ? " (intent import)" : ""}`);
  const rejected = Object.entries(c.perIntent).filter(([, r]) => r.rejected > 0);
  if (rejected.length) {
    throw new UserError(
      `Cognigy rejected changes to ${rejected.length} intent${rejected.length === 1 ? "" : "s"}: ${rejected
        .slice(0, 5)
        .map(([n, r]) => `${n} (${r.rejected})`)
        .join(", ")}`,
      "run `cognigy-nlu plan` to see what is still missing",
    );
  }
  return result;
}

function isEmptyFlow(f: FlowPlanDetail): boolean {
  return f.diff.intents.every((i) => i.action === "keep" && Object.keys(i.add).length === 0 && Object.keys(i.remove).length === 0);
}
