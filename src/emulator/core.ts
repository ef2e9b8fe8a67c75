// The emulator's core: the store plus tasks, models and faults, id lookups that answer 404/400, and seeding.
import type { Config } from "../config/schema.js";
import type { FaultController } from "./faults.js";
import { isObjectId } from "./ids.js";
import { ModelService } from "./models.js";
import { badRequest, HttpError, notFound } from "./problem.js";
import type { AnalyticsRec, EndpointRec, FlowRec, IntentRec, LocaleRec, ProjectRec, SnapshotRec, Store, TaskRec } from "./state.js";
import { TaskRunner } from "./tasks.js";

export type SentenceDialect = "localeReference" | "localeId";

export interface CoreOptions {
  taskDelayMs: number;
  packagePadBytes: number;
  sentenceDialect: SentenceDialect;
  learningSentencesByIntent: boolean;
  /** Cognigy's caps the emulator enforces (default: the documented ones, DEFAULT_EMULATOR_LIMITS). */
  limits?: Partial<EmulatorLimits>;
}

/** Caps per flow (attached flows included) and per intent; 0 = not enforced. */
export interface EmulatorLimits {
  flowSentences: number;
  flowIntents: number;
  intentSentences: number;
}

/** Cognigy's documented caps (shared/cognigy-api.md §8): 10,000 sentences and 2,500 intents per flow, 2,000 sentences per intent and locale. */
export const DEFAULT_EMULATOR_LIMITS: EmulatorLimits = { flowSentences: 10_000, flowIntents: 2_500, intentSentences: 2_000 };

/** Parses `flowSentences=10000,flowIntents=2500,intentSentences=2000` (any subset; 0 = off). */
export function parseLimitsSpec(spec: string): Partial<EmulatorLimits> {
  const out: Partial<EmulatorLimits> = {};
  for (const part of spec.split(",").map((x) => x.trim()).filter(Boolean)) {
    const m = /^(flowSentences|flowIntents|intentSentences)=(\d+)$/.exec(part);
    if (!m) throw new Error(`'${part}' is not NAME=N with NAME one of flowSentences, flowIntents, intentSentences`);
    out[m[1] as keyof EmulatorLimits] = Number(m[2]);
  }
  return out;
}

export interface SeedLearningSentence {
  sentence: string;
  /** Intent name (in the given flow). */
  intent: string;
  /** Unix seconds, ms or an ISO date; default now. */
  createdAt?: number | string;
  confirmedCount?: number;
  rejectedCount?: number;
}

export interface SeedAnalytics {
  inputText: string;
  intent?: string | null;
  intentScore?: number | null;
  /** ISO date-time (or ms since epoch). */
  timestamp: string | number;
  localeName?: string;
  flowName?: string;
  sessionId?: string;
  /** Project name or _id; default the first project. */
  project?: string;
}

export class EmulatorCore {
  readonly models = new ModelService();
  readonly tasks: TaskRunner;
  /** `http://127.0.0.1:PORT`, set once listening. */
  origin = "";
  /** The caps in force (change them at will in tests). */
  limits: EmulatorLimits;

  constructor(
    readonly store: Store,
    readonly faults: FaultController,
    readonly opts: CoreOptions,
    readonly changed: () => void,
  ) {
    this.tasks = new TaskRunner(store, () => this.opts.taskDelayMs, changed, (k) => faults.count(k));
    this.limits = { ...DEFAULT_EMULATOR_LIMITS, ...(opts.limits ?? {}) };
  }

  // ---- Cognigy's caps

  /** The flow and its attached flows (by _id or referenceId), each once. One level: an attached flow's own attachments do not count. */
  private withAttached(flow: FlowRec, attached: readonly string[] = flow.attachedFlows ?? []): FlowRec[] {
    const out = [flow];
    for (const ref of attached) {
      const f = this.store.flows.get(ref) ?? [...this.store.flows.values()].find((x) => x.referenceId === ref);
      if (f && !out.includes(f)) out.push(f);
    }
    return out;
  }

  /** The flows whose caps a write to `flow` counts against: the flow itself, then every flow of its project that attaches it. */
  private capRoots(flow: FlowRec): FlowRec[] {
    const out = [flow];
    for (const f of this.store.flowsOf(flow.projectId))
      if (f !== flow && (f.attachedFlows ?? []).some((ref) => ref === flow._id || ref === flow.referenceId)) out.push(f);
    return out;
  }

  /** Intents and sentences per locale _id of a flow with its attached flows. */
  private countsOf(flow: FlowRec, attached?: readonly string[]): { intents: number; sentences: Map<string, number> } {
    let intents = 0;
    const sentences = new Map<string, number>();
    for (const f of this.withAttached(flow, attached))
      for (const i of this.store.intentsOf(f._id)) {
        intents++;
        for (const x of i.sentences) sentences.set(x.localeReference, (sentences.get(x.localeReference) ?? 0) + 1);
      }
    return { intents, sentences };
  }

  /** The refusal (400, code 1005, like Cognigy's limit errors); `via` names the attaching flow when it is not the written one. */
  private capError(what: string, cap: number, have: number, add: number, via?: FlowRec): HttpError {
    const who = via ? `Flow '${via.name}', which attaches this Flow, has` : "it has";
    return new HttpError(400, `A Flow (including its attached Flows) can have at most ${cap} ${what}; ${who} ${have} and ${add} would be added`, 1005);
  }

  /**
   * Refuses (400, like Cognigy's limit errors) a change that would leave a flow over a cap: `addIntents` new intents,
   * `addSentences` locale _id → net new sentences, written to `flow`. Counts per flow × locale, attached flows
   * included, for the written flow and for every flow that attaches it (its count includes the written flow's).
   * Checked before anything is applied; only growth is refused (a flow already over a cap may still shrink).
   */
  checkFlowCaps(flow: FlowRec, addIntents: number, addSentences: ReadonlyMap<string, number>): void {
    const { flowIntents, flowSentences } = this.limits;
    const growIntents = flowIntents > 0 && addIntents > 0;
    const growSentences = flowSentences > 0 && [...addSentences.values()].some((v) => v > 0);
    if (!growIntents && !growSentences) return;
    for (const root of this.capRoots(flow)) {
      const have = this.countsOf(root);
      const via = root === flow ? undefined : root;
      if (growIntents && have.intents + addIntents > flowIntents) throw this.capError("Intents", flowIntents, have.intents, addIntents, via);
      if (growSentences)
        for (const [loc, add] of addSentences) {
          const n = have.sentences.get(loc) ?? 0;
          if (add > 0 && n + add > flowSentences) throw this.capError("example sentences per locale", flowSentences, n, add, via);
        }
    }
  }

  /**
   * Refuses a change of a flow's attached flows that would put it over a cap (the flows that attach it are not
   * affected: attachment is one level). Only growth is refused.
   */
  checkAttachCaps(flow: FlowRec, attachedFlows: readonly string[]): void {
    const { flowIntents, flowSentences } = this.limits;
    const before = this.countsOf(flow);
    const after = this.countsOf(flow, attachedFlows);
    if (flowIntents > 0 && after.intents > flowIntents && after.intents > before.intents)
      throw this.capError("Intents", flowIntents, before.intents, after.intents - before.intents);
    if (flowSentences > 0)
      for (const [loc, n] of after.sentences) {
        const was = before.sentences.get(loc) ?? 0;
        if (n > flowSentences && n > was) throw this.capError("example sentences per locale", flowSentences, was, n - was);
      }
  }

  // ---- lookups (404 when missing)

  project(id: string): ProjectRec {
    const p = this.store.projects.get(id);
    if (!p) throw notFound("Project");
    return p;
  }

  flow(id: string): FlowRec {
    const f = this.store.flows.get(id);
    if (!f) throw notFound("Flow");
    return f;
  }

  locale(id: string): LocaleRec {
    const l = this.store.locales.get(id);
    if (!l) throw notFound("Locale");
    return l;
  }

  /** A locale given in a request body or query: must be a locale of the project (400 otherwise). */
  projectLocale(projectId: string, id: string, key = "localeId"): LocaleRec {
    if (!isObjectId(id)) throw badRequest(`'${key}' must be a valid ObjectId`);
    const l = this.store.locales.get(id);
    if (!l || l.projectId !== projectId) throw badRequest(`'${key}': no locale ${id} in this project`);
    return l;
  }

  intent(flow: FlowRec, id: string): IntentRec {
    const i = this.store.intents.get(id);
    if (!i || i.flowId !== flow._id) throw notFound("Intent");
    return i;
  }

  task(id: string): TaskRec {
    const t = this.store.tasks.get(id);
    if (!t) throw notFound("Task");
    return t;
  }

  snapshot(id: string): SnapshotRec {
    const s = this.store.snapshots.get(id);
    if (!s) throw notFound("Snapshot");
    return s;
  }

  endpoint(id: string): EndpointRec {
    const e = this.store.endpoints.get(id);
    if (!e) throw notFound("Endpoint");
    return e;
  }

  findProject(nameOrId?: string): ProjectRec | undefined {
    const all = [...this.store.projects.values()];
    if (!nameOrId) return all[0];
    return all.find((p) => p._id === nameOrId) ?? all.find((p) => p.name === nameOrId);
  }

  findFlow(nameOrId: string, projectId?: string): FlowRec | undefined {
    const all = [...this.store.flows.values()].filter((f) => !projectId || f.projectId === projectId);
    return all.find((f) => f._id === nameOrId) ?? all.find((f) => f.name === nameOrId);
  }

  // ---- seeding

  /** Creates (if missing) the config's project, its locales (the values of every flow's `locales`), its flows, one endpoint per flow. */
  seed(config: Config): ProjectRec {
    const s = this.store;
    const name = config.cognigy.project;
    const project = this.findProject(name) ?? s.createProject(name, isObjectId(name) && !s.projects.has(name) ? name : undefined);
    const first = config.flows[0];
    const primaryName = first.locales[first.defaultLocale];
    const names = [...new Set(config.flows.flatMap((f) => Object.values(f.locales)))];
    names.sort((a, b) => (a === primaryName ? -1 : b === primaryName ? 1 : 0));
    for (const ln of names) {
      if (!s.localesOf(project._id).some((l) => l.name === ln)) s.createLocale(project._id, ln, ln === primaryName && !s.localesOf(project._id).some((l) => l.primary));
    }
    const primary = s.primaryLocale(project._id)!;
    for (const f of config.flows) {
      let flow = s.flowsOf(project._id).find((x) => x.name === f.name || x._id === f.name);
      if (!flow) {
        flow = s.createFlow(project._id, f.name, isObjectId(f.name) && !s.flows.has(f.name) ? f.name : undefined);
        s.createEndpoint(flow, primary, `${f.name} Endpoint`);
      }
    }
    this.changed();
    return project;
  }

  seedLearningSentences(flowName: string, items: SeedLearningSentence[]): string[] {
    const flow = this.findFlow(flowName);
    if (!flow) throw new Error(`no flow '${flowName}'`);
    const intents = this.store.intentsOf(flow._id);
    const ids: string[] = [];
    for (const it of items) {
      const intent = intents.find((i) => i.name === it.intent || i._id === it.intent);
      if (!intent) throw new Error(`no intent '${it.intent}' in flow '${flow.name}'`);
      const meta = this.store.meta();
      if (it.createdAt !== undefined) meta.createdAt = meta.lastChanged = toSeconds(it.createdAt);
      const rec = {
        _id: this.store.ids.objectId(),
        flowId: flow._id,
        intentId: intent._id,
        sentence: it.sentence,
        confirmedCount: it.confirmedCount ?? 0,
        rejectedCount: it.rejectedCount ?? 0,
        ...meta,
      };
      this.store.learningSentences.set(rec._id, rec);
      ids.push(rec._id);
    }
    this.changed();
    return ids;
  }

  seedAnalytics(items: SeedAnalytics[]): void {
    for (const it of items) {
      const project = this.findProject(it.project);
      if (!project) throw new Error("no project to attach analytics to");
      const flow = this.findFlow(it.flowName ?? "", project._id) ?? this.store.flowsOf(project._id)[0];
      const rec: AnalyticsRec = {
        _id: this.store.ids.objectId(),
        projectId: project._id,
        inputText: it.inputText,
        intent: it.intent ?? null,
        intentScore: it.intentScore ?? null,
        intentFlow: it.intent ? (flow?.referenceId ?? null) : null,
        timestamp: new Date(typeof it.timestamp === "number" ? it.timestamp : Date.parse(it.timestamp)).toISOString(),
        localeName: it.localeName ?? this.store.primaryLocale(project._id)?.name ?? "",
        flowName: it.flowName ?? flow?.name ?? "",
        flowReferenceId: flow?.referenceId ?? "",
        sessionId: it.sessionId ?? `session-${this.store.analytics.length + 1}`,
        type: "input",
        understood: Boolean(it.intent),
      };
      this.store.analytics.push(rec);
    }
    this.changed();
  }
}

function toSeconds(v: number | string): number {
  if (typeof v === "string") return Math.floor(Date.parse(v) / 1000);
  return v > 1e11 ? Math.floor(v / 1000) : Math.floor(v);
}
