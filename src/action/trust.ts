// Trusted configuration on pull-request events: with an API key present, the Cognigy host, project and flows come from
// the base branch's cognigy-nlu.yml (read with git, the checkout untouched) or from the Action's inputs — never from
// the PR's own files. A PR with no trusted config (it adds the config for the first time) only validates.
import { execFile } from "node:child_process";
import { relative, sep } from "node:path";
import { promisify } from "node:util";
import { checkBaseUrl } from "../config/base-url.js";
import { parseConfigText } from "../config/load.js";
import type { RunConfig } from "../config/options.js";
import type { Config } from "../config/schema.js";
import { errorMessage } from "../errors.js";
import type { GitHubContext } from "./context.js";
import type { ActionConfig, RawInputs } from "./inputs.js";
import { applyThresholds, type BaseConfig, type TrustedThresholds, trustThresholds } from "../pipeline/thresholds.js";

const run = promisify(execFile);

export interface TrustOutcome {
  /** Set when the run may only validate (no trusted config), with why (a notice). */
  validateOnly?: string;
  /** What was used, for the log (no URL credentials: they are refused earlier). */
  note?: string;
  /** PR flows left out because the trusted config does not name them. */
  droppedFlows?: string[];
}

/** Reads a file at a git revision without touching the checkout; undefined when git, the revision or the file is missing. */
export type GitShow = (rev: string, path: string) => Promise<string | undefined>;

/** `git show REV:PATH` in cwd; if the revision is not in a shallow clone, one `git fetch --depth=1 origin REV` first. */
export function gitShow(cwd: string): GitShow {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0" };
  const show = async (rev: string, path: string) => {
    try {
      const r = await run("git", ["show", `${rev}:${path}`], { cwd, env, maxBuffer: 2 * 1024 * 1024, timeout: 30_000 });
      return r.stdout;
    } catch {
      return undefined;
    }
  };
  return async (rev, path) => {
    const first = await show(rev, path);
    if (first !== undefined) return first;
    if (!/^[0-9a-f]{40}$/.test(rev)) return undefined;
    try {
      await run("git", ["fetch", "--no-tags", "--depth=1", "origin", rev], { cwd, env, timeout: 60_000 });
    } catch {
      return undefined;
    }
    return show(rev, path);
  };
}

/** True when this run is on a pull-request event (pull_request or pull_request_target, fork or not). */
export function isPullRequestEvent(ctx: GitHubContext): boolean {
  return Boolean(ctx.pullRequest) || /^pull_request/.test(ctx.eventName);
}

/**
 * On a PR event with a key: replaces run.config.cognigy (host, project, prefix, limits) with the trusted one and keeps
 * only the PR's flows the trusted config (or the flows input) names. Inputs base-url / project / flows win over the
 * base branch's file. Without a trusted host and project (and flows), the run only validates.
 */
export async function applyTrustedConfig(
  runConfig: RunConfig,
  action: ActionConfig,
  raw: RawInputs,
  ctx: GitHubContext,
  opts: { show: GitShow },
): Promise<TrustOutcome> {
  if (!isPullRequestEvent(ctx) || !runConfig.apiKey) return {};
  const relConfig = relative(runConfig.root, runConfig.configPath).split(sep).join("/");
  const revs = [ctx.pullRequest?.baseSha, ctx.pullRequest?.baseRef ? `origin/${ctx.pullRequest.baseRef}` : undefined, ctx.pullRequest?.baseRef].filter(
    (r): r is string => typeof r === "string" && r !== "" && !r.startsWith("-"),
  );
  let base: Config | undefined;
  let baseProblem: string | undefined;
  for (const rev of revs) {
    const text = await opts.show(rev, relConfig);
    if (text === undefined) continue;
    try {
      base = parseConfigText(text, `${relConfig} (base branch)`);
    } catch (e) {
      baseProblem = `the base branch's ${relConfig} is not valid (${errorMessage(e).split("\n")[0]})`;
    }
    break;
  }
  const inputUrl = raw["base-url"] || undefined;
  const inputProject = raw.project || undefined;
  const inputFlows = raw.flows
    ? raw.flows
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
  const baseUrl = inputUrl ?? base?.cognigy.baseUrl;
  const project = inputProject ?? base?.cognigy.project;
  const flows = inputFlows ?? base?.flows.map((f) => f.name);
  if (!baseUrl || !project || !flows) {
    const why = baseProblem ?? `the base branch has no ${relConfig} (this pull request adds it)`;
    return {
      validateOnly: `${why}, so there is no trusted Cognigy configuration: on pull requests the host, project and flows come only from the base branch or the Action's inputs, never from the pull request's own files`,
    };
  }
  // The trusted URL passes the same rules as any other (allowlist, http, no credentials).
  checkBaseUrl(baseUrl, inputUrl ? "input 'base-url'" : `${relConfig} on the base branch: cognigy.baseUrl`, { allowHttp: action.allowHttp, allowedHosts: action.allowedHosts });
  const cfg = runConfig.config;
  cfg.cognigy = { ...(base?.cognigy ?? cfg.cognigy), baseUrl: baseUrl.replace(/\/+$/, ""), project };
  const keep = new Set(flows);
  const droppedFlows = cfg.flows.filter((f) => !keep.has(f.name)).map((f) => f.name);
  cfg.flows = cfg.flows.filter((f) => keep.has(f.name));
  if (cfg.flows.length === 0) {
    return {
      validateOnly: "none of the pull request's flows is named by the trusted configuration (the base branch's config or the flows input)",
      droppedFlows,
    };
  }
  const from = inputUrl && inputProject ? "the Action's inputs" : "the base branch's config";
  return { note: `Cognigy host, project and flows from ${from} (trusted), not from the pull request's files`, droppedFlows };
}

/**
 * On a pull-request event (with a key or without: fork PRs get the local estimate's gate too), the gate thresholds and
 * check.allowUnevaluated come from the base branch's config — the base commit first, else origin/<base branch>; the
 * tool's defaults when the base has no valid config; the PR's own only when no base can be read, said in the report.
 * The PR's own values are reported as proposed ("apply after merge").
 */
export async function applyTrustedThresholds(runConfig: RunConfig, ctx: GitHubContext, opts: { read: (rev: string) => Promise<BaseConfig> }): Promise<TrustedThresholds | undefined> {
  if (!isPullRequestEvent(ctx)) return undefined;
  const revs = [ctx.pullRequest?.baseSha, ctx.pullRequest?.baseRef ? `origin/${ctx.pullRequest.baseRef}` : undefined].filter(
    (r): r is string => typeof r === "string" && r !== "" && !r.startsWith("-"),
  );
  let base: BaseConfig = { kind: "unreadable", ref: "the pull request's base", problem: "the event names no base commit or branch" };
  for (const rev of revs) {
    base = await opts.read(rev);
    if (base.kind !== "unreadable") break;
  }
  const t = trustThresholds(runConfig.config, base);
  applyThresholds(runConfig.config, t);
  runConfig.thresholds = t;
  return t;
}
