// The train step: applies the training settings (mode, flow intent thresholds), then trains each flow × locale in turn.
import { CognigyTaskError } from "../cognigy/errors.js";
import type { Task } from "../cognigy/types.js";
import type { RunConfig } from "../config/options.js";
import { errorMessage, UserError } from "../errors.js";
import type { TrainingResult } from "../report/types.js";
import type { PipelineDeps, Target } from "./types.js";

function progressText(t: Task): string {
  return t.totalStep ? `${t.currentStep ?? 0}/${t.totalStep}` : t.status;
}

/**
 * Trains every target. Before training, a flow with `threshold` in the config gets it as its intentThreshold setting
 * (recorded in the result with the mode). Trainings run one after another — never two of one flow at once — and each
 * is polled with backoff, logging `currentStep/totalStep`. A task error fails the step naming the flow, locale, task id
 * and failReason; a timeout (train.timeoutSeconds per training) names the task id.
 */
export async function trainFlows(run: RunConfig, deps: PipelineDeps, input: { targets: Target[] }): Promise<TrainingResult> {
  const { mode, timeoutSeconds } = run.config.train;
  const result: TrainingResult = { mode, tasks: [] };
  const now = deps.now ?? Date.now;
  for (const t of input.targets) {
    if (t.flow.threshold) {
      await deps.client.updateFlowSettings(t.flowId, { intentThreshold: { ...t.flow.threshold } });
      result.threshold ??= { ...t.flow.threshold };
      deps.logger.info(`${t.flow.name}: intent threshold set to lower ${t.flow.threshold.lower}, upper ${t.flow.threshold.upper}`);
    }
  }
  for (const t of input.targets) {
    for (const { key, locale } of t.locales) {
      const started = now();
      const where = `flow ${t.flow.name}, locale ${key}`;
      let task: Task | undefined;
      try {
        task = await deps.client.train(t.flowId, { localeId: locale._id, mode, projectId: t.projectId });
        deps.logger.info(`training ${t.flow.name} ${key} (${mode}, task ${task._id})`);
        let lastStatus = "";
        let lastText = "";
        let lastAt = 0;
        const done = await deps.client.waitForTask(task._id, {
          timeoutMs: timeoutSeconds * 1000,
          onProgress: (p) => {
            const text = progressText(p);
            if (p.status === "done") return;
            if (p.status === lastStatus && (text === lastText || now() - lastAt < 2000)) return;
            deps.logger.info(`  ${t.flow.name} ${key}: ${p.status}${text === p.status ? "" : ` ${text}`}`);
            lastStatus = p.status;
            lastText = text;
            lastAt = now();
          },
        });
        const seconds = (now() - started) / 1000;
        result.tasks.push({ flow: t.flow.name, locale: key, taskId: task._id, status: done.status, seconds });
        deps.logger.info(`trained ${t.flow.name} ${key} in ${seconds.toFixed(1)} s`);
      } catch (e) {
        const seconds = (now() - started) / 1000;
        const taskId = e instanceof CognigyTaskError ? e.taskId : task?._id;
        const status = e instanceof CognigyTaskError ? e.taskStatus : "error";
        if (taskId) result.tasks.push({ flow: t.flow.name, locale: key, taskId, status, seconds });
        let err: UserError;
        if (e instanceof CognigyTaskError && (e.taskStatus === "error" || e.taskStatus === "cancelled")) {
          const why = e.taskStatus === "cancelled" ? "was cancelled" : `failed: ${e.failReason || "(Cognigy gave no failReason)"}`;
          err = new UserError(`train: ${where}: training task ${e.taskId} ${why}`, "fix the cause in Cognigy (see the task in the project's task list), then re-run");
        } else if (e instanceof CognigyTaskError) {
          err = new UserError(
            `train: ${where}: training task ${e.taskId} did not finish within ${timeoutSeconds} s (last status: ${e.taskStatus})`,
            "it may still be running in Cognigy; raise train.timeoutSeconds or re-run later",
          );
        } else {
          err = new UserError(`train: ${where}: ${errorMessage(e)}`);
        }
        Object.defineProperty(err, "partial", { value: result, enumerable: false });
        throw err;
      }
    }
  }
  return result;
}
