// The Action's run(): secrets first, inputs once, the mode, then report files, artifact, outputs, summary, comment,
// webhook and annotations; one try/catch turning user errors into one line and bugs into a stack in debug output.
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as core from "@actions/core";
import type { RunConfig } from "../config/options.js";
import { ConfigError, errorMessage, isUserError } from "../errors.js";
import { prepareFreshDir } from "../io/safe-fs.js";
import { escapeLogLine } from "../text/untrusted.js";
import type { Logger } from "../logger.js";
import { AuditLog } from "../report/audit.js";
import { renderPrComment, stickyMarker } from "../report/markdown.js";
import { Redactor } from "../report/redact.js";
import type { Report } from "../report/types.js";
import { sendWebhook, webhookPayload } from "../report/webhook.js";
import { writeReportFiles } from "../report/write.js";
import { type AnnotationLevel, emitAnnotations, planAnnotations } from "./annotations.js";
import { artifactNameFor, artifactUrl, uploadReportArtifact } from "./artifacts.js";
import { downloadBaseline } from "./baseline.js";
import { type GitHubContext, readGitHubContext, validateOnlyReason } from "./context.js";
import { runMode } from "./dispatch.js";
import { readBaseConfig } from "../pipeline/thresholds.js";
import { applyTrustedConfig, applyTrustedThresholds, gitShow } from "./trust.js";
import { type ActionConfig, parseInputs, readRawInputs, SECRET_INPUTS } from "./inputs.js";
import { actionLogger } from "./logger.js";
import { computeOutputs, setOutputs } from "./outputs.js";
import { decideComment, httpStatus, type Octokit, upsertStickyComment } from "./sticky-comment.js";
import { summaryMarkdown, writeJobSummary } from "./summary.js";
import { applyVerdict, decideVerdict } from "./verdict.js";

/** Annotations the step emits besides the findings' (GitHub counts them against the same per-level limits). */
class Annotator {
  readonly used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  constructor(private readonly redact: (s: string) => string) {}
  notice(message: string): void {
    core.notice(this.redact(message), { title: "cognigy-nlu" });
    this.used.notice++;
  }
  warning(message: string): void {
    core.warning(this.redact(message), { title: "cognigy-nlu" });
    this.used.warning++;
  }
}

function octokitFor(token: string, ctx: GitHubContext): Promise<Octokit> {
  // Loaded on first use: @actions/github reads the runner context when imported.
  return import("@actions/github").then((g) => g.getOctokit(token, { baseUrl: ctx.apiUrl }));
}

export async function run(): Promise<void> {
  const env = process.env;
  const redactor = new Redactor();
  const redact = (s: string) => redactor.redact(s);
  try {
    // 1. Secrets, before anything can print them. `::add-mask::` is a workflow command only a runner consumes: outside
    // one (GITHUB_ACTIONS unset) it would print the secret itself, so there only the Redactor gets it.
    const raw = readRawInputs((name) => core.getInput(name));
    const onRunner = env.GITHUB_ACTIONS === "true";
    for (const s of [...SECRET_INPUTS.map((n) => raw[n]), env.COGNIGY_API_KEY, env.ACTIONS_RUNTIME_TOKEN]) {
      if (!s) continue;
      if (onRunner) core.setSecret(s);
      redactor.addSecret(s);
    }
    // The log: secrets out of every finished line (PII is masked in data fields where lines are formatted).
    const logger = actionLogger(core, (s) => redactor.redactSecrets(s));
    const ctx = readGitHubContext(env);
    // 2. Inputs, once.
    const { action, run: runConfig } = parseInputs(raw, env, process.cwd());
    redactor.allow(runConfig.config.cognigy.baseUrl); // the API host is not PII, even as a bare IP
    const ann = new Annotator(redact);
    // 3. On a PR event with a key, the Cognigy host, project and flows come from trusted configuration only.
    const trust = await applyTrustedConfig(runConfig, action, raw, ctx, { show: gitShow(runConfig.root) });
    if (trust.note) logger.info(trust.note);
    if (trust.droppedFlows?.length) ann.notice(`Not planned in Cognigy: flow(s) ${trust.droppedFlows.join(", ")} are not in the trusted configuration (the base branch's config or the flows input); they were validated only.`);
    // 3b. On a PR event, the gate thresholds come from the base branch's config; the PR's own are reported as proposed.
    const thresholds = await applyTrustedThresholds(runConfig, ctx, { read: (rev) => readBaseConfig(runConfig.root, runConfig.configPath, rev, logger) });
    if (thresholds?.report.note) ann.notice(`Gate thresholds: ${thresholds.report.note}.`);
    redactor.allow(runConfig.config.cognigy.baseUrl);
    await execute(action, runConfig, ctx, { env, redactor, logger, ann, trustValidateOnly: trust.validateOnly });
  } catch (e) {
    let msg: string;
    if (isUserError(e)) {
      msg = redact(e.message).split("\n").filter(Boolean).join("; ").replace(/:; /g, ": ");
      if (e.hint) core.info(escapeLogLine(`hint: ${redact(e.hint)}`));
    } else {
      core.debug(redact((e as Error)?.stack ?? String(e)));
      msg = `unexpected failure: ${redact(errorMessage(e))} (a bug: re-run with debug logging for the stack trace, and report it)`;
    }
    core.setFailed(msg);
    // The run ended before its report: the job summary still says why.
    await writeJobSummary(core, env, `### ❌ **Failed** · cognigy-nlu\n\n${msg.replace(/[<>]/g, "")}\n`).catch(() => false);
  }
}

interface RunTools {
  /** Why the run may only validate for lack of a trusted Cognigy configuration on a PR event. */
  trustValidateOnly?: string;
  env: NodeJS.ProcessEnv;
  redactor: Redactor;
  logger: Logger;
  ann: Annotator;
}

async function execute(action: ActionConfig, run: RunConfig, ctx: GitHubContext, t: RunTools): Promise<void> {
  const { env, redactor, logger, ann } = t;
  const redact = (s: string) => redactor.redact(s);

  // 3. Fork PRs and runs without a key only validate in check mode (never a failure for the missing secret).
  const reason = action.mode === "check" ? (validateOnlyReason(ctx, Boolean(run.apiKey)) ?? t.trustValidateOnly) : undefined;
  if (t.trustValidateOnly && action.mode !== "check" && action.mode !== "validate") {
    throw new ConfigError(`mode ${action.mode} on a pull request: ${t.trustValidateOnly}`, "run release and backup on push / schedule, not on pull requests");
  }
  if (reason) ann.notice(`Local estimate: ${reason}. The pull request is judged by a local model on its base and head data (not Cognigy's); this is not a failure.`);
  if (action.mode === "check" || action.mode === "validate") {
    const pr = ctx.pullRequest;
    run.check = {
      ...run.check,
      ...(pr ? { pr: pr.number } : {}),
      ...(pr?.baseSha ? { baseRef: pr.baseSha } : {}),
      ...(pr?.headRef ? { branch: pr.headRef } : {}),
      ...(ctx.runId ? { runId: `${ctx.runId}${ctx.runAttempt ? `-${ctx.runAttempt}` : ""}` } : {}),
      ...(action.mode === "validate" ? { validateOnly: true } : {}),
      ...(action.mode === "check" && action.prepare ? { prepare: true } : {}),
    };
  }

  // 4. baseline: artifact → the last successful release's report.json.
  if (action.baseline?.kind === "artifact" && !reason && action.mode !== "validate" && action.mode !== "backup") {
    run.baseline = await fetchBaseline(action, ctx, env, logger, ann);
  }

  // 5. The output folder is created fresh by this run: a link or file a PR committed in its place is removed (never
  // followed), an existing folder emptied; every write below goes through src/io and only files written by this run
  // are uploaded. Then the mode, with one audit event per step.
  await prepareFreshDir(run.out, process.cwd());
  const audit = new AuditLog(join(run.out, "audit.jsonl"), { actor: ctx.actor, repository: ctx.repository, commit: run.commit, mode: action.mode, runId: ctx.runId }, redactor);
  const report0 = await runMode(action, run, Boolean(reason), { logger, audit: (e) => void audit.event(e) });
  const verdict = decideVerdict(report0, action.failOn);
  const report = applyVerdict(report0, verdict, action.failOn);
  const status = verdict.failed ? "failure" : report.status === "skipped" || report.status === "not evaluated" ? report.status : "success";
  await audit.event({ step: "verdict", outcome: verdict.failed ? "failure" : "success", durationMs: 0, message: verdict.reason ?? report.summary });
  await audit.flush();

  // 6. Report files, then the artifact (so the summary and comment can link to it).
  const written = await logger.group("Write the report", () => writeReportFiles(report, run.out, { redactor }));
  let artifactId: number | undefined;
  let link: string | undefined;
  let artifactSkipped: string | undefined;
  await logger.group("Upload the report artifact", async () => {
    const name = artifactNameFor(action.artifactName, action.shard);
    try {
      const up = await uploadReportArtifact({ name, dir: run.out, retentionDays: action.retentionDays, env });
      if (up.skipped) {
        artifactSkipped = up.skipped;
        ann.notice(`Report artifact not uploaded: ${up.skipped}. The files are in ${run.out}.`);
        return;
      }
      artifactId = up.id;
      link = artifactUrl(ctx.serverUrl, ctx.repository, ctx.runId, up.id);
      logger.info(`uploaded ${up.files} files as artifact '${name}' (id ${up.id}, ${up.size ?? 0} bytes)`);
    } catch (e) {
      // The backup is the artifact: losing it fails the run. Elsewhere the summary and comment still tell the verdict.
      if (action.mode === "backup") throw e;
      artifactSkipped = `the upload failed: ${errorMessage(e)}`;
      ann.warning(`The report artifact could not be uploaded: ${errorMessage(e)}`);
    }
  });

  // 7. The webhook: a failed delivery is a warning, or (webhook-required) fails the run once everything else is out.
  let webhookFailure: string | undefined;
  if (action.webhook) {
    const { url, secret, required } = action.webhook;
    const res = await sendWebhook(url, webhookPayload(report, { repository: ctx.repository, runUrl: ctx.runUrl, redactor }), { secret, redactor, logger });
    if (!res.delivered) {
      if (required) webhookFailure = `webhook-required: ${res.error ?? "not delivered"}`;
      else ann.warning(`Webhook not delivered: ${res.error ?? "unknown error"}`);
    }
  }

  // 8. Outputs and the job summary.
  setOutputs(core, computeOutputs(report, { status: webhookFailure ? "failure" : status, reportPath: written.json, artifactId }), (s) => redactor.redactSecrets(s));
  await guarded("job summary", ann, async () => {
    const md = summaryMarkdown(report, { redactor, artifactUrl: link, artifactName: action.artifactName, artifactSkipped, outDir: relative(process.cwd(), run.out) || ".", runUrl: ctx.runUrl, notes: reason ? [`Local estimate: ${reason}.`] : [] });
    if (!(await writeJobSummary(core, env, md))) logger.debug("no GITHUB_STEP_SUMMARY: job summary skipped");
  });

  // 9. The sticky PR comment.
  await stickyComment(action, report, ctx, { redactor, link, failed: verdict.failed, ann, logger });

  // 10. Annotations last: they get whatever room the step's other annotations left (and one error for a failure).
  const failure = verdict.failed ? verdict.reason ?? "failed" : webhookFailure;
  const used = { ...ann.used, error: ann.used.error + (failure ? 1 : 0) };
  emitAnnotations(core, planAnnotations(report.findings, { redact, used }));

  if (failure) core.setFailed(redact(failure));
  else logger.info(redact(report.summary));
}

async function guarded(what: string, ann: Annotator, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    ann.warning(`The ${what} could not be written: ${errorMessage(e)}`);
  }
}

async function fetchBaseline(action: ActionConfig, ctx: GitHubContext, env: NodeJS.ProcessEnv, logger: Logger, ann: Annotator): Promise<string | undefined> {
  if (!action.githubToken) {
    ann.notice("No baseline: `baseline: artifact` needs the github-token input (actions: read).");
    return undefined;
  }
  const token = action.githubToken;
  return logger.group("Download the baseline report", async () => {
    try {
      const octokit = await octokitFor(token, ctx);
      const dir = join(env.RUNNER_TEMP || tmpdir(), `cognigy-nlu-baseline-${process.pid}`);
      const r = await downloadBaseline(octokit, ctx, { name: action.artifactName, dir, source: { workflow: action.baselineWorkflow ?? (action.mode === "release" ? ctx.workflowFile : undefined), branch: action.baselineBranch } });
      logger.info(r.note);
      if (!r.path) ann.notice(`${r.note[0].toUpperCase()}${r.note.slice(1)}; the gate checks absolute thresholds only.`);
      return r.path;
    } catch (e) {
      const s = httpStatus(e);
      ann.notice(`No baseline: the report artifact could not be fetched (${s ? `HTTP ${s}` : errorMessage(e)}); the gate checks absolute thresholds only.`);
      return undefined;
    }
  });
}

async function stickyComment(
  action: ActionConfig,
  report: Report,
  ctx: GitHubContext,
  o: { redactor: Redactor; link?: string; failed: boolean; ann: Annotator; logger: Logger },
): Promise<void> {
  const decision = decideComment({ comment: action.comment, failed: o.failed, ctx, token: action.githubToken });
  if (!decision.post) {
    if (decision.notice) o.ann.notice(decision.reason);
    else o.logger.debug(`no PR comment: ${decision.reason}`);
    return;
  }
  // This workflow's marker: another workflow's (or a forged) marker is a different comment.
  const modeId = action.shard ? `${action.mode}-shard-${action.shard}` : action.mode;
  const stickyId = ctx.workflow ? `${ctx.workflow}:${modeId}` : modeId;
  await o.logger.group("Sticky PR comment", async () => {
    try {
      const octokit = await octokitFor(action.githubToken!, ctx);
      const body = renderPrComment(report, { redactor: o.redactor, stickyId, htmlLink: o.link, fullReport: o.link ? undefined : "the job summary of the run", runUrl: ctx.runUrl });
      const r = await upsertStickyComment(octokit, decision.target, stickyMarker(stickyId), body);
      o.logger.info(`${r.action} comment ${r.id} on #${decision.target.issueNumber}`);
    } catch (e) {
      const s = httpStatus(e);
      if (s === 403 || s === 401) o.ann.notice(`PR comment skipped: the github-token cannot write comments (HTTP ${s}); grant pull-requests: write. The verdict is in the job summary.`);
      else o.ann.warning(`The PR comment could not be posted: ${s ? `HTTP ${s}` : errorMessage(e)}`);
    }
  });
}
