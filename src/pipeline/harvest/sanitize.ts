// Harvested text clean-up (pure): control, zero-width and bidi characters out, whitespace collapsed.

/** C0/C1 controls, zero-width and joiner marks, bidi embeddings/overrides/isolates, BOM, soft hyphen. */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/** The text a user typed, made safe to store: invisible characters removed, tabs/newlines to spaces, trimmed. */
export function sanitizeText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[\t\n\r\u2028\u2029\u0085]+/g, " ")
    .replace(INVISIBLE, "")
    .replace(/\s+/g, " ")
    .trim();
}
