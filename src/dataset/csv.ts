// RFC-4180-style CSV reader shared by the emulator's intent import and harvest's log files (pure).

const DEFAULT_DELIMITERS = [",", ";", "\t"] as const;

/** The candidate that occurs most often in the first line; ties go to the earlier candidate. */
function detectDelimiter(text: string, candidates: readonly string[]): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  let best = candidates[0] ?? ",";
  let bestCount = -1;
  for (const d of candidates) {
    const n = firstLine.split(d).length;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/**
 * Parses CSV: quotes, doubled quotes, newlines inside quotes, CRLF/LF/CR line ends, optional BOM.
 * `delimiter` is either the delimiter itself or the candidates to detect it from in the first line
 * (default `,` `;` tab). Rows whose fields are all empty are dropped.
 */
export function parseCsv(text: string, delimiter: string | readonly string[] = DEFAULT_DELIMITERS): string[][] {
  const src = text.replace(/^\uFEFF/, "");
  const delim = typeof delimiter === "string" ? delimiter : detectDelimiter(src, delimiter);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delim) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.some((x) => x !== "")) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((x) => x !== "")) rows.push(row);
  return rows;
}
