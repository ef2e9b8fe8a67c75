// File hashing and listing for backups: streamed SHA-256 (flat memory), sizes, relative paths.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { walkFiles } from "../../io/safe-fs.js";

export interface FileEntry {
  /** Relative to the backup folder, forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

/** SHA-256 (hex) and size of a file, read as a stream. */
export async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const h = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: h.digest("hex") };
}

/** Every regular file under dir (recursive), sorted, as paths relative to dir with forward slashes. */
export async function listFiles(dir: string): Promise<string[]> {
  // Links are never followed (src/io walks regular files only).
  return (await walkFiles(dir)).map((p) => relative(dir, p).split(sep).join("/")).sort();
}

/** Hash every listed file (relative to dir). */
export async function describeFiles(dir: string, paths: readonly string[]): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const p of paths) {
    const { bytes, sha256 } = await hashFile(join(dir, ...p.split("/")));
    out.push({ path: p, bytes, sha256 });
  }
  return out;
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

/** A file-system-safe, stable name part: letters, digits, dot, dash, underscore. */
export function safeName(s: string): string {
  const cleaned = s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|_+$/g, "");
  return cleaned.slice(0, 80) || "unnamed";
}

/**
 * A snapshot / folder name with date and commit that the PII redactor leaves alone (no digit run of 7+ next to a
 * separator): `<prefix>2025-01-31T123456Z-g1a2b3c4` (or `-local` without a commit).
 */
export function datedName(prefix: string, now: number, commit?: string): string {
  const iso = new Date(now).toISOString(); // 2025-01-31T12:34:56.789Z
  const c = (commit ?? "").trim().toLowerCase();
  const tag = /^[0-9a-f]{7,}$/.test(c) ? `g${c.slice(0, 7)}` : c ? c.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 12) || "local" : "local";
  return `${prefix}${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z-${tag}`;
}
