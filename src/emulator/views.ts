// The JSON shapes the emulator answers with (cognigy-api.md §7-§17), from the internal records.
import type { EndpointRec, FlowRec, IntentRec, LearningSentenceRec, LocaleRec, ProjectRec, SentenceRec, SnapshotRec, Store, TaskRec } from "./state.js";

const metaOf = (r: { createdAt: number; lastChanged: number; createdBy: string; lastChangedBy: string }) => ({
  createdAt: r.createdAt,
  lastChanged: r.lastChanged,
  createdBy: r.createdBy,
  lastChangedBy: r.lastChangedBy,
});

export function projectView(p: ProjectRec) {
  return {
    _id: p._id,
    name: p.name,
    color: p.color,
    primaryLocaleReference: p.primaryLocaleReference,
    liveAgentDefaultInbox: p.liveAgentDefaultInbox,
    ...metaOf(p),
  };
}

export function flowListView(store: Store, f: FlowRec, localeId?: string) {
  return {
    _id: f._id,
    referenceId: f.referenceId,
    name: f.name,
    description: f.description,
    isTrainingOutOfDate: store.isTrainingOutOfDate(f, localeId),
    ...metaOf(f),
  };
}

export function flowView(store: Store, f: FlowRec, localeId?: string, feedback = false) {
  return {
    _id: f._id,
    referenceId: f.referenceId,
    name: f.name,
    description: f.description,
    context: f.context,
    attachedFlows: f.attachedFlows,
    attachedLexicons: f.attachedLexicons,
    localeReference: f.localeReference,
    intentTrainGroupReference: f.intentTrainGroupReference,
    feedbackReport: feedback ? f.feedbackReport : null,
    isTrainingOutOfDate: store.isTrainingOutOfDate(f, localeId),
    img: f.img,
    ...metaOf(f),
  };
}

export function localeView(l: LocaleRec) {
  return {
    _id: l._id,
    referenceId: l.referenceId,
    name: l.name,
    primary: l.primary,
    nluLanguage: l.nluLanguage,
    fallbackLocaleReference: l.fallbackLocaleReference,
    ...metaOf(l),
  };
}

export function intentListView(i: IntentRec, feedback = false) {
  return {
    _id: i._id,
    referenceId: i.referenceId,
    name: i.name,
    description: i.description,
    tags: i.tags,
    isRejectIntent: i.isRejectIntent,
    isDisabled: i.isDisabled,
    localeReference: i.localeReference,
    parentIntentId: i.parentIntentId,
    feedbackReport: feedback ? i.feedbackReport : null,
    ...metaOf(i),
  };
}

export function intentView(i: IntentRec) {
  return {
    _id: i._id,
    referenceId: i.referenceId,
    name: i.name,
    description: i.description,
    condition: i.condition,
    rules: i.rules,
    isRejectIntent: i.isRejectIntent,
    isDisabled: i.isDisabled,
    tags: i.tags,
    confirmationSentences: i.confirmationSentences,
    disambiguationSentence: i.disambiguationSentence,
    data: i.data,
    nodeReferenceId: i.nodeReferenceId,
    childFeatures: i.childFeatures,
    biasTowardsParentOrChildIntents: i.biasTowardsParentOrChildIntents,
    parentIntentId: i.parentIntentId,
    localeReference: i.localeReference,
    feedbackReport: i.feedbackReport,
    analyticsLabel: i.analyticsLabel,
    overrideIntentDefaultRepliesAsExamples: i.overrideIntentDefaultRepliesAsExamples,
    ...metaOf(i),
  };
}

/** ISentenceIndexItem_2_0 / ISentence_2_0 (feedbackReport null unless asked for); `created` = ICreateSentenceRestReturnValue_2_0 (none). */
export function sentenceView(s: SentenceRec, feedback = true, created = false) {
  const v: Record<string, unknown> = { _id: s._id, text: s.text, localeReference: s.localeReference, slots: s.slots };
  if (!created) v.feedbackReport = feedback ? s.feedbackReport : null;
  return { ...v, ...metaOf(s) };
}

/** The form `POST` answers when it starts a task. */
export function createdTaskView(t: TaskRec) {
  return { _id: t._id, status: t.status, type: t.type, parameters: t.parameters, createdAt: t.createdAt, lastChangedAt: t.lastChangedAt, traceId: t.traceId };
}

/** The form `GET /tasks` and `GET /tasks/{id}` answer with. */
export function taskView(t: TaskRec) {
  return {
    _id: t._id,
    name: t.type,
    data: t.parameters,
    status: t.status,
    currentStep: t.currentStep,
    totalStep: t.totalStep,
    failReason: t.failReason,
    lastRunAt: t.lastRunAt,
    lastFinishedAt: t.lastFinishedAt,
    projectId: t.projectId,
    createdAt: t.createdAt,
    // ITask_2_0 / ITaskIndexItem_2_0: entity meta (lastChanged in seconds like every entity; lastChangedAt kept for old readers)
    lastChanged: t.lastChangedAt,
    createdBy: t.createdBy,
    lastChangedBy: t.createdBy,
    lastChangedAt: t.lastChangedAt,
  };
}

export function snapshotView(s: SnapshotRec) {
  return {
    _id: s._id,
    name: s.name,
    description: s.description,
    hash: s.hash,
    projectId: s.projectId,
    isPackaged: s.isPackaged,
    packageExpiresAt: s.packageExpiresAt,
    ...metaOf(s),
  };
}

export function endpointListView(e: EndpointRec) {
  return {
    _id: e._id,
    channel: e.channel,
    URLToken: e.URLToken,
    flowId: e.flowId,
    localeId: e.localeId,
    name: e.name,
    createdAt: e.createdAt,
    lastChanged: e.lastChanged,
    createdBy: e.createdBy,
    lastChangedBy: e.lastChangedBy,
    overrideSnapshotConnections: e.overrideSnapshotConnections,
  };
}

/** IEndpoint_2_0 fields the emulator does not model: answered with neutral values so a typed reader finds them. */
const ENDPOINT_DEFAULTS = {
  maskIPAddress: false,
  maskAnalytics: false,
  maskLogging: false,
  useContactProfiles: true,
  useAnalytics: true,
  useDashbotAnalytics: false,
  dashbotApikey: "",
  dashbotPlatform: "universal",
  disableInputSanitization: false,
  settings: null,
  transformer: null,
  handoverSettings: null,
  foreignId: "",
  translationSettings: null,
  fileStorageSettings: null,
};

export function endpointView(e: EndpointRec) {
  return {
    ...ENDPOINT_DEFAULTS,
    ...endpointListView(e),
    entrypoint: e.entrypoint,
    active: e.active,
    nluConnectorId: e.nluConnectorId ?? "",
    useConversations: e.useConversations,
  };
}

export function learningListView(l: LearningSentenceRec) {
  // ILearningSentenceIndexItem_2_0: no intent, no date (the full item, ILearningSentence_2_0, has the entity meta)
  return { _id: l._id, sentence: l.sentence, confirmedCount: l.confirmedCount, rejectedCount: l.rejectedCount };
}

export function learningView(l: LearningSentenceRec) {
  return { ...learningListView(l), ...metaOf(l) };
}
