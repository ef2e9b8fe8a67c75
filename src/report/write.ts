// Writes the report files (report.json, report.md, report.html) into the output folder, everything redacted.
import { join } from "node:path";
import { safeMkdir, safeWriteFile } from "../io/safe-fs.js";
import type { BaselineInput } from "./format.js";
import { renderHtml } from "./html.js";
import { renderReportMd } from "./markdown.js";
import { Redactor } from "./redact.js";
import type { Report } from "./types.js";

export interface WrittenReports {
  json: string;
  md: string;
  html?: string;
}

export interface WriteReportOptions {
  /** The run's redactor, with its secrets registered (default: PII masking only). */
  redactor?: Redactor;
  /** Metrics to compare with (default: report.baselineMetrics). */
  baseline?: BaselineInput;
  /** Also write report.html (default true). */
  html?: boolean;
}

/** Writes report.json (deep-redacted), report.md and report.html into outDir and returns their paths. */
export async function writeReportFiles(report: Report, outDir: string, opts: WriteReportOptions = {}): Promise<WrittenReports> {
  const redactor = opts.redactor ?? new Redactor();
  await safeMkdir(outDir, outDir);
  const json = join(outDir, "report.json");
  const md = join(outDir, "report.md");
  const safe = redactor.redactDeep(report);
  // rendered first, then written side by side: each safe write is a handful of file-system round trips
  const files: [string, string][] = [
    [json, redactor.redactSecrets(`${JSON.stringify(safe, null, 2)}\n`)],
    [md, renderReportMd(report, { redactor, baseline: opts.baseline })],
  ];
  const written: WrittenReports = { json, md };
  if (opts.html !== false) {
    written.html = join(outDir, "report.html");
    files.push([written.html, renderHtml(report, { redactor, baseline: opts.baseline })]);
  }
  const results = await Promise.allSettled(files.map(([path, text]) => safeWriteFile(outDir, path, text)));
  for (const r of results) if (r.status === "rejected") throw r.reason;
  return written;
}
