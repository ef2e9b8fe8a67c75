// `baseline: artifact`: finds the last successful release's report artifact through the REST API and extracts report.json.
import { join } from "node:path";
import { prepareFreshDir, safeWriteFile } from "../io/safe-fs.js";
import type { GitHubContext } from "./context.js";
import type { Octokit } from "./sticky-comment.js";
import { unzip } from "./unzip.js";

export interface BaselineResult {
  /** The extracted report.json, when a baseline was found. */
  path?: string;
  /** What happened, for the log. */
  note: string;
  artifactId?: number;
  runId?: number;
}

/** How many recent candidates are downloaded before giving up (each is one download). */
const MAX_CANDIDATES = 5;

/** Where a baseline may come from: this repository's runs (never a fork's) of one workflow on one branch. */
export interface BaselineSource {
  /** Workflow file name (e.g. release.yml): the run's path must end with `.github/workflows/<file>`. */
  workflow: string;
  branch: string;
}

/** The default baseline workflow: the release workflow of the examples (examples/release.yml). */
export const DEFAULT_BASELINE_WORKFLOW = "release.yml";

interface RunInfo {
  path?: string;
  event?: string;
  head_branch?: string | null;
  repository?: { full_name?: string } | null;
  head_repository?: { full_name?: string } | null;
}

/** Why a run may not provide a baseline, or undefined when it may. */
export function runProblem(run: RunInfo, repository: string, source: BaselineSource): string | undefined {
  if (run.repository?.full_name !== repository) return "another repository's run";
  if (run.head_repository?.full_name !== repository) return "a run on a fork's code";
  if (run.event === "pull_request" || run.event === "pull_request_target") return "a pull-request run";
  if (run.head_branch !== source.branch) return `a run on branch ${run.head_branch ?? "?"}`;
  const path = run.path ?? "";
  if (path !== `.github/workflows/${source.workflow}` && !path.startsWith(`.github/workflows/${source.workflow}@`)) return `a run of another workflow`;
  return undefined;
}

interface ArtifactItem {
  id: number;
  name: string;
  expired: boolean;
  created_at?: string | null;
  workflow_run?: { id?: number; head_branch?: string | null; head_sha?: string; repository_id?: number; head_repository_id?: number } | null;
}

function isSuccessfulRelease(r: unknown): boolean {
  const o = r as { mode?: string; status?: string; gate?: { passed?: boolean }; metrics?: unknown } | null;
  return !!o && o.mode === "release" && o.status === "success" && o.gate?.passed !== false && !!o.metrics;
}

/**
 * Lists the repository's artifacts called `name`, keeps the non-expired ones made on the configured branch by other
 * runs, newest first, checks each one's run (this repository, not a fork's code, not a PR, the configured workflow)
 * and takes the first whose report.json is a successful release.
 */
export async function downloadBaseline(octokit: Octokit, ctx: GitHubContext, opts: { name: string; dir: string; source?: Partial<BaselineSource> }): Promise<BaselineResult> {
  if (!ctx.owner || !ctx.repo || !ctx.repository) return { note: "no baseline: the repository is unknown (GITHUB_REPOSITORY unset)" };
  const branch = opts.source?.branch ?? ctx.defaultBranch ?? "main";
  const source: BaselineSource = { branch, workflow: opts.source?.workflow ?? DEFAULT_BASELINE_WORKFLOW };
  const items = (await octokit.paginate(octokit.rest.actions.listArtifactsForRepo, { owner: ctx.owner, repo: ctx.repo, name: opts.name, per_page: 100 })) as ArtifactItem[];
  const candidates = items
    .filter(
      (a) =>
        a.name === opts.name &&
        !a.expired &&
        a.workflow_run?.head_branch === branch &&
        a.workflow_run?.id !== undefined &&
        String(a.workflow_run.id) !== String(ctx.runId ?? "") &&
        // a fork's run: its head repository is not this one (checked again on the run itself below)
        (a.workflow_run.head_repository_id === undefined || a.workflow_run.repository_id === undefined || a.workflow_run.head_repository_id === a.workflow_run.repository_id),
    )
    .sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id - a.id)
    .slice(0, MAX_CANDIDATES);
  if (candidates.length === 0) return { note: `no baseline: no unexpired '${opts.name}' artifact from ${branch}` };
  const refused: string[] = [];
  for (const a of candidates) {
    const run = (await octokit.rest.actions.getWorkflowRun({ owner: ctx.owner, repo: ctx.repo, run_id: a.workflow_run!.id! })).data as RunInfo;
    const problem = runProblem(run, ctx.repository, source);
    if (problem) {
      refused.push(`artifact ${a.id}: ${problem}`);
      continue;
    }
    const r = await octokit.rest.actions.downloadArtifact({ owner: ctx.owner, repo: ctx.repo, artifact_id: a.id, archive_format: "zip" });
    const files = unzip(Buffer.from(r.data as ArrayBuffer));
    const json = files.get("report.json");
    if (!json) continue;
    let report: unknown;
    try {
      report = JSON.parse(json.toString("utf8"));
    } catch {
      continue;
    }
    if (!isSuccessfulRelease(report)) continue;
    await prepareFreshDir(opts.dir);
    const path = await safeWriteFile(opts.dir, join(opts.dir, "report.json"), json);
    return { path, note: `baseline: artifact ${a.id} from run ${a.workflow_run?.id ?? "?"} on ${branch}`, artifactId: a.id, runId: a.workflow_run?.id };
  }
  if (refused.length === candidates.length) return { note: `no baseline: none of the ${candidates.length} latest '${opts.name}' artifacts on ${branch} comes from ${source.workflow} in this repository (${refused.slice(0, 3).join("; ")})` };
  return { note: `no baseline: none of the ${candidates.length} latest '${opts.name}' artifacts on ${branch} is a successful release of ${source.workflow}` };
}
