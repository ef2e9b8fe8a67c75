// The job summary: the report rendered verdict first (≤ 1 MiB), with where report.html is, appended to GITHUB_STEP_SUMMARY.
import type * as core from "@actions/core";
import type { BaselineInput } from "../report/format.js";
import { renderSummary } from "../report/markdown.js";
import type { Redactor } from "../report/redact.js";
import type { Report } from "../report/types.js";

export interface SummaryOptions {
  redactor: Redactor;
  baseline?: BaselineInput;
  /** The uploaded artifact's URL (report.html is inside), when uploaded. */
  artifactUrl?: string;
  artifactName: string;
  runUrl?: string;
  /** Extra lines (e.g. why the run only validated), shown under the verdict. */
  notes?: string[];
}

/** Renders the summary markdown: the verdict, then the notes (why the run only validated…), the report, the artifact. Pure. */
export function summaryMarkdown(report: Report, o: SummaryOptions): string {
  const notes = (o.notes ?? []).map((n) => `> ${o.redactor.redact(n)}`).join("\n");
  const where = o.artifactUrl
    ? `The full report (report.html, report.json, audit log) is in the [${o.artifactName}](${o.artifactUrl}) artifact.`
    : `The full report (report.html, report.json, audit log) is in the \`${o.artifactName}\` artifact of this run.`;
  const tail = `\n\n_${where}_\n`;
  const room = 1024 * 1024 - 16 * 1024 - Buffer.byteLength(tail) - Buffer.byteLength(notes) - 4;
  const body = renderSummary(report, { redactor: o.redactor, baseline: o.baseline, htmlLink: o.artifactUrl, runUrl: o.runUrl, maxBytes: room });
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
