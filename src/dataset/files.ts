// Safe file access for the dataset: stays inside the repository, never follows symlinks out, bounded sizes, UTF-8 only.
import { type Dirent, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { relative, sep } from "node:path";
import { finding } from "../checks/finding.js";
import type { Finding } from "../checks/types.js";

/** Files larger than this are reported and not read. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Repository-relative path with forward slashes. */
export function relPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join("/");
}

/** True when `p` is `root` or inside it (both real, absolute paths). */
export function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

export interface Repo {
  /** The root as given (findings are relative to it). */
  root: string;
  /** The root with symlinks resolved (containment checks). */
  realRoot: string;
}

export function repoAt(root: string): Repo {
  let realRoot = root;
  try {
    realRoot = realpathSync(root);
  } catch {
    // A missing root shows up as missing folders below.
  }
  return { root, realRoot };
}

/**
 * Resolves an existing path to its real path, following links only when they end inside the repository.
 * Returns the real path, `missing`, or a finding explaining why it is not used.
 */
export function resolveInside(repo: Repo, abs: string): { real: string } | { finding: Finding } | { missing: true } {
  const file = relPath(repo.root, abs) || ".";
  let real: string;
  try {
    real = realpathSync.native(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      try {
        if (lstatSync(abs).isSymbolicLink())
          return { finding: finding("yaml", { file, line: 0, column: 0 }, "broken symbolic link (its target does not exist)", { hint: "remove the link or restore its target" }) };
      } catch {
        // not there at all
      }
      return { missing: true };
    }
    if (code === "ELOOP") return { finding: finding("yaml", { file, line: 0, column: 0 }, "symbolic link loop; not followed") };
    return { finding: finding("yaml", { file, line: 0, column: 0 }, `cannot read (${code ?? (e as Error).message})`) };
  }
  if (!inside(repo.realRoot, real))
    return {
      finding: finding("yaml", { file, line: 0, column: 0 }, "links to a path outside the repository; not followed", {
        hint: "copy the file into the repository instead of linking to it",
      }),
    };
  return { real };
}

/** The YAML file names (*.yml, *.yaml) directly in a folder, sorted; folders and other files are skipped. */
export function listYaml(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => !e.isDirectory() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Byte offset of the first invalid UTF-8 sequence (or -1). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= buf.length) return i;
    let cp = b & (0x3f >> need);
    for (let j = 1; j <= need; j++) {
      const c = buf[i + j];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in bytes) of a byte offset. */
export function lineAt(buf: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++)
    if (buf[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  return { line, column: offset - start + 1 };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** True when the bytes start with a UTF-16 byte order mark (LE or BE). */
export function isUtf16(buf: Uint8Array): boolean {
  return buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
}

/**
 * Strict UTF-8 decoding (never U+FFFD replacements): the text with a leading BOM dropped, or where the first
 * invalid byte is (offset, 1-based line and byte column). Shared by the dataset reader and the config loader.
 */
export function decodeUtf8(buf: Uint8Array): { text: string } | { invalid: { offset: number; line: number; column: number } } {
  try {
    const text = UTF8.decode(buf);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    const offset = Math.max(0, firstInvalidUtf8(buf));
    return { invalid: { offset, ...lineAt(buf, offset) } };
  }
}

/**
 * Reads a dataset file as text: size limit, no binary, UTF-8 only (a BOM is dropped; CRLF is kept for the YAML parser).
 * `real` is the resolved path, `file` the repository-relative name for findings.
 */
export function readText(real: string, file: string): { text: string } | { finding: Finding } {
  let size: number;
  try {
    const st = statSync(real);
    if (!st.isFile()) return { finding: finding("yaml", { file, line: 0, column: 0 }, "not a regular file") };
    size = st.size;
  } catch (e) {
    return { finding: finding("yaml", { file, line: 0, column: 0 }, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`) };
  }
  if (size > MAX_FILE_BYTES)
    return {
      finding: finding("yaml", { file, line: 0, column: 0 }, `file is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit; not read`, {
        hint: "split the intent's examples or remove generated data",
      }),
    };
  let buf: Buffer;
  try {
    buf = readFileSync(real);
  } catch (e) {
    return { finding: finding("yaml", { file, line: 0, column: 0 }, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`) };
  }
  if (isUtf16(buf))
    return { finding: finding("yaml", { file, line: 1, column: 1 }, "file is UTF-16; only UTF-8 is supported", { hint: "save the file as UTF-8" }) };
  const nul = buf.indexOf(0);
  if (nul >= 0)
    return {
      finding: finding("yaml", { file, ...lineAt(buf, nul) }, "binary content (a NUL byte); not a YAML text file", { hint: "remove the file or save it as UTF-8 text" }),
    };
  const decoded = decodeUtf8(buf);
  if ("invalid" in decoded) {
    const { line, column } = decoded.invalid;
    return { finding: finding("yaml", { file, line, column }, "not valid UTF-8", { hint: "save the file as UTF-8 (it looks like Latin-1 / Windows-1252)" }) };
  }
  return { text: decoded.text };
}
