// The job summary: the report rendered verdict first (≤ 1 MiB), with where report.html is, appended to GITHUB_STEP_SUMMARY.
import type * as core from "@actions/core";
import type { BaselineInput } from "../report/format.js";
import { renderSummary } from "../report/markdown.js";
import type { Redactor } from "../report/redact.js";
import type { Report } from "../report/types.js";

export interface SummaryOptions {
  redactor: Redactor;
  baseline?: BaselineInput;
  /** The uploaded artifact's URL (a zip with report.html inside), only when the upload happened. */
  artifactUrl?: string;
  artifactName: string;
  /** Why the artifact was not uploaded (no runner service, upload failed…), when it was not. */
  artifactSkipped?: string;
  /** The folder the report files were written to on the runner. */
  outDir?: string;
  runUrl?: string;
  /** Extra lines (e.g. why the run only validated), shown under the verdict. */
  notes?: string[];
}

/** Where the full report is, as the run left it: in the uploaded artifact, or only on the runner's disk. */
function whereTheReportIs(o: SummaryOptions): { line: string; fullReport: string } {
  if (o.artifactUrl) {
    const link = `[${o.artifactName}](${o.artifactUrl.replace(/[\s()<>]/g, encodeURIComponent)})`;
    return { line: `The full report (report.html with charts, report.md, report.json, audit log) is in the ${link} artifact (a zip).`, fullReport: `the ${link} artifact` };
  }
  const dir = o.outDir ? ` in \`${o.outDir.replace(/[`\n]/g, "")}\` on the runner` : "";
  const why = o.artifactSkipped ? ` (${o.redactor.redact(o.artifactSkipped).replace(/[\n<>]/g, " ")})` : "";
  return {
    line: `No report artifact was uploaded${why}: report.html, report.md and report.json were written${dir} only.`,
    fullReport: `report.md and report.html${dir} (no artifact was uploaded)`,
  };
}

/** Renders the summary markdown: the verdict, then the notes (why the run only validated…), the report, the artifact. Pure. */
export function summaryMarkdown(report: Report, o: SummaryOptions): string {
  const notes = (o.notes ?? []).map((n) => `> ${o.redactor.redact(n)}`).join("\n");
  const where = whereTheReportIs(o);
  const tail = `\n\n_${where.line}_\n`;
  const room = 1024 * 1024 - 16 * 1024 - Buffer.byteLength(tail) - Buffer.byteLength(notes) - 4;
  const body = renderSummary(report, { redactor: o.redactor, baseline: o.baseline, htmlLink: o.artifactUrl, fullReport: where.fullReport, runUrl: o.runUrl, maxBytes: room });
  if (!notes) return `${body}${tail}`;
  // Right under the verdict block (before the first section heading).
  const at = body.indexOf("\n#### ");
  return at < 0 ? `${body}\n\n${notes}${tail}` : `${body.slice(0, at)}\n${notes}\n${body.slice(at)}${tail}`;
}

/** Appends the summary when the runner provides GITHUB_STEP_SUMMARY; returns false when there is none (a local run). */
export async function writeJobSummary(c: Pick<typeof core, "summary">, env: NodeJS.ProcessEnv, markdown: string): Promise<boolean> {
  if (!env.GITHUB_STEP_SUMMARY) return false;
  await c.summary.addRaw(markdown, true).write();
  return true;
}
