// Where the Action runs: repository, commit, actor, run, the pull request from the event payload, and fork detection.
import { readFileSync } from "node:fs";

export interface PullRequestInfo {
  number: number;
  headRepo?: string;
  baseRepo?: string;
  headSha?: string;
  /** The base commit (`pull_request.base.sha`): the local estimate's base. */
  baseSha?: string;
  /** The head branch (`pull_request.head.ref`): names a preview flow for people. */
  headRef?: string;
  /** True when the head repository is a fork (or differs from the base): secrets are absent, the token is read-only. */
  fromFork: boolean;
}

export interface GitHubContext {
  eventName: string;
  /** owner/name */
  repository?: string;
  owner?: string;
  repo?: string;
  sha?: string;
  ref?: string;
  actor?: string;
  runId?: string;
  runAttempt?: string;
  workflow?: string;
  job?: string;
  serverUrl: string;
  apiUrl: string;
  defaultBranch?: string;
  pullRequest?: PullRequestInfo;
  /** Link to this run, when known. */
  runUrl?: string;
}

interface EventPayload {
  number?: number;
  pull_request?: {
    number?: number;
    head?: { sha?: string; ref?: string; repo?: { full_name?: string; fork?: boolean } | null };
    base?: { sha?: string; repo?: { full_name?: string } };
  };
  repository?: { full_name?: string; default_branch?: string };
}

function readPayload(path: string | undefined): EventPayload {
  if (!path) return {};
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return v && typeof v === "object" ? (v as EventPayload) : {};
  } catch {
    return {};
  }
}

/** Reads the runner's environment and event payload (GITHUB_EVENT_PATH). Never at import time. */
export function readGitHubContext(env: NodeJS.ProcessEnv): GitHubContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const repository = env.GITHUB_REPOSITORY || payload.repository?.full_name || undefined;
  const [owner, repo] = repository?.includes("/") ? repository.split("/", 2) : [undefined, undefined];
  const serverUrl = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  const apiUrl = (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "");
  let pullRequest: PullRequestInfo | undefined;
  const pr = payload.pull_request;
  if (pr && typeof (pr.number ?? payload.number) === "number") {
    const headRepo = pr.head?.repo?.full_name ?? undefined;
    const baseRepo = pr.base?.repo?.full_name ?? repository;
    // A deleted head repository (repo: null) is treated as a fork: it is not ours.
    const fromFork = pr.head?.repo === null || pr.head?.repo?.fork === true || (headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo);
    const baseSha = typeof pr.base?.sha === "string" && /^[0-9a-f]{40}$/i.test(pr.base.sha) ? pr.base.sha : undefined;
    const headRef = typeof pr.head?.ref === "string" ? pr.head.ref : undefined;
    pullRequest = { number: (pr.number ?? payload.number) as number, headRepo, baseRepo, headSha: pr.head?.sha, ...(baseSha ? { baseSha } : {}), ...(headRef ? { headRef } : {}), fromFork };
  }
  const runId = env.GITHUB_RUN_ID || undefined;
  return {
    eventName: env.GITHUB_EVENT_NAME || "",
    repository,
    owner,
    repo,
    sha: env.GITHUB_SHA || undefined,
    ref: env.GITHUB_REF || undefined,
    actor: env.GITHUB_ACTOR || undefined,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    workflow: env.GITHUB_WORKFLOW || undefined,
    job: env.GITHUB_JOB || undefined,
    serverUrl,
    apiUrl,
    defaultBranch: payload.repository?.default_branch || undefined,
    pullRequest,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
  };
}

/** Why this run can only validate (no key, or a fork PR), or undefined when it may talk to Cognigy. */
export function validateOnlyReason(ctx: GitHubContext, hasKey: boolean): string | undefined {
  if (ctx.pullRequest?.fromFork && !hasKey) return "this pull request comes from a fork, so repository secrets (the Cognigy API key) are not available to it";
  if (!hasKey) return "no Cognigy API key was given (set the api-key input from a secret, or COGNIGY_API_KEY)";
  return undefined;
}

/** A pull request event's base commit (GITHUB_EVENT_PATH), when the run is for one. */
export function pullRequestBaseSha(env: NodeJS.ProcessEnv): string | undefined {
  const sha = readPayload(env.GITHUB_EVENT_PATH).pull_request?.base?.sha;
  return typeof sha === "string" && /^[0-9a-f]{7,64}$/i.test(sha) ? sha : undefined;
}
