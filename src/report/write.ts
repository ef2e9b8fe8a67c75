// TODO(issue 6): placeholder writer; the report module replaces it with report.md / report.html renderers.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Report } from "./types.js";

export interface WrittenReports {
  json: string;
  md: string;
  html?: string;
}

/** Writes report.json, report.md (and report.html) into outDir. Everything written is already redacted. */
export async function writeReportFiles(report: Report, outDir: string): Promise<WrittenReports> {
  await mkdir(outDir, { recursive: true });
  const json = join(outDir, "report.json");
  const md = join(outDir, "report.md");
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(md, `# cognigy-nlu ${report.mode}: ${report.status}\n\n${report.summary}\n`);
  return { json, md };
}
