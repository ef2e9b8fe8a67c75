// A line-based unified diff (Myers O(ND)) producing patches that `git apply` / `patch -p1` accept.

type Op = { kind: "eq" | "del" | "add"; line: string };

/** A last line without a final newline carries this mark, so it never equals the same text with a newline. */
const NO_EOL = "\u0000";

/** Splits text into lines; a last line without a newline ends with NO_EOL. */
function splitLines(text: string): string[] {
  if (text === "") return [];
  const eofNewline = text.endsWith("\n");
  const lines = (eofNewline ? text.slice(0, -1) : text).split("\n");
  if (!eofNewline) lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** Myers' greedy shortest edit script over two line arrays. */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))) x = v[offset + k + 1] as number;
      else x = (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v);
  // Backtrack.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && (vd[offset + k - 1] as number) < (vd[offset + k + 1] as number))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : (vd[offset + prevK] as number);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: "eq", line: a[x - 1] as string });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) {
      ops.push({ kind: "add", line: b[y - 1] as string });
      y--;
    } else {
      ops.push({ kind: "del", line: a[x - 1] as string });
      x--;
    }
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: "eq", line: a[x - 1] as string });
    x--;
    y--;
  }
  return ops.reverse();
}

/**
 * A unified diff of one file (`--- a/path`, `+++ b/path`, hunks with `context` lines), or "" when equal.
 * `oldText` null = a new file.
 */
export function unifiedDiff(path: string, oldText: string | null, newText: string, context = 3): string {
  if (oldText === newText) return "";
  const a = splitLines(oldText ?? "");
  const b = splitLines(newText);
  const ops = myers(a, b);
  // Positions (1-based line numbers) as we walk the ops.
  const rows: { op: Op; ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const op of ops) {
    rows.push({ op, ai, bi });
    if (op.kind !== "add") ai++;
    if (op.kind !== "del") bi++;
  }
  const changed = rows.map((r, i) => (r.op.kind === "eq" ? -1 : i)).filter((i) => i >= 0);
  const hunks: string[] = [];
  let i = 0;
  while (i < changed.length) {
    const first = changed[i] as number;
    let last = first;
    while (i + 1 < changed.length && (changed[i + 1] as number) - last <= 2 * context + 1) {
      i++;
      last = changed[i] as number;
    }
    i++;
    const start = Math.max(0, first - context);
    const end = Math.min(rows.length - 1, last + context);
    const body: string[] = [];
    let aCount = 0;
    let bCount = 0;
    for (let r = start; r <= end; r++) {
      const row = rows[r] as { op: Op; ai: number; bi: number };
      const prefix = row.op.kind === "eq" ? " " : row.op.kind === "del" ? "-" : "+";
      const noEol = row.op.line.endsWith(NO_EOL);
      body.push(prefix + (noEol ? row.op.line.slice(0, -1) : row.op.line));
      if (noEol) body.push("\\ No newline at end of file");
      if (row.op.kind !== "add") aCount++;
      if (row.op.kind !== "del") bCount++;
    }
    const s = rows[start] as { ai: number; bi: number };
    const aStart = aCount === 0 ? s.ai : s.ai + 1;
    const bStart = bCount === 0 ? s.bi : s.bi + 1;
    hunks.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@\n${body.join("\n")}\n`);
  }
  const header = oldText === null ? `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n` : `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n`;
  return header + hunks.join("");
}
