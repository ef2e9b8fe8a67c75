// The one home for untrusted text on its way out: escaping for the Actions log (workflow commands), for markdown and
// for file names, and PII masking of data fields (utterances, names from Cognigy or chat logs) where they become text.
// Figures and ids the tool made are never passed through maskData; secrets are removed later, over finished output.
import { maskPii } from "../checks/pii.js";

/**
 * Text for one Actions log message: no line of it can be a workflow command. The runner reads its output line by
 * line (CR, LF or CRLF end a line) and treats a line as a command when, after trimming leading whitespace, it starts
 * with `::` (e.g. `::error::`, `::stop-commands::TOKEN`, `::add-mask::`) or `##[` (`##[error]`). Such lines get a
 * visible backslash in front, so `::stop-commands::` from data can never switch annotations off. Line breaks become LF.
 */
export function escapeLogLine(text: string): string {
  if (!/[:#]/.test(text)) return text.replace(/\r\n?/g, "\n");
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (/^\s*(?:::|##\[)/.test(line) ? line.replace(/^(\s*)/, "$1\\") : line))
    .join("\n");
}

/** True when a line of `text` would be read as a workflow command by the runner. */
export function hasWorkflowCommand(text: string): boolean {
  return text.split(/\r\n|\r|\n/).some((line) => /^\s*(?:::|##\[)/.test(line));
}

/** GitHub's escaping for the message part of a workflow command (`%`, CR, LF). */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** GitHub's escaping for a property value (file=…, title=…) of a workflow command. */
export function escapeCommandProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * Inline markdown from data: cannot start HTML, a link, an image, a table cell, a heading, emphasis or code, cannot
 * @-mention a user or team (`@org/team`), and bare URLs are not turned into links. Newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]~|#!])/g, "\\$1")
    .replace(/@/g, "@\u200b")
    .replace(/:\/\//g, ":\u200b//")
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`);
}

/** A markdown table cell from data: PII masked, escaped, one line, at most `max` characters. */
export function markdownCell(value: unknown, max = 200): string {
  const text = typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value);
  const cps = Array.from(maskData(String(text ?? "")).replace(/\s+/g, " ").trim());
  const clipped = cps.length <= max ? cps.join("") : `${cps.slice(0, max - 1).join("")}…`;
  return escapeMarkdown(clipped);
}

/** A data field (utterance, intent or locale name from a PR, Cognigy or a chat log) with its PII masked. */
export function maskData(text: string): string {
  return maskPii(text);
}

/** A file-system-safe, stable name part from data: letters, digits, dot, dash, underscore; never `.`/`..`. */
export function safeFileName(s: string, max = 80): string {
  const cleaned = s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|_+$/g, "");
  return cleaned.slice(0, max) || "unnamed";
}
