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

export function sentenceView(s: SentenceRec, feedback = true) {
  const v: Record<string, unknown> = { _id: s._id, text: s.text, localeReference: s.localeReference, slots: s.slots };
  if (feedback) v.feedbackReport = s.feedbackReport;
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
    overrideSnapshotConnections: e.overrideSnapshotConnections,
  };
}

export function endpointView(e: EndpointRec) {
  return {
    ...endpointListView(e),
    entrypoint: e.entrypoint,
    active: e.active,
    nluConnectorId: e.nluConnectorId,
    useConversations: e.useConversations,
    createdBy: e.createdBy,
    lastChangedBy: e.lastChangedBy,
  };
}

export function learningListView(l: LearningSentenceRec) {
  return { _id: l._id, sentence: l.sentence, confirmedCount: l.confirmedCount, rejectedCount: l.rejectedCount, intentId: l.intentId, createdAt: l.createdAt };
}

export function learningView(l: LearningSentenceRec) {
  return { ...learningListView(l), ...metaOf(l) };
}
