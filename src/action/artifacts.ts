// Uploads the report folder (report.json/md/html, audit.jsonl, predictions, exports…) as one artifact with @actions/artifact.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface ArtifactUpload {
  /** Set when uploaded. */
  id?: number;
  size?: number;
  files: number;
  /** Set when the upload was skipped, with why. */
  skipped?: string;
}

/** Every file below dir (recursively), absolute paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
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
  const files = listFiles(opts.dir);
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
