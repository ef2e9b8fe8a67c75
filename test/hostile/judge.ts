// Runs one hostile case through the library (config → dataset → checks) and judges any result against its expectations.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "../../src/checks/types.js";
import { runChecks } from "../../src/checks/index.js";
import { loadConfig } from "../../src/config/load.js";
import { loadDataset } from "../../src/dataset/load.js";
import { ConfigError } from "../../src/errors.js";
import type { HostileCase } from "./corpus.js";

/** What a run of a case produced, whichever way it ran (library or CLI). */
export interface CaseResult {
  /** The ConfigError message (library) or stderr (CLI exit 2). */
  configError?: string;
  findings: Finding[];
  /** Intents loaded (library only). */
  intents?: number;
  /** Everything printed (CLI) or the error text, for the never-echo check. */
  output: string;
  ms: number;
  /** Properties that appeared on Object.prototype (library only). */
  polluted?: string[];
}

/** A fresh sandbox: `<tmp>/cnlu-hostile-XXXX/{repo,out,home,tmp}`. */
export function sandbox(prefix = "cnlu-hostile-"): { root: string; repo: string; out: string; home: string; tmp: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dirs = { root, repo: join(root, "repo"), out: join(root, "out"), home: join(root, "home"), tmp: join(root, "tmp") };
  for (const d of [dirs.repo, dirs.home, dirs.tmp]) mkdirSync(d, { recursive: true });
  return dirs;
}

/** The library path. Throws (fails the test) on anything but a ConfigError. */
export function runLibrary(repo: string): CaseResult {
  const t0 = performance.now();
  try {
    const { config, root } = loadConfig(join(repo, "cognigy-nlu.yml"), repo);
    const dataset = loadDataset({ config, root });
    const findings = runChecks(dataset, config.checks);
    const intents = dataset.flows.reduce((n, f) => n + f.intents.length, 0);
    return { findings, intents, output: findings.map((f) => `${f.file}:${f.line} ${f.message} ${f.hint ?? ""}`).join("\n"), ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof ConfigError) {
      const text = `${e.message}\n${e.hint ?? ""}`;
      return { configError: text, findings: [], output: text, ms: performance.now() - t0 };
    }
    throw e;
  }
}

const show = (f: Finding) => `${f.rule}@${f.file}:${f.line} ${f.message.slice(0, 160)}`;

/** Problems with a result (empty = the case behaved). */
export function judge(c: HostileCase, r: CaseResult, opts: { configFileName?: string } = {}): string[] {
  const problems: string[] = [];
  const cfgName = opts.configFileName ?? "cognigy-nlu.yml";
  for (const e of c.expect) {
    if (e.kind === "config") {
      if (r.configError === undefined) {
        problems.push(`expected the config to be rejected (exit 2), got ${r.findings.length} findings: ${r.findings.slice(0, 3).map(show).join(" | ")}`);
        continue;
      }
      if (e.match && !e.match.test(r.configError)) problems.push(`config error does not match ${e.match}: ${r.configError.slice(0, 300)}`);
      if (e.line !== undefined && !r.configError.includes(`${cfgName}:${e.line}:`)) problems.push(`config error does not name ${cfgName}:${e.line}: ${r.configError.slice(0, 300)}`);
      continue;
    }
    if (r.configError !== undefined) {
      problems.push(`unexpected config error: ${r.configError.slice(0, 300)}`);
      continue;
    }
    if (e.kind === "ok") {
      const errors = r.findings.filter((f) => f.severity === "error");
      if (errors.length) problems.push(`expected no errors, got: ${errors.slice(0, 3).map(show).join(" | ")}`);
      if (e.intents !== undefined && r.intents !== undefined && r.intents !== e.intents) problems.push(`expected ${e.intents} intents, loaded ${r.intents}`);
      continue;
    }
    const hit = r.findings.find((f) => f.rule === e.rule && f.file === e.file && (e.line === undefined || f.line === e.line) && (!e.match || e.match.test(f.message)));
    if (!hit) {
      const near = r.findings.filter((f) => f.file === e.file || f.rule === e.rule);
      problems.push(
        `expected a ${e.rule} finding in ${e.file}${e.line !== undefined ? `:${e.line}` : ""}${e.match ? ` matching ${e.match}` : ""}; got: ${near.slice(0, 4).map(show).join(" | ") || "none"}`,
      );
    }
  }
  // Every finding names a file, and a line unless it is about the whole file.
  for (const f of r.findings) {
    if (!f.file) problems.push(`finding without a file: ${show(f)}`);
    if (!Number.isInteger(f.line) || f.line < 0) problems.push(`finding with a bad line: ${show(f)}`);
  }
  if (r.polluted?.length) problems.push(`Object.prototype was polluted: ${r.polluted.join(", ")}`);
  for (const s of c.neverEcho) if (r.output.includes(s)) problems.push(`the output echoes '${s.slice(0, 8)}…'`);
  return problems;
}
