// The `validate` command: load the training data, run every check, print findings (text | json | github); exit 1 on errors.
import { formatGithub, formatText, totalsOf } from "../checks/format.js";
import { runChecks } from "../checks/index.js";
import { overridesFromFlags, resolveRunConfig } from "../config/options.js";
import { loadDataset } from "../dataset/load.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const rc = resolveRunConfig(overridesFromFlags(ctx.values), ctx.env, ctx.cwd);
  const dataset = loadDataset(rc);
  const findings = runChecks(dataset, rc.config.checks, rc.config.limits);
  const totals = totalsOf(findings, dataset);
  let out: string;
  if (rc.format === "json") out = `${JSON.stringify({ findings, totals }, null, 2)}\n`;
  else if (rc.format === "github") out = formatGithub(findings, totals);
  else out = formatText(findings, totals);
  process.stdout.write(out);
  if (ctx.debug) process.stderr.write(`debug: validate took ${Math.round(performance.now() - started)} ms\n`);
  return totals.errors > 0 ? 1 : 0;
}
