// The official request and response types of every operation the project uses (RAC = @cognigy/rest-api-client 0.19.0,
// types/index.d.ts), registered once for the runtime checks of test/contract and test/emulator.
import { loadOfficialTypes, type OfficialTypes } from "./official-types.js";

/** Pagination the client adds to every index call (IRestPagination: limit, next; sort/filter are not used). */
const PAGE = `Pick<IRestPagination<unknown>, "limit" | "next">`;

export const RESPONSE_TYPES: Record<string, string> = {
  projects: "IIndexProjectsRestReturnValue_2_0",
  project: "IReadProjectRestReturnValue_2_0",
  flows: "IIndexFlowsRestReturnValue_2_0",
  flow: "IReadFlowRestReturnValue_2_0",
  createdFlow: "ICreateFlowRestReturnValue_2_0",
  clonedFlow: "ICloneFlowRestReturnValue_2_0",
  flowSettings: "IReadFlowSettingsRestReturnValue_2_0",
  locales: "IIndexLocalesRestReturnValue_2_0",
  locale: "IReadLocaleRestReturnValue_2_0",
  intents: "IIndexIntentsRestReturnValue_2_0",
  intent: "IReadIntentRestReturnValue_2_0",
  createdIntent: "ICreateIntentRestReturnValue_2_0",
  batch: "IBatchSentencesRestReturnValue_2_0",
  sentences: "IIndexSentencesRestReturnValue_2_0",
  sentence: "IReadSentenceRestReturnValue_2_0",
  createdSentence: "ICreateSentenceRestReturnValue_2_0",
  learningSentences: "IIndexLearningSentencesRestReturnValue_2_0",
  learningSentence: "IReadLearningSentenceRestReturnValue_2_0",
  createdTask: "ICreatedTask_2_0",
  tasks: "IIndexTasksRestReturnValue_2_0",
  task: "IReadTaskRestReturnValue_2_0",
  snapshots: "IIndexSnapshotsRestReturnValue_2_0",
  snapshot: "IReadSnapshotRestReturnValue_2_0",
  downloadLink: "IComposeSnapshotDownloadLinkRestReturnValue_2_0",
  endpoints: "IIndexEndpointsRestReturnValue_2_0",
  endpoint: "IReadEndpointRestReturnValue_2_0",
};

/** Request bodies and queries as the project's client sends them (path ids taken out, as the official client does). */
export const REQUEST_TYPES: Record<string, string> = {
  qProjects: `Omit<IIndexProjectsRestData_2_0, "sort" | "query">`,
  qFlows: `Omit<IIndexFlowsRestData_2_0, "sort" | "query">`,
  qLocales: `Omit<IIndexLocalesRestData_2_0, "sort" | "query">`,
  qIntents: `Omit<IIndexIntentsRestData_2_0, "flowId" | "sort" | "query">`,
  qSentences: `Omit<IIndexSentencesRestData_2_0, "flowId" | "intentId" | "sort" | "query">`,
  // indexLearningSentences sends neither flowId (path) nor intentId (dropped by the official client)
  qLearningSentences: `Omit<IIndexLearningSentencesRestData_2_0, "flowId" | "intentId" | "sort" | "query">`,
  qTasks: `Omit<IIndexTasksRestData_2_0, "sort" | "query">`,
  qSnapshots: `Omit<IIndexSnapshotsRestData_2_0, "sort" | "query">`,
  qEndpoints: `Omit<IIndexEndpointsRestData_2_0, "sort" | "query">`,
  qReadFlow: `Omit<IReadFlowRestData_2_0, "flowId">`,
  qReadIntent: `Omit<IReadIntentRestData_2_0, "flowId" | "intentId">`,
  qPage: PAGE,
  createFlow: "ICreateFlowRestDataBody_2_0",
  updateFlow: "IUpdateFlowRestDataBody_2_0",
  updateFlowSettings: "IUpdateFlowSettingsRestDataBody_2_0",
  createIntent: "ICreateIntentRestDataBody_2_0",
  updateIntent: "IUpdateIntentRestBody_2_0",
  // the typed batch value also lists server-generated fields (referenceId, feedbackReport …): names are checked, not required-ness
  batchIntents: `{ operations: (IBatchActionOperation<"create", Partial<Omit<IIntent_2_0, keyof IEntityMeta>>> | IBatchActionOperation<"update", Partial<Omit<IIntent_2_0, keyof IEntityMeta>>> | IBatchActionOperation<"delete">)[] }`,
  batchSentences: "IBatchSentencesRestDataBody_2_0",
  createSentence: "ICreateSentenceRestDataBody_2_0",
  updateSentence: "IUpdateSentenceRestBody_2_0",
  exportIntents: "IExportIntentsRestDataBody_2_0",
  trainIntents: "ITrainIntentsRestDataBody_2_0",
  nluScores: "IGenerateNluScoresRestDataBody_2_0",
  createSnapshot: "ICreateSnapshotRestDataBody_2_0",
  updateEndpoint: "IUpdateEndpointRestDataBody_2_0",
  empty: "{}",
  // restore: RAC types no body; the project sends {projectId} (PY + a real CI pipeline do; cognigy-api.md Gap 12)
  restoreSnapshot: "Partial<IProjectScope>",
};

let cached: OfficialTypes | undefined;

/** The registered official types (compiled once per test file: a few seconds). */
export function officialTypes(): OfficialTypes {
  cached ??= loadOfficialTypes({ ...RESPONSE_TYPES, ...REQUEST_TYPES });
  return cached;
}

/** Problems of a response against its official type ([] = conforms; extra fields are allowed in responses). */
export function responseProblems(kind: keyof typeof RESPONSE_TYPES | string, value: unknown): string[] {
  return officialTypes().check(kind, value);
}
