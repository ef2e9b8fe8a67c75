// Cognigy's caps in the plan: the flow as it would be after the sync (sentences already in Cognigy, attached flows
// included) against limits:, refused before the first write (shared/cognigy-api.md §8).
import type { CognigyApi, Flow } from "../cognigy/types.js";
import type { Config, Severity } from "../config/schema.js";
import { DEFAULT_SEVERITY } from "../config/schema.js";
import { UserError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { FlowPlanDetail } from "./plan.js";
import type { Target } from "./types.js";
import { grouped } from "../text/number.js";

/** Intents and sentences per YAML locale key of one flow. */
export interface Tally {
  intents: number;
  sentences: Record<string, number>;
}

/** One flow's counts after the planned change. */
export interface FlowCounts {
  /** Intents of the flow after the change, plus those of its attached flows. */
  intents: number;
  /** YAML locale key → sentences after the change, plus those of the attached flows in that locale. */
  sentences: Record<string, number>;
  /** Intents × locales over limits.intentSentences after the change. */
  overIntents: { intent: string; locale: string; count: number }[];
  /** Attached flows counted (their _id or referenceId as Cognigy lists them). */
  attached: string[];
  /** The flow's own counts (attached flows not included) before and after the change. */
  own: { before: Tally; after: Tally };
  /**
   * Flows outside the plan that attach this one, with their counts after the change (their own + their attached
   * flows', this one as planned): set only when this flow grows, since only growth can take them over a cap.
   */
  attachedBy: ({ name: string } & Tally)[];
}

/** The flow's own counts after the diff is applied: Cognigy's sentences − removals − deleted intents + additions. */
export function plannedCounts(f: FlowPlanDetail, intentCap: number): FlowCounts {
  const keys = f.target.locales.map((l) => l.key);
  const byId = new Map(f.remote.map((r) => [r.id, r]));
  const zero = () => Object.fromEntries(keys.map((k) => [k, 0]));
  const before: Tally = { intents: f.remote.length, sentences: zero() };
  // intent (remote id or "new:name") → locale → count
  const after = new Map<string, { name: string; counts: Record<string, number> }>();
  for (const r of f.remote) {
    after.set(r.id, { name: r.name, counts: Object.fromEntries(keys.map((k) => [k, r.sentences[k]?.length ?? 0])) });
    for (const k of keys) before.sentences[k] += r.sentences[k]?.length ?? 0;
  }
  for (const i of f.diff.intents) {
    if (i.action === "delete") {
      if (i.id) after.delete(i.id);
      continue;
    }
    const id = i.id && byId.has(i.id) ? i.id : `new:${i.name}`;
    let e = after.get(id);
    if (!e) after.set(id, (e = { name: i.name, counts: zero() }));
    for (const k of keys) e.counts[k] = Math.max(0, (e.counts[k] ?? 0) - (i.remove[k]?.length ?? 0) + (i.add[k]?.length ?? 0));
  }
  const sentences: Record<string, number> = zero();
  const overIntents: FlowCounts["overIntents"] = [];
  for (const e of after.values())
    for (const k of keys) {
      sentences[k] += e.counts[k];
      if (e.counts[k] > intentCap) overIntents.push({ intent: e.name, locale: k, count: e.counts[k] });
    }
  return { intents: after.size, sentences: { ...sentences }, overIntents, attached: [], own: { before, after: { intents: after.size, sentences } }, attachedBy: [] };
}

/** Whether the change grows the flow's own intents or its sentences in any locale. */
function grows(c: FlowCounts): boolean {
  return c.own.after.intents > c.own.before.intents || Object.entries(c.own.after.sentences).some(([k, n]) => n > (c.own.before.sentences[k] ?? 0));
}

/** The attached flows of a resolved flow, as Cognigy lists them (ids or referenceIds): from the resolved flow, else one GET of the flow. */
async function attachedFlowsOf(client: CognigyApi, target: Target): Promise<string[]> {
  if (target.attachedFlows === undefined) {
    const full = await client.getFlow(target.flowId);
    target.attachedFlows = refsOf(full.attachedFlows);
  }
  return target.attachedFlows;
}

function refsOf(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((r): r is string => typeof r === "string") : [];
}

/** Reads flows outside the plan as Cognigy holds them (intents; sentences per locale _id), each once. */
class FlowReader {
  private readonly cache = new Map<string, { intents: number; byLocaleId: Map<string, number> }>();
  private listed?: Promise<Flow[]>;

  constructor(
    private readonly client: CognigyApi,
    private readonly projectId: string,
  ) {}

  flows(): Promise<Flow[]> {
    this.listed ??= this.client.listFlows(this.projectId);
    return this.listed;
  }

  /** The _id of a flow listed by _id or referenceId (undefined: not in the project). */
  async idOf(ref: string): Promise<string | undefined> {
    const all = await this.flows();
    return all.find((x) => x._id === ref || x.referenceId === ref)?._id ?? (/^[0-9a-f]{24}$/i.test(ref) ? ref : undefined);
  }

  /** One intent listing and one export per locale not read yet. */
  async read(id: string, localeIds: readonly string[]): Promise<{ intents: number; byLocaleId: Map<string, number> }> {
    let r = this.cache.get(id);
    if (!r) this.cache.set(id, (r = { intents: (await this.client.listIntents(id)).length, byLocaleId: new Map() }));
    for (const l of localeIds)
      if (!r.byLocaleId.has(l)) {
        const exported = await this.client.exportIntents(id, l);
        r.byLocaleId.set(l, exported.reduce((n, e) => n + (Array.isArray(e.exampleSentences) ? e.exampleSentences.length : 0), 0));
      }
    return r;
  }
}

/** The planned flow a reference (an _id or referenceId) names, if any. */
function plannedFlow(flows: readonly FlowPlanDetail[], ref: string): FlowPlanDetail | undefined {
  return flows.find((g) => g.target.flowId === ref || g.target.flowReferenceId === ref);
}

/** Adds `planned`'s own counts after the change (per locale _id) to a tally keyed by `f`'s YAML keys. */
function addPlanned(into: Tally, f: FlowPlanDetail, planned: FlowPlanDetail, pc: FlowCounts): void {
  into.intents += pc.own.after.intents;
  for (const { key, locale } of f.target.locales) {
    const same = planned.target.locales.find((l) => l.locale._id === locale._id);
    if (same) into.sentences[key] += pc.own.after.sentences[same.key] ?? 0;
  }
}

/**
 * Completes each flow's counts with Cognigy's attachments, one level as Cognigy counts them (an attached flow's own
 * attachments do not count): the attached flows' intents and sentences are added to the flow's (a flow of the same plan
 * as planned, any other read: one intent listing and one export per locale); and, when a flow grows, every flow outside
 * the plan that attaches it is counted too (one flow listing and one GET per flow of the project), since Cognigy
 * refuses a write into an attached flow that would take a flow attaching it over a cap.
 */
export async function addAttached(client: CognigyApi, flows: FlowPlanDetail[], counts: Map<FlowPlanDetail, FlowCounts>): Promise<void> {
  if (flows.length === 0) return;
  const reader = new FlowReader(client, flows[0].target.projectId);
  const localeIds = (f: FlowPlanDetail) => f.target.locales.map((l) => l.locale._id);
  const addRead = async (into: Tally, f: FlowPlanDetail, id: string) => {
    const r = await reader.read(id, localeIds(f));
    into.intents += r.intents;
    for (const { key, locale } of f.target.locales) into.sentences[key] += r.byLocaleId.get(locale._id) ?? 0;
  };
  for (const f of flows) {
    const c = counts.get(f);
    if (!c) continue;
    const tally: Tally = { intents: c.intents, sentences: c.sentences };
    for (const ref of await attachedFlowsOf(client, f.target)) {
      if (ref === f.target.flowId || ref === f.target.flowReferenceId || c.attached.includes(ref)) continue;
      c.attached.push(ref);
      const planned = plannedFlow(flows, ref);
      const pc = planned && counts.get(planned);
      if (planned && pc) addPlanned(tally, f, planned, pc);
      else {
        const id = await reader.idOf(ref);
        if (id) await addRead(tally, f, id);
      }
    }
    c.intents = tally.intents;
  }
  // Flows outside the plan that attach a growing flow of the plan.
  const growing = flows.filter((f) => {
    const c = counts.get(f);
    return c !== undefined && grows(c);
  });
  if (growing.length === 0) return;
  const inPlan = new Set(flows.map((f) => f.target.flowId));
  for (const other of await reader.flows()) {
    if (inPlan.has(other._id)) continue;
    const refs = refsOf((await client.getFlow(other._id)).attachedFlows);
    for (const f of growing) {
      if (!refs.includes(f.target.flowId) && !refs.includes(f.target.flowReferenceId)) continue;
      const tally: Tally = { intents: 0, sentences: Object.fromEntries(f.target.locales.map((l) => [l.key, 0])) };
      await addRead(tally, f, other._id);
      const seen = new Set<string>([other._id]);
      for (const ref of refs) {
        const planned = plannedFlow(flows, ref);
        const pc = planned && counts.get(planned);
        if (planned && pc) {
          if (seen.has(planned.target.flowId)) continue;
          seen.add(planned.target.flowId);
          addPlanned(tally, f, planned, pc);
          continue;
        }
        const id = await reader.idOf(ref);
        if (!id || seen.has(id)) continue;
        seen.add(id);
        await addRead(tally, f, id);
      }
      counts.get(f)!.attachedBy.push({ name: other.name, ...tally });
    }
  }
}

function fmt(x: number): string {
  return grouped(x);
}

function severityOf(config: Config, rule: "flow-limit" | "intent-limit"): Severity | "off" {
  return config.checks.rules?.[rule] ?? DEFAULT_SEVERITY[rule];
}

/** What is over a cap after the planned change, one line each (flow caps first). */
export function limitViolations(config: Config, f: FlowPlanDetail): { rule: "flow-limit" | "intent-limit"; message: string }[] {
  const c = f.counts;
  if (!c) return [];
  const { limits } = config;
  const name = f.target.flow.name;
  const withAttached = c.attached.length ? ` incl. ${c.attached.length} attached flow${c.attached.length === 1 ? "" : "s"}` : "";
  const out: { rule: "flow-limit" | "intent-limit"; message: string }[] = [];
  if (c.intents > limits.flowIntents)
    out.push({ rule: "flow-limit", message: `flow ${name} would hold ${fmt(c.intents)} intents${withAttached}, more than Cognigy's cap of ${fmt(limits.flowIntents)} (limits.flowIntents)` });
  for (const [k, n] of Object.entries(c.sentences))
    if (n > limits.flowSentences)
      out.push({
        rule: "flow-limit",
        message: `flow ${name} would hold ${fmt(n)} sentences in ${k}${withAttached}, more than Cognigy's cap of ${fmt(limits.flowSentences)} (limits.flowSentences)`,
      });
  // Flows that attach this one: over a cap only through this flow's growth (in that dimension, that locale).
  for (const by of c.attachedBy) {
    const via = `flow ${by.name}, which attaches flow ${name}, would hold`;
    if (c.own.after.intents > c.own.before.intents && by.intents > limits.flowIntents)
      out.push({ rule: "flow-limit", message: `${via} ${fmt(by.intents)} intents, more than Cognigy's cap of ${fmt(limits.flowIntents)} (limits.flowIntents)` });
    for (const [k, n] of Object.entries(by.sentences))
      if ((c.own.after.sentences[k] ?? 0) > (c.own.before.sentences[k] ?? 0) && n > limits.flowSentences)
        out.push({ rule: "flow-limit", message: `${via} ${fmt(n)} sentences in ${k}, more than Cognigy's cap of ${fmt(limits.flowSentences)} (limits.flowSentences)` });
  }
  for (const o of c.overIntents)
    out.push({
      rule: "intent-limit",
      message: `intent ${o.intent} of flow ${name} would hold ${fmt(o.count)} sentences in ${o.locale}, more than Cognigy's cap of ${fmt(limits.intentSentences)} (limits.intentSentences)`,
    });
  return out;
}

/**
 * Refuses (UserError, before any write) a plan that leaves a flow over a cap whose rule is an error (checks.rules can
 * lower `flow-limit` / `intent-limit` to a warning: then it is logged and the sync goes ahead).
 */
export function checkLimits(config: Config, flows: readonly FlowPlanDetail[], logger?: Logger): void {
  const refused: string[] = [];
  for (const f of flows)
    for (const v of limitViolations(config, f)) {
      const sev = severityOf(config, v.rule);
      if (sev === "off") continue;
      if (sev === "error") refused.push(v.message);
      else logger?.warn(v.message);
    }
  if (refused.length === 0) return;
  throw new UserError(
    `refusing to sync: ${refused.slice(0, 5).join("; ")}${refused.length > 5 ? `; and ${refused.length - 5} more` : ""} — Cognigy would refuse the sync partway, after writes`,
    "split the flow (e.g. one flow per domain) or trim examples; if your tenant's caps are higher, set them in the limits: section of cognigy-nlu.yml",
  );
}
