// The `validate` command: load the training data, run every check, print findings (text | json | github); exit 1 on new
// errors (findings in the findings baseline are known and do not count). --update-baseline records today's findings;
// --base-ref compares the baseline file with the base's copy (read with git) and calls out a change that grows it.
import { escapeData, escapeProperty, formatGithub, formatText, summaryLine, totalsOf } from "../checks/format.js";
import { runChecks } from "../checks/index.js";
import { overridesFromFlags, resolveRunConfig } from "../config/options.js";
import { loadDataset } from "../dataset/load.js";
import { ConfigError } from "../errors.js";
import { applyBaseline, baseComparisonLine, baselinePath, readBaseBaseline, writeBaselineFile } from "../pipeline/findings-baseline.js";
import { GitUnavailable } from "../pipeline/git.js";
import { escapeLogLine } from "../text/untrusted.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const rc = resolveRunConfig(overridesFromFlags(ctx.values), ctx.env, ctx.cwd);
  const dataset = loadDataset(rc);
  const all = runChecks(dataset, rc.config.checks, rc.config.limits);
  // --base-ref: the baseline file is compared with the base's copy (read with git): growing it is called out
  const baseRef = typeof ctx.values["base-ref"] === "string" ? ctx.values["base-ref"] : undefined;
  const readBase = async () => {
    if (!baseRef) return undefined;
    try {
      return await readBaseBaseline(rc, baseRef);
    } catch (e) {
      if (e instanceof GitUnavailable) throw new ConfigError(`base-ref: ${e.message}`, "pass a branch, tag or commit of this repository (e.g. --base-ref origin/main)");
      throw e;
    }
  };
  if (ctx.values["update-baseline"]) {
    const path = baselinePath(rc);
    const before = applyBaseline(rc, all, dataset).known;
    const w = writeBaselineFile(path, all, dataset);
    const t = totalsOf(all, dataset);
    const change = before ? ` (was ${before.size}: ${before.fixed} fixed, ${Math.max(0, w.findings - before.known)} new)` : "";
    process.stdout.write(`${summaryLine(t)}\n`);
    process.stdout.write(`✓ wrote ${rc.config.checks.baseline}: ${w.findings} known finding(s)${change}; from now on only new findings fail validate, check and release\n`);
    const vsBase = baseComparisonLine(applyBaseline(rc, all, dataset, await readBase()).known);
    if (vsBase) process.stdout.write(`${escapeLogLine(vsBase)}\n`);
    process.stdout.write(`next: commit ${rc.config.checks.baseline} with the training data\n`);
    return 0;
  }
  const { findings, known } = applyBaseline(rc, all, dataset, await readBase());
  const totals = totalsOf(findings, dataset);
  let out: string;
  if (rc.format === "json") out = `${JSON.stringify({ findings, totals, ...(known ? { baseline: known } : {}) }, null, 2)}\n`;
  else if (rc.format === "github") out = formatGithub(findings, totals);
  else out = escapeLogLine(formatText(findings, totals)); // data in a finding never starts a workflow command
  process.stdout.write(out);
  const vsBase = baseComparisonLine(known);
  if (vsBase && rc.format === "github" && known?.base?.added) process.stdout.write(`::warning title=${escapeProperty("findings baseline")}::${escapeData(vsBase)}\n`);
  else if (vsBase && rc.format !== "json") process.stdout.write(`${escapeLogLine(vsBase)}\n`);
  if (known?.fixed && rc.format !== "json")
    process.stdout.write(`${known.fixed} known finding(s) fixed: run cognigy-nlu validate --update-baseline to shrink ${known.file}\n`);
  if (ctx.debug) process.stderr.write(`debug: validate took ${Math.round(performance.now() - started)} ms\n`);
  return totals.errors > 0 ? 1 : 0;
}
