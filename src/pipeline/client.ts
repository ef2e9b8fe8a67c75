// Builds the Cognigy client from the run config (base URL, prefix, timeout, rate limit) and the API key.
import { runnerBudget } from "../cognigy/budget.js";
import { CognigyClient } from "../cognigy/client.js";
import type { CognigyApi } from "../cognigy/types.js";
import type { RunConfig } from "../config/options.js";
import { ConfigError } from "../errors.js";
import type { Logger } from "../logger.js";

/** The HTTP client for a run. ConfigError when there is no API key (it only ever comes from COGNIGY_API_KEY / the api-key input). */
export function createClient(run: RunConfig, logger: Logger): CognigyApi {
  if (!run.apiKey) {
    throw new ConfigError("no Cognigy API key: set the COGNIGY_API_KEY environment variable (the Action: the api-key input)", "the key is never read from cognigy-nlu.yml or a flag");
  }
  const c = run.config.cognigy;
  return new CognigyClient({
    baseUrl: c.baseUrl,
    apiKey: run.apiKey,
    apiPrefix: c.apiPrefix,
    timeoutMs: c.timeoutSeconds * 1000,
    // one window per runner and Cognigy host: the job's other processes spend from it too
    budget: runnerBudget({ baseUrl: c.baseUrl, limit: c.rateLimit, logger }),
    project: c.project,
    logger,
    download: { maxBytes: c.download.maxMegabytes * 1024 * 1024, deadlineMs: c.download.deadlineSeconds * 1000 },
  });
}
