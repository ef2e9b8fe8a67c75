// Cognigy's caps in the plan: the flow as it would be after the sync (sentences already in Cognigy, attached flows
// included) against limits:, refused before the first write (shared/cognigy-api.md §8).
import type { CognigyApi } from "../cognigy/types.js";
import type { Config, Severity } from "../config/schema.js";
import { DEFAULT_SEVERITY } from "../config/schema.js";
import { UserError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { FlowPlanDetail } from "./plan.js";
import type { Target } from "./types.js";

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
}

/** The flow's own counts after the diff is applied: Cognigy's sentences − removals − deleted intents + additions. */
export function plannedCounts(f: FlowPlanDetail, intentCap: number): FlowCounts {
  const keys = f.target.locales.map((l) => l.key);
  const byId = new Map(f.remote.map((r) => [r.id, r]));
  // intent (remote id or "new:name") → locale → count
  const after = new Map<string, { name: string; counts: Record<string, number> }>();
  for (const r of f.remote) after.set(r.id, { name: r.name, counts: Object.fromEntries(keys.map((k) => [k, r.sentences[k]?.length ?? 0])) });
  for (const i of f.diff.intents) {
    if (i.action === "delete") {
      if (i.id) after.delete(i.id);
      continue;
    }
    const id = i.id && byId.has(i.id) ? i.id : `new:${i.name}`;
    let e = after.get(id);
    if (!e) after.set(id, (e = { name: i.name, counts: Object.fromEntries(keys.map((k) => [k, 0])) }));
    for (const k of keys) e.counts[k] = Math.max(0, (e.counts[k] ?? 0) - (i.remove[k]?.length ?? 0) + (i.add[k]?.length ?? 0));
  }
  const sentences: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  const overIntents: FlowCounts["overIntents"] = [];
  for (const e of after.values())
    for (const k of keys) {
      sentences[k] += e.counts[k];
      if (e.counts[k] > intentCap) overIntents.push({ intent: e.name, locale: k, count: e.counts[k] });
    }
  return { intents: after.size, sentences, overIntents, attached: [] };
}

/** The attached flows of a resolved flow, as Cognigy lists them (ids or referenceIds): from the resolved flow, else one GET of the flow. */
async function attachedFlowsOf(client: CognigyApi, target: Target): Promise<string[]> {
  if (target.attachedFlows === undefined) {
    const full = await client.getFlow(target.flowId);
    target.attachedFlows = Array.isArray(full.attachedFlows) ? full.attachedFlows.filter((x): x is string => typeof x === "string") : [];
  }
  return target.attachedFlows;
}

/**
 * Adds the attached flows' intents and sentences to each flow's counts: a flow of the same plan counts as planned, any
 * other is read (one intent listing and one export per locale).
 */
export async function addAttached(client: CognigyApi, flows: FlowPlanDetail[], counts: Map<FlowPlanDetail, FlowCounts>): Promise<void> {
  const read = new Map<string, { intents: number; byLocaleId: Map<string, number> }>();
  for (const f of flows) {
    const c = counts.get(f);
    if (!c) continue;
    for (const ref of await attachedFlowsOf(client, f.target)) {
      if (ref === f.target.flowId || ref === f.target.flowReferenceId) continue;
      c.attached.push(ref);
      const planned = flows.find((g) => g.target.flowId === ref || g.target.flowReferenceId === ref);
      const pc = planned && counts.get(planned);
      if (planned && pc) {
        c.intents += pc.intents;
        for (const { key, locale } of f.target.locales) {
          const same = planned.target.locales.find((l) => l.locale._id === locale._id);
          if (same) c.sentences[key] += pc.sentences[same.key] ?? 0;
        }
        continue;
      }
      let r = read.get(ref);
      if (!r) {
        const id = /^[0-9a-f]{24}$/i.test(ref) ? ref : (await client.listFlows(f.target.projectId)).find((x) => x.referenceId === ref)?._id;
        r = { intents: 0, byLocaleId: new Map() };
        if (id) {
          r.intents = (await client.listIntents(id)).length;
          for (const { locale } of f.target.locales) {
            const exported = await client.exportIntents(id, locale._id);
            r.byLocaleId.set(locale._id, exported.reduce((n, e) => n + (Array.isArray(e.exampleSentences) ? e.exampleSentences.length : 0), 0));
          }
        }
        read.set(ref, r);
      }
      c.intents += r.intents;
      for (const { key, locale } of f.target.locales) c.sentences[key] += r.byLocaleId.get(locale._id) ?? 0;
    }
  }
}

function fmt(x: number): string {
  return x.toLocaleString("en-US");
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
