// Cognigy REST API v2.0 entity shapes (shared/cognigy-api.md) and the client interface the pipeline uses.

export type ObjectId = string; // 24-hex Mongo _id
export type ReferenceId = string; // UUID

export interface Project {
  _id: ObjectId;
  name: string;
  primaryLocaleReference?: ObjectId;
  [k: string]: unknown;
}

export interface Flow {
  _id: ObjectId;
  referenceId: ReferenceId;
  name: string;
  description?: string;
  isTrainingOutOfDate: boolean;
  localeReference?: ObjectId;
  [k: string]: unknown;
}

export interface FlowSettings {
  intentThreshold?: { lower: number; upper: number };
  [k: string]: unknown;
}

export interface Locale {
  _id: ObjectId;
  referenceId: ReferenceId;
  name: string;
  primary: boolean;
  nluLanguage: string;
  [k: string]: unknown;
}

export interface Intent {
  _id: ObjectId;
  referenceId: ReferenceId;
  name: string;
  description?: string;
  tags: string[];
  isRejectIntent: boolean;
  isDisabled: boolean;
  [k: string]: unknown;
}

/** Writable intent fields (create / update / batch values). */
export interface IntentInput {
  name?: string;
  description?: string;
  tags?: string[];
  isRejectIntent?: boolean;
  isDisabled?: boolean;
}

export interface Sentence {
  _id: ObjectId;
  text: string;
  localeReference: ObjectId;
  slots: unknown[];
  [k: string]: unknown;
}

export type BatchOp<T> = { op: "create"; value: T } | { op: "update"; id: ObjectId; value: T } | { op: "delete"; id: ObjectId };

export interface BatchResult {
  created: ObjectId[];
  updated: ObjectId[];
  deleted: ObjectId[];
}

/** One object of the documented intent export / import JSON format (§10). Unknown keys round-trip. */
export interface ExportedIntent {
  name: string;
  exampleSentences: string[];
  rules?: string[];
  tags?: string[];
  condition?: string;
  disambiguationSentence?: string;
  childFeatures?: boolean;
  isRejectIntent?: boolean;
  isDisabled?: boolean;
  description?: string;
  [k: string]: unknown;
}

export type TaskStatus = "queued" | "active" | "done" | "cancelling" | "cancelled" | "error";

export interface Task {
  _id: ObjectId;
  status: TaskStatus;
  /** Created form has `type`, read form has `name`. */
  type?: string;
  name?: string;
  data?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  currentStep?: number;
  totalStep?: number;
  failReason?: string | null;
  [k: string]: unknown;
}

export interface IntentScore {
  id: ReferenceId; // intent referenceId
  name: string;
  score: number;
  negated: boolean;
  flow: ReferenceId;
  [k: string]: unknown;
}

export interface Snapshot {
  _id: ObjectId;
  name: string;
  description?: string;
  hash?: string;
  createdAt: number;
  isPackaged: boolean;
  packageExpiresAt?: number | string | null;
  [k: string]: unknown;
}

export interface Endpoint {
  _id: ObjectId;
  name: string;
  channel?: string;
  URLToken?: string;
  flowId?: ReferenceId;
  localeId?: ReferenceId;
  /** The project _id, or a snapshot _id when pinned. */
  entrypoint?: ObjectId;
  [k: string]: unknown;
}

export interface LearningSentence {
  _id: ObjectId;
  sentence: string;
  confirmedCount?: number;
  rejectedCount?: number;
  createdAt?: number;
  [k: string]: unknown;
}

export interface WaitOptions {
  /** Fail with the task id after this long (default 600 s). */
  timeoutMs?: number;
  /** Called on every poll with the task (log `currentStep/totalStep`). */
  onProgress?: (task: Task) => void;
  signal?: AbortSignal;
}

/** Per-route request counts and time, for the report. */
export interface RequestStats {
  total: number;
  retries: number;
  /** Time spent waiting for the rate-limit budget or Retry-After, ms. */
  waitedMs: number;
  byRoute: Record<string, { count: number; errors: number; totalMs: number }>;
}

/**
 * Everything the pipeline needs from Cognigy. `CognigyClient` implements it over HTTP.
 * Lists follow `nextCursor` pages (limit ≤ 100) and return every item. Batches are split into calls of
 * ≤ 100 operations and ≤ 60 kB. Errors are `CognigyApiError` (see errors.ts).
 */
export interface CognigyApi {
  listProjects(): Promise<Project[]>;
  /** By exact name or _id; ConfigError when none or several match. */
  resolveProject(nameOrId: string): Promise<Project>;
  listFlows(projectId: ObjectId): Promise<Flow[]>;
  resolveFlow(projectId: ObjectId, nameOrId: string): Promise<Flow>;
  getFlow(flowId: ObjectId): Promise<Flow>;
  /** POST /flows {projectId, name, description?} → the new (empty, untrained) flow. */
  createFlow(projectId: ObjectId, args: { name: string; description?: string }): Promise<Flow>;
  /** POST /flows/{flowId}/clone (no body) → the copy (new _id/referenceId, intents + sentences, not trained); then PATCHes name/description when given. */
  cloneFlow(flowId: ObjectId, args?: { name?: string; description?: string }): Promise<Flow>;
  /** PATCH /flows/{flowId} with name and/or description. */
  updateFlow(flowId: ObjectId, patch: { name?: string; description?: string }): Promise<void>;
  /** DELETE /flows/{flowId} (a flow already gone counts as deleted). */
  deleteFlow(flowId: ObjectId): Promise<void>;
  getFlowSettings(flowId: ObjectId): Promise<FlowSettings>;
  updateFlowSettings(flowId: ObjectId, patch: FlowSettings): Promise<void>;
  listLocales(projectId: ObjectId): Promise<Locale[]>;
  resolveLocale(projectId: ObjectId, nameOrId: string): Promise<Locale>;

  listIntents(flowId: ObjectId, opts?: { localeId?: ObjectId }): Promise<Intent[]>;
  createIntent(flowId: ObjectId, value: IntentInput): Promise<Intent>;
  updateIntent(flowId: ObjectId, intentId: ObjectId, value: IntentInput & { localeId: ObjectId }): Promise<void>;
  deleteIntent(flowId: ObjectId, intentId: ObjectId): Promise<void>;
  /** PATCH /flows/{flowId}/intents in chunks; the results of all chunks merged. */
  batchIntents(flowId: ObjectId, ops: BatchOp<IntentInput>[]): Promise<BatchResult>;

  listSentences(flowId: ObjectId, intentId: ObjectId, opts?: { localeId?: ObjectId }): Promise<Sentence[]>;
  /** PATCH /flows/{flowId}/intents/{intentId}/sentences in chunks. Create values carry localeId. */
  batchSentences(
    flowId: ObjectId,
    intentId: ObjectId,
    ops: BatchOp<{ text: string; localeId?: ObjectId; slots?: unknown[] }>[],
  ): Promise<BatchResult>;

  /** Multipart import (file intents.json); returns the created task. */
  /** `projectId` (optional) lets the client check the project's tasks after an interrupted request instead of re-sending. */
  importIntents(
    flowId: ObjectId,
    args: { localeId: ObjectId; mode: "skip" | "overwrite" | "merge"; intents: ExportedIntent[]; projectId?: ObjectId },
  ): Promise<Task>;
  /** Synchronous JSON export of one locale. */
  exportIntents(flowId: ObjectId, localeId: ObjectId): Promise<ExportedIntent[]>;

  /** Starts training; never starts a second one while a train task of this flow is queued/active (waits for it). */
  train(flowId: ObjectId, args: { localeId?: ObjectId; mode?: "full" | "quick"; projectId?: ObjectId }): Promise<Task>;
  getTask(taskId: ObjectId): Promise<Task>;
  listTasks(projectId: ObjectId): Promise<Task[]>;
  cancelTask(taskId: ObjectId): Promise<void>;
  /** Polls with backoff until done (resolves) or error/cancelled/timeout (rejects with the task id and failReason). */
  waitForTask(taskId: ObjectId, opts?: WaitOptions): Promise<Task>;

  scores(projectId: ObjectId, args: { flowReferenceId: ReferenceId; localeReferenceId: ReferenceId; sentence: string }): Promise<IntentScore[]>;

  listSnapshots(projectId: ObjectId): Promise<Snapshot[]>;
  getSnapshot(snapshotId: ObjectId): Promise<Snapshot>;
  /** Creates, waits for the task, then finds the snapshot by its (unique) name. */
  createSnapshot(projectId: ObjectId, args: { name: string; description?: string }, wait?: WaitOptions): Promise<Snapshot>;
  deleteSnapshot(snapshotId: ObjectId, wait?: WaitOptions): Promise<void>;
  /** Packages (task) and waits. */
  packageSnapshot(snapshotId: ObjectId, wait?: WaitOptions): Promise<void>;
  /** POST downloadlink; retries 409 (not ready) with backoff. */
  snapshotDownloadLink(snapshotId: ObjectId): Promise<string>;
  /** Streams the package to a file with a running SHA-256; retries 409 / placeholder bodies. */
  downloadToFile(url: string, file: string, opts?: { expectedBytes?: number }): Promise<{ bytes: number; sha256: string }>;
  uploadSnapshot(projectId: ObjectId, file: string, wait?: WaitOptions): Promise<Task>;
  restoreSnapshot(snapshotId: ObjectId, projectId: ObjectId, wait?: WaitOptions): Promise<Task>;

  listEndpoints(projectId: ObjectId): Promise<Endpoint[]>;
  getEndpoint(endpointId: ObjectId): Promise<Endpoint>;
  updateEndpoint(endpointId: ObjectId, patch: Partial<Endpoint>): Promise<void>;

  /**
   * Every learning sentence of a flow (ILearningSentenceIndexItem_2_0: no intent, no date). The official client sends no
   * intentId, so a server may or may not filter by intent: attribute items by re-scoring, never by the listing.
   */
  listLearningSentences(flowId: ObjectId, args: { flowReferenceId: ReferenceId }): Promise<LearningSentence[]>;
  /** One learning sentence with its entity meta (ILearningSentence_2_0: createdAt …): one request per item. */
  getLearningSentence(flowId: ObjectId, args: { flowReferenceId: ReferenceId; learningSentenceId: ObjectId }): Promise<LearningSentence>;

  stats(): RequestStats;
}
