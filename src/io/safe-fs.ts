// Safe file I/O, the one home for every write the tool makes: writes refuse symbolic links and stay under their root,
// directory walks never follow links, the output folder is created fresh, and every file written is recorded (the
// artifact upload sends only those).
import { closeSync, constants, type Dirent, lstatSync, openSync, renameSync, type WriteStream, writeSync } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserError } from "../errors.js";

/** A write that would leave its root or go through a symbolic link. Never names a link's target. */
export class UnsafePathError extends UserError {
  constructor(message: string, hint = "remove the symbolic link (or the file in the way) and run again; the tool never writes through links") {
    super(message, hint);
    this.name = "UnsafePathError";
  }
}

// O_NOFOLLOW is 0 where the platform lacks it (Windows): the lstat checks still hold there.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Every file this process wrote through this module (absolute paths). The artifact upload sends only these. */
const written = new Set<string>();

export function writtenFiles(): ReadonlySet<string> {
  return written;
}

/** True when `path` is `root` or lies below it (plain path arithmetic; no link is resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function shown(root: string, path: string): string {
  return relative(root, path).split(sep).join("/") || basename(path);
}

/** The absolute path of `path` (relative to root when not absolute); throws when it leaves root. */
export function insideRoot(root: string, path: string): string {
  const abs = isAbsolute(path) ? resolve(path) : resolve(root, path);
  if (!isInside(root, abs)) throw new UnsafePathError(`refusing to write '${path}': it is outside ${root}`, "write inside the output folder");
  return abs;
}

async function lstatOrUndefined(p: string) {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Creates `dir` (and its parents) under `root`, one component at a time: an existing component that is a symbolic
 * link or not a folder is refused. Components above `root` are the caller's (trusted) business.
 */
export async function safeMkdir(root: string, dir: string): Promise<string> {
  const r = resolve(root);
  const abs = insideRoot(r, dir);
  await mkdir(r, { recursive: true });
  const rootSt = await lstat(r);
  if (rootSt.isSymbolicLink() || !rootSt.isDirectory()) throw new UnsafePathError(`refusing to write under ${r}: it is a symbolic link or not a folder`);
  let cur = r;
  for (const part of relative(r, abs).split(sep).filter(Boolean)) {
    cur = join(cur, part);
    const st = await lstatOrUndefined(cur);
    if (!st) {
      try {
        await mkdir(cur);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const again = await lstat(cur);
      if (again.isSymbolicLink() || !again.isDirectory()) throw new UnsafePathError(`refusing to write under '${shown(r, cur)}': it is a symbolic link`);
      continue;
    }
    if (st.isSymbolicLink()) throw new UnsafePathError(`refusing to write under '${shown(r, cur)}': it is a symbolic link`);
    if (!st.isDirectory()) throw new UnsafePathError(`refusing to write under '${shown(r, cur)}': it is not a folder`);
  }
  return abs;
}

/** Refuses a target that exists as a symbolic link or as anything but a regular file. */
async function refuseLinkTarget(root: string, abs: string): Promise<void> {
  const st = await lstatOrUndefined(abs);
  if (!st) return;
  if (st.isSymbolicLink()) throw new UnsafePathError(`refusing to write '${shown(root, abs)}': it is a symbolic link`);
  if (!st.isFile()) throw new UnsafePathError(`refusing to write '${shown(root, abs)}': it exists and is not a regular file`);
}

function tempName(abs: string): string {
  return join(dirname(abs), `.${basename(abs).slice(0, 60)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Writes a file under `root`: parents created without following links, a symbolic link at the target refused, the
 * data written to a fresh temp file in the same folder (O_EXCL | O_NOFOLLOW) and renamed over the target (rename
 * replaces a name, it never writes through one). Returns the absolute path.
 */
export async function safeWriteFile(root: string, path: string, data: string | Uint8Array): Promise<string> {
  const abs = insideRoot(root, path);
  await safeMkdir(root, dirname(abs));
  await refuseLinkTarget(resolve(root), abs);
  const tmp = tempName(abs);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
  try {
    await fh.writeFile(data);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, abs);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  written.add(abs);
  return abs;
}

/** Appends to a file under `root` (O_APPEND | O_NOFOLLOW): a link at the target fails instead of being followed. */
export async function safeAppendFile(root: string, path: string, data: string): Promise<string> {
  const abs = insideRoot(root, path);
  await safeMkdir(root, dirname(abs));
  await refuseLinkTarget(resolve(root), abs);
  const fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | NOFOLLOW, 0o644);
  try {
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
  written.add(abs);
  return abs;
}

/**
 * A write stream onto a new file under `root` (for downloads): created with O_EXCL | O_NOFOLLOW after removing a
 * stale regular file of that name; a link in the way is refused.
 */
export async function safeCreateWriteStream(root: string, path: string): Promise<WriteStream> {
  const abs = insideRoot(root, path);
  await safeMkdir(root, dirname(abs));
  await refuseLinkTarget(resolve(root), abs);
  await rm(abs, { force: true });
  const fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
  written.add(abs);
  return fh.createWriteStream() as unknown as WriteStream;
}

/** Renames a file this run wrote to another name under `root` (a link at the destination is refused). */
export async function safeRename(root: string, from: string, to: string): Promise<string> {
  const src = insideRoot(root, from);
  const dst = insideRoot(root, to);
  await safeMkdir(root, dirname(dst));
  await refuseLinkTarget(resolve(root), dst);
  const st = await lstat(src);
  if (!st.isFile()) throw new UnsafePathError(`refusing to rename '${shown(root, src)}': not a regular file`);
  await rename(src, dst);
  written.delete(src);
  written.add(dst);
  return dst;
}

/**
 * Makes `dir` a fresh, empty folder this run owns: a symbolic link or a file in its place is removed (the link
 * itself, never its target), an existing folder is emptied (links inside are unlinked, not followed). Components
 * between `base` and `dir` must not be symbolic links (a PR could commit one). Use on the output folder before the
 * first write.
 */
export async function prepareFreshDir(dir: string, base?: string): Promise<string> {
  const abs = resolve(dir);
  if (base && isInside(abs, base)) throw new UnsafePathError(`refusing to use ${abs} as the output folder: it holds the workspace`, "set out to a folder of its own, e.g. cognigy-nlu-report");
  if (base && isInside(base, abs) && resolve(base) !== abs) {
    let cur = resolve(base);
    const parts = relative(cur, dirname(abs)).split(sep).filter(Boolean);
    for (const part of parts) {
      cur = join(cur, part);
      const st = await lstatOrUndefined(cur);
      if (st?.isSymbolicLink()) throw new UnsafePathError(`refusing to use the output folder: '${shown(base, cur)}' is a symbolic link`);
      if (st && !st.isDirectory()) throw new UnsafePathError(`refusing to use the output folder: '${shown(base, cur)}' is not a folder`);
    }
  }
  const st = await lstatOrUndefined(abs);
  // rm never follows links: a link (to a folder or not) is unlinked, a folder's content removed without following.
  if (st?.isSymbolicLink() || (st && !st.isDirectory())) await unlink(abs);
  else if (st) await rm(abs, { recursive: true, force: true });
  await mkdir(dirname(abs), { recursive: true });
  await mkdir(abs);
  return abs;
}

/** Why the output folder cannot be written as it stands (a link or a file in its place), else undefined. No I/O beyond lstat. */
export function outDirProblem(dir: string): string | undefined {
  try {
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) return "is a symbolic link";
    if (!st.isDirectory()) return "is not a folder";
  } catch {
    // missing: fine
  }
  return undefined;
}

/** Every regular file below dir (recursively), absolute, sorted. Links (to files or folders) are skipped, never followed. */
export async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const top = await lstatOrUndefined(dir);
  if (!top || top.isSymbolicLink() || !top.isDirectory()) return out;
  const walk = async (d: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      // Dirent types come from lstat semantics: a link is neither a file nor a directory here.
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** The files below dir that this run wrote itself: regular files, no link on the way, recorded by this module. */
export async function ownFiles(dir: string): Promise<string[]> {
  const all = await walkFiles(dir);
  return all.filter((f) => written.has(f));
}

/**
 * The synchronous twin of safeWriteFile for the few sync callers (the findings baseline file): the target's folder
 * must exist and not be a link, a link at the target is refused, data goes to a temp file renamed over it.
 */
export function safeWriteFileSync(root: string, path: string, data: string | Uint8Array): string {
  const abs = insideRoot(root, path);
  const r = resolve(root);
  let cur = r;
  for (const part of relative(r, dirname(abs)).split(sep).filter(Boolean)) {
    cur = join(cur, part);
    const st = lstatSync(cur);
    if (st.isSymbolicLink() || !st.isDirectory()) throw new UnsafePathError(`refusing to write under '${shown(r, cur)}': it is a symbolic link or not a folder`);
  }
  try {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) throw new UnsafePathError(`refusing to write '${shown(r, abs)}': it is a symbolic link`);
    if (!st.isFile()) throw new UnsafePathError(`refusing to write '${shown(r, abs)}': it exists and is not a regular file`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const tmp = tempName(abs);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, abs);
  written.add(abs);
  return abs;
}
