// Mode dispatch: which pipeline function runs for check / release / backup / validate, and with which client.
import type { RunConfig } from "../config/options.js";
import { ConfigError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { CognigyApi } from "../cognigy/types.js";
import type { StepEvent } from "../pipeline/types.js";
import type { Report } from "../report/types.js";
import type { ActionConfig } from "./inputs.js";

export interface DispatchDeps {
  logger: Logger;
  audit: (e: StepEvent) => void;
}

/**
 * Runs the mode. `validateOnly` (no key, or a fork PR) runs the checks without a client; release and backup need a key.
 */
export async function runMode(action: ActionConfig, run: RunConfig, validateOnly: boolean, deps: DispatchDeps): Promise<Report> {
  const needsKey = action.mode === "release" || action.mode === "backup";
  if (needsKey && !run.apiKey) {
    const hint = "pass api-key: $" + "{{ secrets.COGNIGY_API_KEY }} (or set COGNIGY_API_KEY)";
    throw new ConfigError(`input 'api-key': mode ${action.mode} needs a Cognigy API key`, hint);
  }
  // The pipeline (and the HTTP client) load only now: a run that fails on its inputs never parses them.
  const { createClient, runCheck, runRelease } = await import("../pipeline/index.js");
  if (action.mode === "validate" || (action.mode === "check" && validateOnly)) {
    return runCheck({ ...run, apiKey: undefined }, { logger: deps.logger, audit: deps.audit });
  }
  const client = createClient(run, deps.logger);
  if (action.mode === "check") return runCheck({ ...run, failOnDrift: action.failOnDrift }, { client, logger: deps.logger, audit: deps.audit });
  if (action.mode === "release") return runRelease(run, { client, logger: deps.logger, audit: deps.audit });
  return runBackupHook(action, run, client, deps);
}

/** Backup mode: the backup pipeline is loaded only when this mode runs. */
async function runBackupHook(action: ActionConfig, run: RunConfig, client: CognigyApi, deps: DispatchDeps): Promise<Report> {
  const { runBackup } = await import("../pipeline/backup.js");
  return runBackup(
    { ...run, allowUntrained: action.allowUntrained, failOnDrift: action.failOnDrift, retentionDays: action.retentionDays, s3Uri: action.s3Uri },
    { client, logger: deps.logger, audit: deps.audit },
  );
}
