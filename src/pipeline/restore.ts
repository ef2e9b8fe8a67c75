// The restore command's core: a snapshot (by id, or uploaded from a .csnap) restored over the project, after a safety snapshot.
import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { RunConfig } from "../config/options.js";
import { ConfigError, UserError } from "../errors.js";
import { datedName } from "./backup/files.js";
import { BACKUP_PREFIX, makeRoom } from "./snapshots.js";
import type { PipelineDeps } from "./types.js";

/** Cognigy's documented size limit for a snapshot / package (shared/cognigy-api.md §3). */
export const MAX_PACKAGE_BYTES = 256 * 1024 * 1024;

export interface RestoreOptions {
  /** Restore this snapshot of the project. */
  snapshotId?: string;
  /** Upload this .csnap first, then restore it. */
  file?: string;
  /** The confirmation: without it nothing changes (ConfigError, exit 2, saying what would be replaced). */
  yes?: boolean;
}

export interface RestoreResult {
  project: { id: string; name: string };
  restored: { id: string; name: string; uploadedFrom?: string };
  /** The snapshot of the project taken just before the restore. */
  safety: { id: string; name: string };
  deletedSnapshots: string[];
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? "" : "s"}`;
}

/** What a restore replaces, in words: every flow of the project with its intent count. */
async function whatIsReplaced(deps: PipelineDeps, projectId: string): Promise<string> {
  const flows = await deps.client.listFlows(projectId);
  const parts: string[] = [];
  for (const f of flows.slice(0, 20)) parts.push(`${f.name} (${plural((await deps.client.listIntents(f._id)).length, "intent")})`);
  if (flows.length > 20) parts.push(`${flows.length - 20} more`);
  return parts.length ? `flows ${parts.join(", ")}` : "no flows";
}

/**
 * Restores a snapshot over the whole project (Cognigy deletes and recreates every resource; endpoints on the
 * primary locale are re-pointed). Refuses without `yes`. Takes a safety snapshot first, within the snapshot limit.
 */
export async function restoreProject(run: RunConfig, deps: PipelineDeps, opts: RestoreOptions): Promise<RestoreResult> {
  if (Boolean(opts.snapshotId) === Boolean(opts.file)) throw new ConfigError("restore: give exactly one of --snapshot ID or --file F.csnap");
  if (opts.file) {
    if (!existsSync(opts.file) || !statSync(opts.file).isFile()) throw new ConfigError(`restore: ${opts.file} is not a file`);
    const size = statSync(opts.file).size;
    if (size > MAX_PACKAGE_BYTES) throw new ConfigError(`restore: ${opts.file} is ${size} bytes; Cognigy accepts snapshot packages up to 256 MB`);
    if (size === 0) throw new ConfigError(`restore: ${opts.file} is empty`);
  }
  const { client, logger } = deps;
  const project = await client.resolveProject(run.config.cognigy.project);
  const source = opts.snapshotId ? await client.getSnapshot(opts.snapshotId) : undefined;
  const what = source ? `snapshot '${source.name}' (${source._id})` : `the package ${basename(opts.file as string)}`;
  if (!opts.yes) {
    throw new ConfigError(
      `restoring ${what} replaces everything in project '${project.name}': ${await whatIsReplaced(deps, project._id)}, lexicons, connections, settings and the trained models; endpoints on the primary locale are re-pointed. Nothing was changed.`,
      "re-run with --yes to restore (a safety snapshot of the current project is taken first)",
    );
  }
  const now = deps.now ?? Date.now;
  const wait = { timeoutMs: run.config.train.timeoutSeconds * 1000 };
  const limit = run.config.promote.keepSnapshots;
  const keep = source ? [source._id] : [];
  const deleted = await makeRoom(client, project._id, { limit, protect: keep, logger, wait });
  const safetyName = datedName(`${BACKUP_PREFIX}pre-restore-`, now(), run.commit);
  const safety = await client.createSnapshot(project._id, { name: safetyName, description: `cognigy-nlu: the project before restoring ${what}` }, wait);
  logger.info(`safety snapshot ${safety.name} (${safety._id})`);
  let target = source;
  if (!target) {
    deleted.push(...(await makeRoom(client, project._id, { limit, protect: [safety._id], logger, wait })));
    const before = new Set((await client.listSnapshots(project._id)).map((s) => s._id));
    await client.uploadSnapshot(project._id, opts.file as string, wait);
    const added = (await client.listSnapshots(project._id)).filter((s) => !before.has(s._id));
    if (added.length !== 1) throw new UserError(`the upload of ${opts.file} finished but ${added.length} new snapshots are listed; restore it by id with --snapshot`);
    target = added[0];
    logger.info(`uploaded ${basename(opts.file as string)} as snapshot '${target?.name}' (${target?._id})`);
  }
  const t = target as NonNullable<typeof target>;
  await client.restoreSnapshot(t._id, project._id, wait);
  logger.info(`restored snapshot '${t.name}' over project '${project.name}'`);
  return {
    project: { id: project._id, name: project.name },
    restored: { id: t._id, name: t.name, ...(opts.file ? { uploadedFrom: opts.file } : {}) },
    safety: { id: safety._id, name: safety.name },
    deletedSnapshots: deleted,
  };
}
