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
