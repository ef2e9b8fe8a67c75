// The findings baseline file on disk: read it, write it (validate --update-baseline), apply it to a run's findings,
// and read the base branch's copy with git (to call out a change that grows it).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { type BaselineFile, baselineGrowth, baselineOf, baselineSize, matchBaseline, parseBaseline, renderBaseline } from "../checks/baseline.js";
import type { Finding } from "../checks/types.js";
import type { Config } from "../config/schema.js";
import type { Dataset } from "../dataset/types.js";
import { ConfigError } from "../errors.js";
import type { KnownFindings } from "../report/types.js";

export function baselinePath(run: { config: Config; root: string }): string {
  return resolve(run.root, run.config.checks.baseline);
}

/** The repository's baseline file, or undefined when there is none. A file that is not a baseline is a user error. */
export function readBaselineFile(path: string): BaselineFile | undefined {
  if (!existsSync(path)) return undefined;
  const b = parseBaseline(readFileSync(path, "utf8"));
  if (!b) throw new ConfigError(`${path}: not a findings baseline (expected JSON with a findings list)`, "re-create it with cognigy-nlu validate --update-baseline");
  return b;
}

/** Writes the baseline of `findings` (sorted, pretty); returns the number of findings it holds. */
export function writeBaselineFile(path: string, findings: readonly Finding[], dataset: Dataset): { entries: number; findings: number } {
  const b = baselineOf(findings, dataset);
  writeFileSync(path, renderBaseline(b));
  return { entries: b.findings.length, findings: baselineSize(b) };
}

/**
 * Marks the findings the baseline holds as known. Without a baseline file every finding is new. The summary says how
 * many are known, how many baseline entries are fixed (the file can shrink) and, given the base branch's copy, how many
 * the change adds to the baseline file.
 */
export function applyBaseline(run: { config: Config; root: string }, findings: Finding[], dataset: Dataset, base?: BaseBaseline): { findings: Finding[]; known?: KnownFindings } {
  const path = baselinePath(run);
  const b = readBaselineFile(path);
  if (!b) return { findings };
  const m = matchBaseline(findings, dataset, b);
  const known: KnownFindings = { file: relative(run.root, path).split(sep).join("/"), known: m.known, fixed: m.fixed, size: baselineSize(b) };
  if (base) {
    const g = baselineGrowth(base.baseline, b);
    known.base = { ref: base.ref, size: baselineSize(base.baseline), added: g.added, removed: g.removed };
  }
  return { findings: m.findings, known };
}

export interface BaseBaseline {
  ref: string;
  /** undefined: the base branch has no baseline file. */
  baseline?: BaselineFile;
}

function git(root: string, args: string[]): string {
  return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
}

/**
 * The base branch's baseline file, read with `git show <ref>:<path>` (fetching the commit first when the checkout is
 * shallow and lacks it). Undefined when git cannot tell (no repository, the ref cannot be fetched).
 */
export function readBaseBaseline(run: { config: Config; root: string }, ref: string): BaseBaseline | undefined {
  if (!/^[\w./-]+$/.test(ref) || ref.startsWith("-")) return undefined;
  let top: string;
  try {
    top = git(run.root, ["rev-parse", "--show-toplevel"]).trim();
  } catch {
    return undefined;
  }
  const rel = relative(top, baselinePath(run)).split(sep).join("/");
  const has = () => {
    try {
      git(run.root, ["cat-file", "-e", `${ref}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  };
  if (!has()) {
    try {
      git(run.root, ["fetch", "--no-tags", "--depth=1", "origin", ref]);
    } catch {
      return undefined;
    }
    if (!has()) return undefined;
  }
  try {
    return { ref, baseline: parseBaseline(git(run.root, ["show", `${ref}:${rel}`])) };
  } catch {
    return { ref };
  }
}
