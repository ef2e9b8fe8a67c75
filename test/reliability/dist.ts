// The built CLI for reliability / hostile tests: rebuilt when stale, one build at a time; plus file-tree snapshots.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "cli.js");
/** Full matrix (npm run test:reliability) vs the fast subset of `npm test`. */
export const FULL = process.env.RELIABILITY_FULL === "1";

function newest(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    n = Math.max(n, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return n;
}

/** Builds dist/ when dist/cli.js is missing or older than src/ (a lock folder keeps parallel test files from building twice). */
export function ensureCli(): string {
  const stale = () => !existsSync(CLI) || statSync(CLI).mtimeMs < newest(join(ROOT, "src"));
  if (!stale()) return CLI;
  const lock = join(ROOT, "node_modules", ".cache", "cnlu-build.lock");
  mkdirSync(dirname(lock), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - t0 > 120_000) rmSync(lock, { recursive: true, force: true });
      execFileSync("sleep", ["0.2"]);
    }
  }
  try {
    if (stale()) execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "pipe" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return CLI;
}

/** path → "size mtime" of every file and link under `dir` (links not followed), for before/after comparisons. */
export function treeSnapshot(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      const st = lstatSync(p);
      out.set(rel, st.isDirectory() ? "dir" : `${st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** Paths added, removed or changed between two snapshots. */
export function treeDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) diff.push(before.has(k) ? `changed ${k}` : `added ${k}`);
  for (const k of before.keys()) if (!after.has(k)) diff.push(`removed ${k}`);
  return diff;
}
