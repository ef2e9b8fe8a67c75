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

interface ArtifactItem {
  id: number;
  name: string;
  expired: boolean;
  created_at?: string | null;
  workflow_run?: { id?: number; head_branch?: string | null; head_sha?: string } | null;
}

function isSuccessfulRelease(r: unknown): boolean {
  const o = r as { mode?: string; status?: string; gate?: { passed?: boolean }; metrics?: unknown } | null;
  return !!o && o.mode === "release" && o.status === "success" && o.gate?.passed !== false && !!o.metrics;
}

/**
 * Lists the repository's artifacts called `name`, keeps the non-expired ones made on the default branch by other runs,
 * newest first, and takes the first whose report.json is a successful release.
 */
export async function downloadBaseline(octokit: Octokit, ctx: GitHubContext, opts: { name: string; dir: string }): Promise<BaselineResult> {
  if (!ctx.owner || !ctx.repo) return { note: "no baseline: the repository is unknown (GITHUB_REPOSITORY unset)" };
  const branch = ctx.defaultBranch ?? "main";
  const items = (await octokit.paginate(octokit.rest.actions.listArtifactsForRepo, { owner: ctx.owner, repo: ctx.repo, name: opts.name, per_page: 100 })) as ArtifactItem[];
  const candidates = items
    .filter((a) => a.name === opts.name && !a.expired && a.workflow_run?.head_branch === branch && String(a.workflow_run?.id ?? "") !== String(ctx.runId ?? ""))
    .sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id - a.id)
    .slice(0, MAX_CANDIDATES);
  if (candidates.length === 0) return { note: `no baseline: no unexpired '${opts.name}' artifact from ${branch}` };
  for (const a of candidates) {
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
  return { note: `no baseline: none of the ${candidates.length} latest '${opts.name}' artifacts on ${branch} is a successful release` };
}
