// The Cognigy API client's public surface: the client, its budget, errors, helpers and types.
export { chunkOperations, batchBodyBytes, MAX_BATCH_OPS, MAX_BODY_BYTES, remainingOps } from "./batch.js";
export { BudgetFile, defaultMargin, FIVE_MINUTES, RequestBudget, runnerBudget, type BudgetOptions } from "./budget.js";
export { CognigyClient, type CognigyClientOptions } from "./client.js";
export { CognigyApiError, CognigyTaskError, parseErrorBody, scrubSecrets, summarizeBody } from "./errors.js";
export { HttpTransport, type HttpMethod, type RequestSpec } from "./http.js";
export { OBJECT_ID, pickByNameOrId } from "./resolve.js";
export { backoffDelay, isRetryableStatus, parseRetryAfter } from "./retry.js";
export { StatsRecorder } from "./stats.js";
export { findStartedTask, toEpochMs, waitForTask } from "./tasks.js";
export type * from "./types.js";
