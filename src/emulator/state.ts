// The emulator's in-memory data model: records, factories, persistence form, project copies (snapshots) and dumpState.
import { createHash } from "node:crypto";
import { type IdGenerator, token } from "./ids.js";

export const USER_ID = "5f0c1d2e3a4b5c6d7e8f9a0b";

export interface Meta {
  createdAt: number;
  lastChanged: number;
  createdBy: string;
  lastChangedBy: string;
}

export interface ProjectRec extends Meta {
  _id: string;
  name: string;
  color: string;
  primaryLocaleReference: string;
  liveAgentDefaultInbox: number | null;
}

export interface LocaleRec extends Meta {
  _id: string;
  referenceId: string;
  projectId: string;
  name: string;
  primary: boolean;
  nluLanguage: string;
  fallbackLocaleReference: string | null;
}

export interface FlowSettings {
  intentThreshold: { lower: number; upper: number };
  useIntentDefaultRepliesAsExamples: boolean;
  flowIntentMappingOrder: "joint" | "main" | "attached";
  [k: string]: unknown;
}

export interface FlowRec extends Meta {
  _id: string;
  referenceId: string;
  projectId: string;
  name: string;
  description: string;
  context: Record<string, unknown>;
  attachedFlows: string[];
  attachedLexicons: string[];
  localeReference: string;
  intentTrainGroupReference: string;
  feedbackReport: unknown;
  img: string;
  settings: FlowSettings;
  /** Per locale _id: change counter, and its value when the last successful training started. */
  nlu: Record<string, { seq: number; trainedSeq: number }>;
}

export interface SentenceRec extends Meta {
  _id: string;
  text: string;
  localeReference: string;
  slots: unknown[];
  feedbackReport: unknown;
}

export interface IntentRec extends Meta {
  _id: string;
  referenceId: string;
  flowId: string;
  name: string;
  description: string;
  condition: string;
  rules: string[];
  isRejectIntent: boolean;
  isDisabled: boolean;
  tags: string[];
  confirmationSentences: string[];
  disambiguationSentence: string;
  data: Record<string, unknown>;
  nodeReferenceId: string | null;
  childFeatures: boolean | string[];
  biasTowardsParentOrChildIntents: "parents" | "children";
  parentIntentId: string | null;
  localeReference: string;
  feedbackReport: unknown;
  analyticsLabel: string;
  overrideIntentDefaultRepliesAsExamples: string;
  /** Unknown keys of imported intents per locale _id, returned by the export (round trip). */
  extras: Record<string, Record<string, unknown>>;
  sentences: SentenceRec[];
}

/** What a training captured: the intents and example sentences of one flow × locale when it started. */
export interface ModelRec {
  flowId: string;
  localeId: string;
  trainedAt: number;
  taskId: string;
  hash: string;
  intents: { referenceId: string; name: string; description: string; isRejectIntent: boolean; confirmationSentences: string[]; disambiguationSentence: string }[];
  examples: { label: string; text: string }[];
}

export type TaskStatus = "queued" | "active" | "done" | "cancelling" | "cancelled" | "error";

export interface TaskRec {
  _id: string;
  projectId: string;
  type: string;
  parameters: Record<string, unknown>;
  status: TaskStatus;
  currentStep: number;
  totalStep: number;
  failReason: string | null;
  lastRunAt: string | null;
  lastFinishedAt: string | null;
  createdAt: number;
  lastChangedAt: number;
  createdBy: string;
  traceId: string;
}

export interface ProjectData {
  project: { name: string; primaryLocaleReference: string };
  locales: LocaleRec[];
  flows: FlowRec[];
  intents: IntentRec[];
  models: ModelRec[];
}

export interface SnapshotRec extends Meta {
  _id: string;
  projectId: string;
  name: string;
  description: string;
  hash: string;
  isPackaged: boolean;
  packageExpiresAt: number | null;
  downloadToken: string | null;
  /** downloadlink calls and download GETs so far (for the early409 / placeholder faults). */
  linkCalls: number;
  downloads: number;
  data: ProjectData;
}

export interface EndpointRec extends Meta {
  _id: string;
  projectId: string;
  name: string;
  channel: string;
  URLToken: string;
  flowId: string; // flow referenceId
  localeId: string; // locale referenceId
  entrypoint: string; // project _id or snapshot _id
  active: boolean;
  nluConnectorId: string | null;
  useConversations: boolean;
  overrideSnapshotConnections: boolean;
}

export interface LearningSentenceRec extends Meta {
  _id: string;
  flowId: string;
  intentId: string;
  sentence: string;
  confirmedCount: number;
  rejectedCount: number;
}

export interface AnalyticsRec {
  _id: string;
  projectId: string;
  inputText: string;
  intent: string | null;
  intentScore: number | null;
  intentFlow: string | null;
  timestamp: string;
  localeName: string;
  flowName: string;
  flowReferenceId: string;
  sessionId: string;
  type: string;
  understood: boolean;
}

export interface PersistedState {
  version: 1;
  projects: ProjectRec[];
  locales: LocaleRec[];
  flows: FlowRec[];
  intents: IntentRec[];
  models: ModelRec[];
  tasks: TaskRec[];
  snapshots: SnapshotRec[];
  endpoints: EndpointRec[];
  learningSentences: LearningSentenceRec[];
  analytics: AnalyticsRec[];
}

export const DEFAULT_SETTINGS: FlowSettings = {
  intentThreshold: { lower: 0.4, upper: 0.6 },
  useIntentDefaultRepliesAsExamples: false,
  flowIntentMappingOrder: "joint",
};

/** The rest of IFlowSettings_2_0 (RAC 0.19.0 types/index.d.ts, incl. ISharedSettings_2_0), answered with the settings. */
export const OTHER_SETTINGS = {
  continueExecutionAfterAttachedFlow: false,
  continueExecutionAfterDefaultReply: false,
  continueExecutionAfterNegativeConfirmation: false,
  passDefaultRepliesIntoFlow: false,
  useAttachedFlowThresholds: false,
  useAttachedFlowContinueAfterDefaultReply: false,
  useAttachedFlowPassDefaultRepliesIntoFlow: false,
  implicitSlotParsing: "full",
  useAttachedFlowImplicitSlotParsing: false,
  lexiconSlotsWithSubMatches: false,
  localeSettings: [],
  positiveConfirmationWords: ["yes"],
  negativeConfirmationWords: ["no"],
  systemSlots: {
    useDateSlots: true,
    useNumberSlots: true,
    useDurationSlots: true,
    useTemperatureSlots: true,
    useAgeSlots: true,
    usePercentageSlots: true,
    useEmailSlots: true,
    useURLSlots: true,
    useMoneySlots: true,
    useDistanceSlots: true,
  },
  learnNewExampleSentences: false,
  learnNewExampleSentencesThreshold: 0.8,
  yesNoLogic: "confirmationWords",
  yesNoIntentThreshold: 0.5,
} as const;

export function modelKey(flowId: string, localeId: string): string {
  return `${flowId}:${localeId}`;
}

function byId<T extends { _id: string }>(items: Iterable<T>): Map<string, T> {
  return new Map([...items].map((i) => [i._id, i]));
}

/** All records, keyed by _id, in creation order. */
export class Store {
  projects = new Map<string, ProjectRec>();
  locales = new Map<string, LocaleRec>();
  flows = new Map<string, FlowRec>();
  intents = new Map<string, IntentRec>();
  /** key modelKey(flowId, localeId) */
  models = new Map<string, ModelRec>();
  tasks = new Map<string, TaskRec>();
  snapshots = new Map<string, SnapshotRec>();
  endpoints = new Map<string, EndpointRec>();
  learningSentences = new Map<string, LearningSentenceRec>();
  analytics: AnalyticsRec[] = [];

  constructor(
    readonly ids: IdGenerator,
    readonly nowMs: () => number = Date.now,
  ) {}

  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  meta(): Meta {
    const t = this.nowSec();
    return { createdAt: t, lastChanged: t, createdBy: USER_ID, lastChangedBy: USER_ID };
  }

  touch(rec: Meta): void {
    rec.lastChanged = this.nowSec();
    rec.lastChangedBy = USER_ID;
  }

  // ---- queries

  localesOf(projectId: string): LocaleRec[] {
    return [...this.locales.values()].filter((l) => l.projectId === projectId);
  }

  flowsOf(projectId: string): FlowRec[] {
    return [...this.flows.values()].filter((f) => f.projectId === projectId);
  }

  intentsOf(flowId: string): IntentRec[] {
    return [...this.intents.values()].filter((i) => i.flowId === flowId);
  }

  primaryLocale(projectId: string): LocaleRec | undefined {
    const ls = this.localesOf(projectId);
    return ls.find((l) => l.primary) ?? ls[0];
  }

  isTrainingOutOfDate(flow: FlowRec, localeId?: string): boolean {
    const entries = localeId ? [flow.nlu[localeId]].filter(Boolean) : Object.values(flow.nlu);
    return entries.some((e) => e.seq !== e.trainedSeq);
  }

  /** Records an NLU-relevant change of a flow in one locale (or in every locale the flow uses: has sentences, a model or a history in). */
  markChanged(flow: FlowRec, localeId?: string): void {
    let ids: string[];
    if (localeId) ids = [localeId];
    else {
      const used = new Set(Object.keys(flow.nlu));
      for (const i of this.intentsOf(flow._id)) for (const s of i.sentences) used.add(s.localeReference);
      for (const m of this.models.values()) if (m.flowId === flow._id) used.add(m.localeId);
      ids = this.localesOf(flow.projectId)
        .map((l) => l._id)
        .filter((id) => used.has(id));
    }
    for (const id of ids) {
      const e = (flow.nlu[id] ??= { seq: 0, trainedSeq: 0 });
      e.seq++;
    }
  }

  // ---- factories

  /** `id` lets a seed honour a config that names the project by _id. */
  createProject(name: string, id?: string): ProjectRec {
    const p: ProjectRec = { _id: id ?? this.ids.objectId(), name, color: "blue", primaryLocaleReference: "", liveAgentDefaultInbox: null, ...this.meta() };
    this.projects.set(p._id, p);
    return p;
  }

  createLocale(projectId: string, name: string, primary: boolean): LocaleRec {
    const l: LocaleRec = {
      _id: this.ids.objectId(),
      referenceId: this.ids.uuid(),
      projectId,
      name,
      primary,
      nluLanguage: /^[a-z]{2,3}-[A-Z]{2}$/.test(name) ? name : "en-US",
      fallbackLocaleReference: null,
      ...this.meta(),
    };
    this.locales.set(l._id, l);
    const p = this.projects.get(projectId);
    if (p && (primary || !p.primaryLocaleReference)) p.primaryLocaleReference = l._id;
    return l;
  }

  createFlow(projectId: string, name: string, id?: string): FlowRec {
    const f: FlowRec = {
      _id: id ?? this.ids.objectId(),
      referenceId: this.ids.uuid(),
      projectId,
      name,
      description: "",
      context: {},
      attachedFlows: [],
      attachedLexicons: [],
      localeReference: this.primaryLocale(projectId)?._id ?? "",
      intentTrainGroupReference: this.ids.objectId(),
      feedbackReport: null,
      img: "",
      settings: structuredClone(DEFAULT_SETTINGS),
      nlu: {},
      ...this.meta(),
    };
    this.flows.set(f._id, f);
    return f;
  }

  /**
   * A copy of a flow in the same project: new _id and referenceId, its intents (new ids, parents re-pointed) with
   * their sentences in every locale, settings and context — not its trained models, so the copy needs training.
   */
  cloneFlow(src: FlowRec, name: string): FlowRec {
    const f = this.createFlow(src.projectId, name);
    const keep = { _id: f._id, referenceId: f.referenceId, intentTrainGroupReference: f.intentTrainGroupReference };
    Object.assign(f, structuredClone({ ...src, ...keep, name, feedbackReport: null, nlu: {} }), this.meta());
    const newId = new Map<string, string>();
    const copies: IntentRec[] = [];
    for (const i of this.intentsOf(src._id)) {
      const c = structuredClone(i);
      c._id = this.ids.objectId();
      c.referenceId = this.ids.uuid();
      c.flowId = f._id;
      c.feedbackReport = null;
      Object.assign(c, this.meta());
      c.sentences = c.sentences.map((x) => ({ ...x, _id: this.ids.objectId(), feedbackReport: null }));
      newId.set(i._id, c._id);
      copies.push(c);
    }
    for (const c of copies) {
      if (c.parentIntentId) c.parentIntentId = newId.get(c.parentIntentId) ?? null;
      if (Array.isArray(c.childFeatures)) c.childFeatures = c.childFeatures.map((id) => newId.get(id) ?? id);
      this.intents.set(c._id, c);
    }
    // every locale the source was trained or edited in starts out of date (no model)
    const used = new Set([...Object.keys(src.nlu), ...copies.flatMap((c) => c.sentences.map((x) => x.localeReference))]);
    const primary = this.primaryLocale(src.projectId);
    if (!used.size && copies.length && primary) used.add(primary._id);
    for (const id of used) f.nlu[id] = { seq: 1, trainedSeq: 0 };
    this.flows.set(f._id, f);
    return f;
  }

  /** Removes a flow with its intents, sentences, trained models and learning sentences. */
  deleteFlow(flow: FlowRec): void {
    for (const [id, i] of this.intents) if (i.flowId === flow._id) this.intents.delete(id);
    for (const [k, m] of this.models) if (m.flowId === flow._id) this.models.delete(k);
    for (const [id, l] of this.learningSentences) if (l.flowId === flow._id) this.learningSentences.delete(id);
    for (const f of this.flows.values()) if (f.attachedFlows.includes(flow._id)) f.attachedFlows = f.attachedFlows.filter((x) => x !== flow._id);
    this.flows.delete(flow._id);
  }

  newIntent(flow: FlowRec, name: string): IntentRec {
    return {
      _id: this.ids.objectId(),
      referenceId: this.ids.uuid(),
      flowId: flow._id,
      name,
      description: "",
      condition: "",
      rules: [],
      isRejectIntent: false,
      isDisabled: false,
      tags: [],
      confirmationSentences: [],
      disambiguationSentence: "",
      data: {},
      nodeReferenceId: null,
      childFeatures: false,
      biasTowardsParentOrChildIntents: "parents",
      parentIntentId: null,
      localeReference: this.primaryLocale(flow.projectId)?._id ?? "",
      feedbackReport: null,
      analyticsLabel: "",
      overrideIntentDefaultRepliesAsExamples: "useFlowSettings",
      extras: {},
      sentences: [],
      ...this.meta(),
    };
  }

  newSentence(text: string, localeId: string, slots: unknown[] = []): SentenceRec {
    return { _id: this.ids.objectId(), text, localeReference: localeId, slots, feedbackReport: null, ...this.meta() };
  }

  createEndpoint(flow: FlowRec, locale: LocaleRec, name: string): EndpointRec {
    const e: EndpointRec = {
      _id: this.ids.objectId(),
      projectId: flow.projectId,
      name,
      channel: "rest",
      URLToken: token(32),
      flowId: flow.referenceId,
      localeId: locale.referenceId,
      entrypoint: flow.projectId,
      active: true,
      nluConnectorId: null,
      useConversations: true,
      overrideSnapshotConnections: false,
      ...this.meta(),
    };
    this.endpoints.set(e._id, e);
    return e;
  }

  // ---- project copies (snapshots / restore)

  captureProject(projectId: string): ProjectData {
    const p = this.projects.get(projectId)!;
    const flows = this.flowsOf(projectId);
    const flowIds = new Set(flows.map((f) => f._id));
    return structuredClone({
      project: { name: p.name, primaryLocaleReference: p.primaryLocaleReference },
      locales: this.localesOf(projectId),
      flows,
      intents: [...this.intents.values()].filter((i) => flowIds.has(i.flowId)),
      models: [...this.models.values()].filter((m) => flowIds.has(m.flowId)),
    });
  }

  /** Replaces every locale, flow, intent, sentence and model of the project with the copy's. */
  replaceProject(projectId: string, data: ProjectData): void {
    const copy = structuredClone(data);
    const sameIds = copy.flows.every((f) => {
      const cur = this.flows.get(f._id);
      return !cur || cur.projectId === projectId;
    });
    const fresh = sameIds && copy.locales.every((l) => !this.locales.has(l._id) || this.locales.get(l._id)!.projectId === projectId);
    const d = fresh ? copy : this.remap(copy);
    const oldFlows = new Set(this.flowsOf(projectId).map((f) => f._id));
    for (const [k, m] of this.models) if (oldFlows.has(m.flowId)) this.models.delete(k);
    for (const [id, i] of this.intents) if (oldFlows.has(i.flowId)) this.intents.delete(id);
    for (const id of oldFlows) this.flows.delete(id);
    for (const l of this.localesOf(projectId)) this.locales.delete(l._id);
    for (const l of d.locales) this.locales.set(l._id, { ...l, projectId });
    for (const f of d.flows) this.flows.set(f._id, { ...f, projectId });
    for (const i of d.intents) this.intents.set(i._id, i);
    for (const m of d.models) this.models.set(modelKey(m.flowId, m.localeId), m);
    const p = this.projects.get(projectId);
    if (p) {
      p.primaryLocaleReference = d.project.primaryLocaleReference;
      this.touch(p);
    }
  }

  /** New _ids for everything (referenceIds stay), for restoring another project's snapshot. */
  private remap(d: ProjectData): ProjectData {
    const m = new Map<string, string>();
    const re = (id: string | null) => (id === null ? null : (m.get(id) ?? id));
    const fresh = (id: string) => {
      const n = this.ids.objectId();
      m.set(id, n);
      return n;
    };
    for (const l of d.locales) l._id = fresh(l._id);
    for (const f of d.flows) f._id = fresh(f._id);
    for (const i of d.intents) {
      i._id = fresh(i._id);
      for (const s of i.sentences) s._id = fresh(s._id);
    }
    for (const l of d.locales) l.fallbackLocaleReference = re(l.fallbackLocaleReference);
    for (const f of d.flows) {
      f.localeReference = re(f.localeReference) ?? "";
      f.nlu = Object.fromEntries(Object.entries(f.nlu).map(([k, v]) => [re(k)!, v]));
    }
    for (const i of d.intents) {
      i.flowId = re(i.flowId)!;
      i.localeReference = re(i.localeReference) ?? "";
      i.parentIntentId = re(i.parentIntentId);
      i.extras = Object.fromEntries(Object.entries(i.extras).map(([k, v]) => [re(k)!, v]));
      for (const s of i.sentences) s.localeReference = re(s.localeReference)!;
    }
    for (const mo of d.models) {
      mo.flowId = re(mo.flowId)!;
      mo.localeId = re(mo.localeId)!;
    }
    d.project.primaryLocaleReference = re(d.project.primaryLocaleReference) ?? "";
    return d;
  }

  // ---- persistence

  toJSON(): PersistedState {
    return {
      version: 1,
      projects: [...this.projects.values()],
      locales: [...this.locales.values()],
      flows: [...this.flows.values()],
      intents: [...this.intents.values()],
      models: [...this.models.values()],
      tasks: [...this.tasks.values()],
      snapshots: [...this.snapshots.values()],
      endpoints: [...this.endpoints.values()],
      learningSentences: [...this.learningSentences.values()],
      analytics: this.analytics,
    };
  }

  load(s: PersistedState): void {
    if (s?.version !== 1) throw new Error("unsupported emulator state file (version)");
    this.projects = byId(s.projects);
    this.locales = byId(s.locales);
    this.flows = byId(s.flows);
    this.intents = byId(s.intents);
    this.models = new Map(s.models.map((m) => [modelKey(m.flowId, m.localeId), m]));
    this.tasks = byId(s.tasks);
    this.snapshots = byId(s.snapshots);
    this.endpoints = byId(s.endpoints);
    this.learningSentences = byId(s.learningSentences);
    this.analytics = s.analytics ?? [];
    for (const map of [this.projects, this.locales, this.flows, this.intents, this.tasks, this.snapshots, this.endpoints, this.learningSentences]) {
      for (const id of map.keys()) this.ids.observe(id);
    }
    for (const i of this.intents.values()) for (const x of i.sentences) this.ids.observe(x._id);
    // Work that was under way when the state was saved cannot resume.
    for (const t of this.tasks.values()) {
      if (t.status === "queued" || t.status === "active" || t.status === "cancelling") {
        t.status = "error";
        t.failReason = "Task interrupted: the server restarted";
        t.lastFinishedAt = new Date(this.nowMs()).toISOString();
      }
    }
  }

  // ---- canonical dump

  /** A deterministic, id-free view of all project data, for before/after equality checks. */
  dump(): DumpedState {
    const projects = [...this.projects.values()].map((p) => {
      const locales = this.localesOf(p._id);
      const locName = new Map(locales.map((l) => [l._id, l.name]));
      const flows = this.flowsOf(p._id).map((f) => {
        const intents = this.intentsOf(f._id);
        const intentName = new Map(intents.map((i) => [i._id, i.name]));
        const trained: Record<string, string | null> = {};
        for (const l of locales) trained[l.name] = this.models.get(modelKey(f._id, l._id))?.hash ?? null;
        return {
          name: f.name,
          settings: sortKeys(f.settings),
          isTrainingOutOfDate: this.isTrainingOutOfDate(f),
          trained,
          intents: intents
            .map((i) => {
              const sentences: Record<string, { text: string; slots: unknown[] }[]> = {};
              for (const l of locales) {
                const list = i.sentences
                  .filter((s) => s.localeReference === l._id)
                  .map((s) => ({ text: s.text, slots: s.slots }))
                  .sort((a, b) => cmp(a.text, b.text) || cmp(JSON.stringify(a.slots), JSON.stringify(b.slots)));
                if (list.length) sentences[l.name] = list;
              }
              return {
                name: i.name,
                description: i.description,
                tags: [...i.tags].sort(),
                isRejectIntent: i.isRejectIntent,
                isDisabled: i.isDisabled,
                condition: i.condition,
                rules: i.rules,
                confirmationSentences: i.confirmationSentences,
                disambiguationSentence: i.disambiguationSentence,
                parent: i.parentIntentId ? (intentName.get(i.parentIntentId) ?? null) : null,
                sentences,
              };
            })
            .sort((a, b) => cmp(a.name, b.name)),
        };
      });
      const snaps = [...this.snapshots.values()].filter((s) => s.projectId === p._id);
      const snapName = new Map(snaps.map((s) => [s._id, s.name]));
      const flowByRef = new Map(this.flowsOf(p._id).map((f) => [f.referenceId, f.name]));
      const locByRef = new Map(locales.map((l) => [l.referenceId, l.name]));
      return {
        name: p.name,
        primaryLocale: locName.get(p.primaryLocaleReference) ?? null,
        locales: locales.map((l) => ({ name: l.name, nluLanguage: l.nluLanguage, primary: l.primary })).sort((a, b) => cmp(a.name, b.name)),
        flows: flows.sort((a, b) => cmp(a.name, b.name)),
        snapshots: snaps.map((s) => s.name).sort(),
        endpoints: [...this.endpoints.values()]
          .filter((e) => e.projectId === p._id)
          .map((e) => ({
            name: e.name,
            flow: flowByRef.get(e.flowId) ?? null,
            locale: locByRef.get(e.localeId) ?? null,
            entrypoint: e.entrypoint === p._id ? "project" : `snapshot:${snapName.get(e.entrypoint) ?? "?"}`,
            active: e.active,
          }))
          .sort((a, b) => cmp(a.name, b.name)),
      };
    });
    return { projects: projects.sort((a, b) => cmp(a.name, b.name)) };
  }
}

export interface DumpedState {
  projects: {
    name: string;
    primaryLocale: string | null;
    locales: { name: string; nluLanguage: string; primary: boolean }[];
    flows: {
      name: string;
      settings: Record<string, unknown>;
      isTrainingOutOfDate: boolean;
      trained: Record<string, string | null>;
      intents: {
        name: string;
        description: string;
        tags: string[];
        isRejectIntent: boolean;
        isDisabled: boolean;
        condition: string;
        rules: string[];
        confirmationSentences: string[];
        disambiguationSentence: string;
        parent: string | null;
        sentences: Record<string, { text: string; slots: unknown[] }[]>;
      }[];
    }[];
    snapshots: string[];
    endpoints: { name: string; flow: string | null; locale: string | null; entrypoint: string; active: boolean }[];
  }[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o)
    .sort()
    .map((k) => [k, o[k]]));
}

export function sha256(s: string | Buffer): string {
  return createHash("sha256").update(s).digest("hex");
}
