// Snapshot names and the 10-per-project limit: which of our own snapshots may be deleted to make room (never a pinned one).
import type { CognigyApi, Snapshot, WaitOptions } from "../cognigy/types.js";
import { UserError } from "../errors.js";
import type { Logger } from "../logger.js";

/** Every snapshot cognigy-nlu creates starts with this; it only ever deletes snapshots named so. */
export const SNAPSHOT_PREFIX = "cognigy-nlu-";
export const BACKUP_PREFIX = "cognigy-nlu-backup-";
/** Cognigy keeps at most this many snapshots per project. */
export const SNAPSHOT_LIMIT = 10;

export function commit7(commit?: string): string {
  const c = (commit ?? "").trim().toLowerCase();
  return /^[0-9a-f]{7,}$/.test(c) ? c.slice(0, 7) : c ? c.replace(/[^a-z0-9]+/g, "-").slice(0, 12) || "local" : "local";
}

/**
 * UTC `YYYYMMDDTHHmm` (and ss when `seconds`): ISO 8601 basic format. The `T` keeps the digits in runs short enough
 * that the PII masker of the report writers does not take the name for a long number or a phone number.
 */
export function stamp(now: number, seconds = false): string {
  const iso = new Date(now).toISOString(); // 2025-01-31T12:34:56.789Z
  const s = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  return seconds ? s + iso.slice(17, 19) : s;
}

/** `cognigy-nlu-<commit7>-<YYYYMMDDTHHmm>`: the promoted model. */
export function promotionName(commit: string | undefined, now: number): string {
  return `${SNAPSHOT_PREFIX}${commit7(commit)}-${stamp(now)}`;
}

/** `cognigy-nlu-backup-<commit7>-<YYYYMMDDTHHmmss>`: the state before a sync. */
export function backupName(commit: string | undefined, now: number): string {
  return `${BACKUP_PREFIX}${commit7(commit)}-${stamp(now, true)}`;
}

export function isPromotion(s: Pick<Snapshot, "name">): boolean {
  return s.name.startsWith(SNAPSHOT_PREFIX) && !s.name.startsWith(BACKUP_PREFIX);
}

/**
 * Which snapshots to delete so that `need` more fit under `limit` (pure). Only cognigy-nlu's own snapshots are
 * candidates, oldest first, never a protected one (pinned by an endpoint, the previous promotion, this run's backup).
 * `short` > 0 when not enough can be deleted.
 */
export function snapshotsToDelete(
  snapshots: readonly Snapshot[],
  opts: { limit: number; need: number; protect: ReadonlySet<string> },
): { remove: Snapshot[]; short: number } {
  const excess = snapshots.length + opts.need - opts.limit;
  if (excess <= 0) return { remove: [], short: 0 };
  const candidates = snapshots
    .filter((s) => s.name.startsWith(SNAPSHOT_PREFIX) && !opts.protect.has(s._id))
    // createdAt is in seconds: ties are broken by the ObjectId, whose leading bytes are its creation time
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  const remove = candidates.slice(0, excess);
  return { remove, short: excess - remove.length };
}

/** The snapshots that must never be deleted: pinned by an endpoint, and the latest promotion. */
export async function protectedSnapshots(client: CognigyApi, projectId: string, snapshots: readonly Snapshot[], extra: readonly string[] = []): Promise<Set<string>> {
  const ids = new Set(snapshots.map((s) => s._id));
  const protect = new Set<string>(extra);
  for (const listed of await client.listEndpoints(projectId)) {
    // index items may leave out `entrypoint`; the full endpoint has it
    const e = "entrypoint" in listed ? listed : await client.getEndpoint(listed._id);
    if (e.entrypoint && ids.has(e.entrypoint)) protect.add(e.entrypoint);
  }
  const latest = snapshots.filter(isPromotion).sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0))[0];
  if (latest) protect.add(latest._id);
  return protect;
}

/** `name`, or `name-2`, `name-3`… when a snapshot of that name exists (two runs in the same minute). */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  let i = 2;
  while (taken.has(`${name}-${i}`)) i++;
  return `${name}-${i}`;
}

/** Deletes our oldest unprotected snapshots until one more fits (UserError when impossible); returns the deleted ids. */
export async function makeRoom(
  client: CognigyApi,
  projectId: string,
  opts: { limit: number; protect?: readonly string[]; logger: Logger; wait?: WaitOptions },
): Promise<string[]> {
  return (await makeRoomFor(client, projectId, opts)).deleted;
}

/** makeRoom, also returning the names of the snapshots that remain (to pick a free name). */
export async function makeRoomFor(
  client: CognigyApi,
  projectId: string,
  opts: { limit: number; protect?: readonly string[]; logger: Logger; wait?: WaitOptions },
): Promise<{ deleted: string[]; names: Set<string> }> {
  const limit = Math.min(opts.limit, SNAPSHOT_LIMIT);
  const snapshots = await client.listSnapshots(projectId);
  const names = new Set(snapshots.map((s) => s.name));
  if (snapshots.length + 1 <= limit) return { deleted: [], names };
  const protect = await protectedSnapshots(client, projectId, snapshots, opts.protect);
  const { remove, short } = snapshotsToDelete(snapshots, { limit, need: 1, protect });
  if (short > 0) {
    throw new UserError(
      `the project has ${snapshots.length} snapshots (limit ${limit}) and cognigy-nlu may delete none of the others: they were made by hand, are pinned by an endpoint, or hold the last promotion`,
      "delete an old snapshot in Cognigy (Deploy → Snapshots), or lower promote.keepSnapshots",
    );
  }
  const deleted: string[] = [];
  for (const s of remove) {
    opts.logger.info(`deleting the oldest snapshot ${s.name} to stay within ${limit} snapshots`);
    await client.deleteSnapshot(s._id, opts.wait);
    deleted.push(s._id);
    names.delete(s.name);
  }
  return { deleted, names };
}
