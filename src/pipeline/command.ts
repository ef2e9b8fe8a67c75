// What the pipeline CLI commands share: the run config from flags, a redacting logger, report files, the exit code.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CommandContext } from "../commands/context.js";
import { overridesFromFlags, type RunConfig, resolveRunConfig } from "../config/options.js";
import { consoleLogger, type Logger } from "../logger.js";
import { Redactor } from "../report/redact.js";
import type { Report } from "../report/types.js";
import { writeReportFiles } from "../report/write.js";
import { summaryLines } from "./console.js";

export interface CommandSetup {
  run: RunConfig;
  redactor: Redactor;
  /** Progress and messages: stdout for text output, stderr when stdout carries JSON. */
  logger: Logger;
  /** Writes a line to stdout, secrets redacted. */
  print: (line: string) => void;
  json: boolean;
}

export function setupCommand(ctx: CommandContext, overrides: Partial<RunConfig> = {}): CommandSetup {
  const run: RunConfig = { ...resolveRunConfig(overridesFromFlags(ctx.values), ctx.env, ctx.cwd), ...overrides };
  const redactor = new Redactor();
  redactor.addSecret(run.apiKey);
  // The configured API host is not PII, even when it is a bare IP address.
  redactor.allow(run.config.cognigy.baseUrl);
  const json = run.format === "json";
  const logger = consoleLogger({ debug: ctx.debug || run.debug, redact: (s) => redactor.redact(s), stream: json ? process.stderr : undefined });
  const print = (line: string) => void process.stdout.write(`${redactor.redact(line)}\n`);
  return { run, redactor, logger, print, json };
}

/** Writes report.json / report.md / report.html into run.out; prints the result block (text) or the report (json). */
export async function finishCommand(s: CommandSetup, report: Report, opts: { quiet?: boolean } = {}): Promise<number> {
  const files = await writeReportFiles(report, s.run.out, { redactor: s.redactor });
  if (s.json) s.print(JSON.stringify(s.redactor.redactDeep(report), null, 2));
  else if (!opts.quiet) {
    for (const l of summaryLines(report)) s.print(l);
    s.print(`report: ${files.md}`);
  }
  return exitCode(report);
}

/** 1 when the report failed (a failed check, gate or step, or a check that evaluated nothing unless allowed), else 0. */
export function exitCode(report: Report): number {
  if (report.status === "not evaluated") return report.evaluation?.unevaluatedAllowed ? 0 : 1;
  return report.status === "failure" ? 1 : 0;
}

/** Writes a JSON file into the output folder (e.g. plan.json), redacted. */
export async function writeJson(s: CommandSetup, name: string, value: unknown): Promise<string> {
  await mkdir(s.run.out, { recursive: true });
  const path = join(s.run.out, name);
  await writeFile(path, s.redactor.redactSecrets(`${JSON.stringify(s.redactor.redactDeep(value), null, 2)}\n`));
  return path;
}
