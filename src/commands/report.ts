// `cognigy-nlu report merge a.json b.json … [--out DIR]`: combine shard reports, recompute the metrics, apply the gate.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { overridesFromFlags, resolveRunConfig } from "../config/options.js";
import { ConfigError, errorMessage, UserError } from "../errors.js";
import { consoleLogger } from "../logger.js";
import { resultLines } from "../pipeline/console.js";
import { exitCode } from "../pipeline/command.js";
import { applyGate } from "../pipeline/gate.js";
import { gateUsed } from "../pipeline/thresholds.js";
import { comparisonLine } from "../pipeline/check.js";
import { createClient } from "../pipeline/client.js";
import { deleteMergedPreviews, mergedPreviewRuns, mergeReports } from "../pipeline/merge.js";
import { pairedWithBaseline } from "../pipeline/gate.js";
import { loadBaseline } from "../pipeline/run.js";
import { Redactor } from "../report/redact.js";
import type { Report } from "../report/types.js";
import { writeReportFiles } from "../report/write.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const [sub, ...files] = ctx.positionals;
  if (sub !== "merge") throw new ConfigError(`report: expected 'report merge a.json b.json …', got '${["report", ...ctx.positionals].join(" ")}'`);
  if (files.length === 0) throw new ConfigError("report merge: name the shard report.json files to merge");
  const reports: { name: string; report: Report }[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(resolve(ctx.cwd, f), "utf8");
    } catch {
      throw new UserError(`report merge: cannot read ${f}`);
    }
    try {
      reports.push({ name: f, report: JSON.parse(text) as Report });
    } catch {
      throw new UserError(`report merge: ${f} is not JSON`);
    }
  }
  const logger = consoleLogger({ debug: ctx.debug });
  const flags = overridesFromFlags(ctx.values);
  const hasConfig = Boolean(flags.config) || existsSync(resolve(ctx.cwd, "cognigy-nlu.yml"));
  const runCfg = hasConfig ? resolveRunConfig(flags, ctx.env, ctx.cwd) : undefined;
  // a sharded check's preview flows are deleted by the merging job, whatever the merge finds (a failed shard included)
  const runs = mergedPreviewRuns(reports);
  let cleanup = "";
  if (runs.length) {
    const names = runs.map((r) => `${r.owner} run ${r.run}`).join(", ");
    const later = "the next check of this PR, or release/backup after check.previewMaxAgeHours, deletes them";
    if (!runCfg) logger.warn(`the preview flows of ${names} were not deleted: no cognigy-nlu.yml here (--config); ${later}`);
    else if (!runCfg.apiKey) logger.warn(`the preview flows of ${names} were not deleted: COGNIGY_API_KEY is not set; ${later}`);
    else {
      try {
        const d = await deleteMergedPreviews({ client: createClient(runCfg, logger), logger }, runCfg.config.cognigy.project, runs);
        cleanup = d.deleted.length ? `; deleted the preview flow${d.deleted.length === 1 ? "" : "s"} ${d.deleted.join(", ")}` : "";
        if (!d.deleted.length && !d.failed.length) logger.info(`no preview flow of ${names} is left in Cognigy`);
      } catch (e) {
        logger.warn(`the preview flows of ${names} were not deleted: ${errorMessage(e)}; ${later}`);
      }
    }
  }
  const { report, notes } = mergeReports(reports);
  for (const n of notes) logger.warn(n);
  const out = resolve(ctx.cwd, flags.out || "cognigy-nlu-report");
  if (report.comparison) report.summary += `; ${comparisonLine(report.comparison, runCfg?.config.gate.significance)}`;
  // the gate needs the thresholds of cognigy-nlu.yml: applied when the file is there (or named with --config)
  if (runCfg) {
    const baseline = await loadBaseline(runCfg.baseline, { logger });
    const comparison = report.comparison ?? pairedWithBaseline(baseline, report.predictions);
    if (comparison) report.comparison = comparison;
    // a sharded PR check: the shards were judged by the base's thresholds (report.thresholds), not this file's
    const gate = gateUsed(runCfg.config.gate, report.thresholds);
    report.gate = applyGate({ metrics: report.metrics, gate, baseline, testsPerIntent: report.evaluation?.testsPerIntent, comparison });
    if (report.thresholds?.proposed.some((c) => c.key.startsWith("gate."))) {
      report.thresholds.proposedGatePassed = applyGate({ metrics: report.metrics, gate: runCfg.config.gate, baseline, testsPerIntent: report.evaluation?.testsPerIntent, comparison }).passed;
    }
    if (baseline) report.baselineMetrics = { accuracy: baseline.metrics.accuracy ?? 0, macroF1: baseline.metrics.macroF1, macroPrecision: baseline.metrics.macroPrecision ?? 0, macroRecall: baseline.metrics.macroRecall ?? 0, perIntent: baseline.metrics.perIntent };
    if (!report.gate.passed) report.status = "failure";
    report.summary += report.gate.passed ? ", gate passed" : `, gate failed: ${report.gate.reasons[0]}${report.gate.reasons.length > 1 ? ` (+${report.gate.reasons.length - 1} more)` : ""}`;
  } else logger.info("no cognigy-nlu.yml here (--config): the gate is not applied to the merged report");
  report.summary += cleanup;
  const redactor = new Redactor();
  redactor.addSecret(ctx.env.COGNIGY_API_KEY);
  const written = await writeReportFiles(report, out, { redactor });
  for (const l of resultLines(report)) process.stdout.write(`${l}\n`);
  process.stdout.write(`report: ${written.json}\n`);
  return exitCode(report);
}
