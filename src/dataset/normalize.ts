// Text normalisation shared by the checks and the planner: NFKC, lower case, no punctuation, single spaces.

const PUNCT_OR_FORMAT = /[\p{P}\p{Cf}]+/gu;
const SPACES = /\s+/gu;
const PLAIN_ASCII = /^[a-z0-9]+(?: [a-z0-9]+)*$/;
const ASCII = /^[\x20-\x7e]*$/;

/**
 * The comparable form of an utterance: NFKC, lower case, punctuation and invisible format characters
 * removed, runs of whitespace collapsed to one space, trimmed. Idempotent: normalize(normalize(s)) === normalize(s).
 */
export function normalize(text: string): string {
  if (PLAIN_ASCII.test(text)) return text;
  let s = ASCII.test(text) ? text.toLowerCase() : text.normalize("NFKC").toLowerCase();
  s = s.replace(PUNCT_OR_FORMAT, "");
  if (!ASCII.test(s)) s = s.normalize("NFKC");
  return s.replace(SPACES, " ").trim();
}

/** Ordinary whitespace control characters a pasted text brings along: tab, line feed, vertical tab, form feed, carriage return, NEL, line and paragraph separators. */
export const CONTROL_WHITESPACE = /[\t\n\v\f\r\u0085\u2028\u2029]/;
// Only runs of two or more, and single control characters, are replaced: replacing every single space is slow on long texts.
const WHITESPACE_RUN = /[ \t\n\v\f\r\u0085\u2028\u2029]{2,}|[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * The text as it is uploaded, compared and scored: ordinary whitespace (spaces and the control characters above)
 * trimmed and collapsed to single spaces. Other characters are left as written (zero-width and direction characters
 * are findings of their own). Idempotent; returns the same string when there is nothing to do.
 */
export function cleanWhitespace(text: string): string {
  const edge = text.charCodeAt(0) === 32 || text.charCodeAt(text.length - 1) === 32;
  if (!edge && !CONTROL_WHITESPACE.test(text) && !text.includes("  ")) return text;
  return text.replace(WHITESPACE_RUN, " ").replace(/^ | $/g, "");
}
