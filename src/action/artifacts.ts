// Uploads the report folder (report.json/md/html, audit.jsonl, predictions, exports…) as one artifact with @actions/artifact:
// only files this run wrote, never through a link.
import { ownFiles } from "../io/safe-fs.js";

export interface ArtifactUpload {
  /** Set when uploaded. */
  id?: number;
  size?: number;
  files: number;
  /** Set when the upload was skipped, with why. */
  skipped?: string;
}

/**
 * The files to upload: regular files below dir that this run wrote itself (through src/io). Links are never followed
 * and a file the run did not write (committed by a PR into the output folder) is never sent.
 */
export async function listFiles(dir: string): Promise<string[]> {
  return ownFiles(dir);
}

/** The artifact name, unique per shard (artifact names must be unique within a run). */
export function artifactNameFor(base: string, shard?: string): string {
  if (!shard) return base;
  return `${base}-shard-${shard.replace("/", "-of-")}`;
}

/**
 * Uploads every file in `dir` as artifact `name`. Skips (does not fail) when the runner's artifact service is not
 * available (ACTIONS_RUNTIME_TOKEN absent, e.g. a local run). @actions/artifact (and its Azure SDK) is loaded only here.
 */
export async function uploadReportArtifact(opts: { name: string; dir: string; retentionDays?: number; env: NodeJS.ProcessEnv }): Promise<ArtifactUpload> {
  const files = await listFiles(opts.dir);
  if (files.length === 0) return { files: 0, skipped: `nothing to upload in ${opts.dir}` };
  if (!opts.env.ACTIONS_RUNTIME_TOKEN || !opts.env.ACTIONS_RESULTS_URL) {
    return { files: files.length, skipped: "the artifact service is not available (no ACTIONS_RUNTIME_TOKEN: not running on a GitHub runner)" };
  }
  const { DefaultArtifactClient } = await import("@actions/artifact");
  const client = new DefaultArtifactClient();
  const r = await client.uploadArtifact(opts.name, files, opts.dir, opts.retentionDays ? { retentionDays: opts.retentionDays } : {});
  return { id: r.id, size: r.size, files: files.length };
}

/** The web link of an uploaded artifact. */
export function artifactUrl(serverUrl: string, repository: string | undefined, runId: string | undefined, id: number | undefined): string | undefined {
  if (!repository || !runId || id === undefined) return undefined;
  return `${serverUrl}/${repository}/actions/runs/${runId}/artifacts/${id}`;
}
