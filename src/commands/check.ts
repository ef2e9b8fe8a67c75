// `cognigy-nlu check [--base-ref REF] [--estimate] [--preview-name NAME] [--prepare] [--fail-on-drift]`: pull-request
// mode — the PR's data judged against what is deployed (a preview flow in Cognigy with a key, a local estimate without).
import { execFileSync } from "node:child_process";
import type { CheckOptions, RunConfig } from "../config/options.js";
import { ConfigError } from "../errors.js";
import type { Logger } from "../logger.js";
import { applyThresholds, type BaseConfig, readBaseConfig, trustThresholds } from "../pipeline/thresholds.js";
import { findingLines } from "../pipeline/console.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { chooseBase, readEventBase } from "../pipeline/estimate.js";
import { runIdFrom } from "../pipeline/preview.js";
import { runCheck } from "../pipeline/run.js";
import type { CommandContext } from "./context.js";

/** The current branch (a laptop's preview is named after it), or undefined outside git. */
function currentBranch(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_HEAD_REF) return env.GITHUB_HEAD_REF;
  try {
    const b = execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
    return b && b !== "HEAD" ? b : undefined;
  } catch {
    return undefined;
  }
}

/** The check options from the flags and the environment (GITHUB_REF refs/pull/N/merge gives the PR number). */
export function checkOptions(ctx: CommandContext): CheckOptions {
  const s = (k: string) => (typeof ctx.values[k] === "string" ? (ctx.values[k] as string) : undefined);
  const m = /^refs\/pull\/(\d+)\//.exec(ctx.env.GITHUB_REF ?? "");
  const runId = s("run-id");
  if (runId !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(runId)) throw new ConfigError("run-id: expected 1–64 letters, digits, '.', '_' or '-'");
  if (ctx.values.prepare === true && s("shard")) throw new ConfigError("shard: --prepare makes the preview once for all shards; run the shards (--shard i/n) as separate checks after it");
  return {
    baseRef: s("base-ref"),
    estimate: ctx.values.estimate === true,
    previewName: s("preview-name"),
    prepare: ctx.values.prepare === true,
    ...(m ? { pr: Number(m[1]) } : {}),
    branch: currentBranch(ctx.cwd, ctx.env),
    runId: runId || runIdFrom(ctx.env),
  };
}

/**
 * The gate thresholds come from the base the check compares with (--base-ref, else the pull request's base from the
 * event, else origin/main), as in the Action; the working tree's own are reported as proposed. A base that cannot be
 * read leaves the working tree's thresholds (said in the report when a base was asked for: --base-ref or an event).
 */
export async function baseThresholds(run: RunConfig, baseRef: string | undefined, env: NodeJS.ProcessEnv, logger: Logger): Promise<void> {
  const event = readEventBase(env);
  const chosen = chooseBase(baseRef, event);
  const asked = Boolean(baseRef || event);
  const base: BaseConfig = chosen.missing ? { kind: "unreadable", ref: chosen.ref, problem: chosen.missing } : await readBaseConfig(run.root, run.configPath, chosen.rev ?? chosen.ref, logger);
  if (base.kind === "unreadable" && !asked) {
    logger.debug(`gate thresholds from the working tree: the default base ${chosen.ref} could not be read (${base.problem})`);
    return;
  }
  const t = trustThresholds(run.config, base);
  applyThresholds(run.config, t);
  run.thresholds = t;
  if (t.report.note) logger.warn(t.report.note);
}

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const check = checkOptions(ctx);
  if (!check.validateOnly) await baseThresholds(s.run, check.baseRef, ctx.env, s.logger);
  // the findings baseline is compared with the same base the pull request is judged against
  const base = chooseBase(check.baseRef, readEventBase(ctx.env));
  const baselineBaseRef = base.rev ?? (base.missing ? undefined : base.ref);
  const report = await runCheck({ ...s.run, ...(baselineBaseRef ? { baselineBaseRef } : {}), failOnDrift: ctx.values["fail-on-drift"] === true, check }, { logger: s.logger });
  if (!s.json) {
    if (report.error?.step === "validate") for (const l of findingLines(report)) s.print(l);
  }
  return finishCommand(s, report);
}
