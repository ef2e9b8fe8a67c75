// A fast reader for the plain YAML subset training files and the config use (block maps/lists, one-line scalars, plain
// decimal numbers, one-line flow maps of simple values); anything else → undefined.
//
// The `yaml` package is exact but costs ~0.1 ms per kB; intent files are thousands of one-line list items.
// This reader accepts only what it can read exactly as `yaml` (YAML 1.2, core schema) would — plain word keys,
// block maps and sequences, one-line plain / single / double-quoted scalars, `[a, b]` word lists, `{ a: 1, b: x }`
// flow maps, plain decimal numbers, comments — and returns undefined for everything else (tabs, anchors, tags,
// multi-line scalars, other number forms, duplicate keys,
// empty values, other flow collections, directives, …), so the caller falls back to `yaml`, which also reports errors.
// Documents nested deeper than MAX_NESTING collections throw NestingTooDeep (the reader recurses once per level).
// test/dataset/fast-yaml.test.ts checks it against `yaml` on generated documents.
import type { PNode, PPair } from "./tree.js";

/** The deepest collection nesting a training file may have (intent files need 3: map → locale map → list). */
export const MAX_NESTING = 64;

/** Thrown by fastYaml for a document nested deeper than MAX_NESTING (at `line`, 1-based): a finding, not a fallback. */
export class NestingTooDeep extends Error {
  constructor(readonly line: number) {
    super(`nesting deeper than ${MAX_NESTING} levels`);
  }
}

interface Line {
  /** 1-based line number */
  no: number;
  indent: number;
  /** The line after its indentation (comment-only and blank lines are dropped). */
  text: string;
}

class Bail extends Error {}
const BAIL = new Bail();

const KEY = /^([A-Za-z_$][A-Za-z0-9_$./-]*):(?:$| +(.*)$)/;
const NULLS = /^(?:~|null|Null|NULL)$/;
const BOOLS = new Map<string, boolean>([
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);
// The core schema's number forms (→ not a string: leave it to `yaml`).
const NUMBER = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const JSON_ESCAPES_ONLY = /\\(?![\\"/bfnrt]|u[0-9a-fA-F]{4})/;
const TRAILER = /^(?:[ ]+#.*|[ ]*)$/;
/** Characters `yaml` may reject or read differently (controls, C1, BOM): leave those files to it. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\ufeff\u2028\u2029]/;
/** Decimal numbers the core schema reads as exactly `Number(text)` (no exponent, sign only `-`, no leading zeros, ≤ 15 digits each side). */
const PLAIN_NUMBER = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/;
/** One `key: value` of a flow map: a word key, one space after the colon, a value of word characters, digits, `.`, `/`, `%` or `-`. */
const FLOW_PAIR = /^( *)([A-Za-z_][A-Za-z0-9_-]*):( +)([A-Za-z0-9_./%-]+) *$/;
const WORD_LIST = /^\[ *((?:[A-Za-z_][A-Za-z0-9_ ./-]*?)(?: *, *[A-Za-z_][A-Za-z0-9_ ./-]*?)*)? *\]$/;

function scalar(raw: string, no: number, column: number): PNode {
  const pos = { line: no, column };
  const c = raw.charCodeAt(0);
  if (c === 34 /* " */) {
    const m = /^"((?:[^"\\]|\\.)*)"(.*)$/.exec(raw);
    if (!m || !TRAILER.test(m[2])) throw BAIL;
    const inner = m[1];
    if (UNSAFE.test(inner)) throw BAIL;
    if (inner.indexOf("\\") === -1) return { type: "scalar", value: inner, pos };
    if (JSON_ESCAPES_ONLY.test(inner)) throw BAIL;
    try {
      return { type: "scalar", value: JSON.parse(`"${inner}"`) as string, pos };
    } catch {
      throw BAIL;
    }
  }
  if (c === 39 /* ' */) {
    const m = /^'((?:[^']|'')*)'(.*)$/.exec(raw);
    if (!m || !TRAILER.test(m[2])) throw BAIL;
    if (UNSAFE.test(m[1])) throw BAIL;
    return { type: "scalar", value: m[1].replace(/''/g, "'"), pos };
  }
  if (c === 91 /* [ */) {
    // A flow list of plain words, e.g. tags: [orders, pizza]
    const cut = raw.indexOf(" #");
    const body = (cut >= 0 ? raw.slice(0, cut) : raw).replace(/ +$/, "");
    const m = WORD_LIST.exec(body);
    if (!m) throw BAIL;
    const items: PNode[] = [];
    if (m[1] !== undefined) {
      let at = body.indexOf(m[1]);
      for (const part of m[1].split(",")) {
        const word = part.trim();
        const off = at + part.indexOf(word);
        if (NULLS.test(word) || BOOLS.has(word) || NUMBER.test(word) || word.includes(" #")) throw BAIL;
        items.push({ type: "scalar", value: word, pos: { line: no, column: column + off } });
        at += part.length + 1;
      }
    }
    return { type: "seq", items, pos };
  }
  if (c === 123 /* { */) return flowMap(raw, no, column);
  if (INDICATOR.test(raw) || UNSAFE.test(raw)) throw BAIL;
  let text = raw;
  const hash = text.indexOf(" #");
  if (hash >= 0) text = text.slice(0, hash);
  // YAML trims only spaces and tabs (String.trimEnd would also eat U+2028, NBSP, …).
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  text = text.slice(0, end);
  if (text.includes(": ") || text.endsWith(":")) throw BAIL;
  if (UNSAFE.test(text)) throw BAIL;
  if (NULLS.test(text)) return { type: "scalar", value: null, pos };
  const b = BOOLS.get(text);
  if (b !== undefined) return { type: "scalar", value: b, pos };
  if (PLAIN_NUMBER.test(text) && text !== "-0") return { type: "scalar", value: Number(text), pos };
  if (NUMBER.test(text)) throw BAIL;
  return { type: "scalar", value: text, pos };
}

/** A flow map of plain word keys and simple plain values on one line, e.g. `{ error: 5, warning: 15 }` (the config's form). */
function flowMap(raw: string, no: number, column: number): PNode {
  const cut = raw.indexOf(" #");
  const body = (cut >= 0 ? raw.slice(0, cut) : raw).replace(/ +$/, "");
  if (!body.endsWith("}")) throw BAIL;
  const inner = body.slice(1, -1);
  const pairs: PPair[] = [];
  if (inner.trim() !== "") {
    const keys = new Set<string>();
    let at = 1;
    for (const part of inner.split(",")) {
      const m = FLOW_PAIR.exec(part);
      if (!m || keys.has(m[2])) throw BAIL;
      keys.add(m[2]);
      const keyCol = column + at + m[1].length;
      const valueCol = keyCol + m[2].length + 1 + m[3].length;
      const value = scalar(m[4], no, valueCol);
      if (value.type !== "scalar") throw BAIL;
      pairs.push({ key: m[2], keyPos: { line: no, column: keyCol }, value });
      at += part.length + 1;
    }
  }
  return { type: "map", pairs, pos: { line: no, column } };
}

class Reader {
  i = 0;
  constructor(readonly lines: Line[]) {}

  /** A block (map or sequence) at nesting level `depth` (the root is 1) starting at the current line. */
  block(depth: number): PNode {
    const L = this.lines[this.i];
    if (L.text === "-" || L.text.startsWith("- ")) return this.seq(L.indent, depth);
    if (KEY.test(L.text)) return this.map(L.indent, L.text, depth);
    throw BAIL;
  }

  /** Refuses a collection at level `depth` deeper than MAX_NESTING (the recursion stops here, not at the stack's end). */
  private level(depth: number, line: number): void {
    if (depth > MAX_NESTING) throw new NestingTooDeep(line);
  }

  /** A scalar, or a `[a, b]` word list or `{ a: 1 }` flow map (one level below `depth`). */
  private value(raw: string, no: number, column: number, depth: number): PNode {
    const node = scalar(raw, no, column);
    if (node.type !== "scalar") this.level(depth + 1, no);
    return node;
  }

  seq(ind: number, depth: number): PNode {
    const lines = this.lines;
    this.level(depth, lines[this.i].no);
    const items: PNode[] = [];
    const pos = { line: lines[this.i].no, column: ind + 1 };
    while (this.i < lines.length) {
      const L = lines[this.i];
      if (L.indent !== ind || !L.text.startsWith("- ")) break;
      let rest = L.text.slice(2);
      let col = ind + 3;
      while (rest.charCodeAt(0) === 32) {
        rest = rest.slice(1);
        col++;
      }
      if (rest === "" || rest.startsWith("-") || rest.startsWith("#")) throw BAIL;
      if (KEY.test(rest)) {
        items.push(this.map(col - 1, rest, depth + 1));
      } else {
        items.push(this.value(rest, L.no, col, depth));
        this.i++;
        if (this.i < lines.length && lines[this.i].indent > ind) throw BAIL;
      }
    }
    if (this.i < lines.length && (lines[this.i].indent > ind || (lines[this.i].indent === ind && lines[this.i].text === "-"))) throw BAIL;
    return { type: "seq", items, pos };
  }

  /** A block map at indent `ind` whose first key line is the current line, read as `first` (after a "- "). */
  map(ind: number, first: string, depth: number): PNode {
    const lines = this.lines;
    this.level(depth, lines[this.i].no);
    const pairs: PPair[] = [];
    const keys = new Set<string>();
    const pos = { line: lines[this.i].no, column: ind + 1 };
    let text = first;
    for (;;) {
      const L = lines[this.i];
      const m = KEY.exec(text);
      if (!m) throw BAIL;
      const key = m[1];
      if (keys.has(key)) throw BAIL;
      keys.add(key);
      const keyPos = { line: L.no, column: ind + 1 };
      const value = m[2] ?? "";
      this.i++;
      let node: PNode;
      if (value === "" || value.startsWith("#")) {
        const next = lines[this.i];
        if (next && next.indent > ind) node = this.block(depth + 1);
        else if (next && next.indent === ind && next.text.startsWith("- ")) node = this.seq(ind, depth + 1);
        else throw BAIL; // an empty value: leave the message to `yaml` and the schema
      } else {
        const col = ind + 1 + m[0].length - value.length;
        node = this.value(value, L.no, col, depth);
        if (this.i < lines.length && lines[this.i].indent > ind) throw BAIL;
      }
      pairs.push({ key, keyPos, value: node });
      const next = lines[this.i];
      if (!next || next.indent < ind) break;
      if (next.indent > ind || next.text === "-" || next.text.startsWith("- ")) throw BAIL;
      text = next.text;
    }
    return { type: "map", pairs, pos };
  }
}

/**
 * The document tree of `text` when it is in the plain subset, else undefined (use the `yaml` package).
 * Throws NestingTooDeep for a document nested deeper than MAX_NESTING (read no further, by either reader).
 */
export function fastYaml(text: string): PNode | undefined {
  if (text.includes("\t")) return undefined;
  const raw = text.split("\n");
  const lines: Line[] = [];
  for (let n = 0; n < raw.length; n++) {
    let s = raw[n];
    if (s.endsWith("\r")) s = s.slice(0, -1);
    if (s.includes("\r")) return undefined;
    let indent = 0;
    while (s.charCodeAt(indent) === 32) indent++;
    if (indent === s.length) continue;
    const body = indent ? s.slice(indent) : s;
    if (body.charCodeAt(0) === 35 /* # */) continue;
    if (indent === 0 && (body.startsWith("---") || body.startsWith("...") || body.startsWith("%"))) return undefined;
    lines.push({ no: n + 1, indent, text: body });
  }
  if (lines.length === 0 || lines[0].indent !== 0) return undefined;
  try {
    const r = new Reader(lines);
    const root = r.block(1);
    return r.i === lines.length ? root : undefined;
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}
