// The findings baseline file on disk: read it, write it (validate --update-baseline), apply it to a run's findings,
// and read the base branch's copy with git (to call out a change that grows it).
import { existsSync, readFileSync } from "node:fs";
import { dirname, posix, relative, resolve, sep } from "node:path";
import { safeWriteFileSync } from "../io/safe-fs.js";
import { type BaselineFile, baselineGrowth, baselineOf, baselineSize, matchBaseline, parseBaseline, renderBaseline } from "../checks/baseline.js";
import type { Finding } from "../checks/types.js";
import type { Config } from "../config/schema.js";
import type { Dataset } from "../dataset/types.js";
import { ConfigError } from "../errors.js";
import type { KnownFindings } from "../report/types.js";
import { GitUnavailable, git, repoPrefix, resolveCommit } from "./git.js";
import { grouped } from "../text/number.js";

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
  // Never through a link a PR committed in its place.
  safeWriteFileSync(dirname(path), path, renderBaseline(b));
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
  /** The ref as given (a branch, a sha, origin/main). */
  ref: string;
  /** Its commit. */
  sha: string;
  /** undefined: the base has no baseline file (or one that is not a baseline). */
  baseline?: BaselineFile;
}

/**
 * The base's copy of the findings baseline file (`checks.baseline`), read with `git show <commit>:<path>` — the
 * checkout is never touched; a clone that lacks the commit fetches it once (resolveCommit: depth 1 when shallow).
 * Throws GitUnavailable with the reason when the ref cannot be read (not a git checkout, an unknown ref).
 */
export async function readBaseBaseline(run: { config: Config; root: string }, ref: string, logger?: { info(m: string): void }): Promise<BaseBaseline> {
  const { sha } = await resolveCommit(run.root, ref, logger);
  const { prefix } = await repoPrefix(run.root);
  const rel = posix.normalize(`${prefix}${run.config.checks.baseline.split(sep).join("/")}`);
  if (rel.startsWith("../") || posix.isAbsolute(rel)) throw new GitUnavailable(`checks.baseline (${run.config.checks.baseline}) is outside the repository`);
  const r = await git(run.root, ["show", `${sha}:${rel}`]);
  if (r.code !== 0) return { ref, sha }; // no such file at the base
  return { ref, sha, baseline: parseBaseline(r.stdout.toString("utf8")) };
}

/** readBaseBaseline, or the reason it could not be read (a check goes on without the comparison). */
export async function tryReadBaseBaseline(run: { config: Config; root: string }, ref: string, logger?: { info(m: string): void }): Promise<BaseBaseline | { ref: string; error: string }> {
  try {
    return await readBaseBaseline(run, ref, logger);
  } catch (e) {
    if (e instanceof GitUnavailable) return { ref, error: e.message };
    throw e;
  }
}

/**
 * The baseline file compared with the base's, in one line ("" without a comparison): a change that grows it is
 * called out (new problems accepted as known), one that shrinks it says so.
 */
export function baseComparisonLine(known: KnownFindings | undefined): string {
  const b = known?.base;
  if (!known || !b) return "";
  const n = (x: number) => `${grouped(x)} finding${x === 1 ? "" : "s"}`;
  if (b.added > 0) return `this change grows ${known.file} by ${n(b.added)} vs ${b.ref} (${grouped(b.size)} → ${grouped(known.size)}): new problems accepted as known`;
  if (b.removed > 0) return `this change shrinks ${known.file} by ${n(b.removed)} vs ${b.ref} (${grouped(b.size)} → ${grouped(known.size)})`;
  return `${known.file}: no finding added vs ${b.ref}`;
}
