// Text checks: length bounds, control / invisible / bidi-override characters, mojibake (utterances); the same
// invisible-character check on intent names, descriptions, tags and test-set `expect` values.
import type { ChecksConfig } from "../config/schema.js";
import { CONTROL_WHITESPACE } from "../dataset/normalize.js";
import type { Place } from "../dataset/types.js";
import { finding } from "./finding.js";
import { quote } from "./show.js";
import type { Finding, Location } from "./types.js";
import type { FlowView, Item } from "./view.js";

const CHAR_NAMES = new Map<number, string>([
  [0x09, "tab"],
  [0x0a, "line feed"],
  [0x0d, "carriage return"],
  [0x0b, "vertical tab"],
  [0x0c, "form feed"],
  [0x85, "next line"],
  [0xad, "soft hyphen"],
  [0x61c, "Arabic letter mark"],
  [0x180e, "Mongolian vowel separator"],
  [0x200b, "zero-width space"],
  [0x200c, "zero-width non-joiner"],
  [0x200d, "zero-width joiner"],
  [0x200e, "left-to-right mark"],
  [0x200f, "right-to-left mark"],
  [0x202a, "left-to-right embedding"],
  [0x202b, "right-to-left embedding"],
  [0x202c, "pop directional formatting"],
  [0x202d, "left-to-right override"],
  [0x202e, "right-to-left override"],
  [0x2060, "word joiner"],
  [0x2066, "left-to-right isolate"],
  [0x2067, "right-to-left isolate"],
  [0x2068, "first strong isolate"],
  [0x2069, "pop directional isolate"],
  [0x2028, "line separator"],
  [0x2029, "paragraph separator"],
  [0xfeff, "zero-width no-break space (BOM)"],
]);

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const PICTO = /\p{Extended_Pictographic}|[\u{1f3fb}-\u{1f3ff}\ufe0f]/u;
const LETTER = /[\p{L}\p{M}]/u;

function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** True for joiners that are part of normal writing: ZWJ inside emoji sequences, ZWNJ between letters (Persian, Indic). */
function legitimate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if ((c !== 0x200d && c !== 0x200c) || i === 0 || i === text.length - 1) return false;
  const low = text.charCodeAt(i - 1);
  const prev = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? text.codePointAt(i - 2) : text.codePointAt(i - 1);
  const next = text.codePointAt(i + 1);
  if (prev === undefined || next === undefined) return false;
  const test = c === 0x200d ? PICTO : LETTER;
  return test.test(String.fromCodePoint(prev)) && test.test(String.fromCodePoint(next));
}

// UTF-8 read as Latin-1 / Windows-1252: a lead byte (Â Ã Ä Å Æ Ç Ð Ñ Ø Ù â ã ä å æ ç è é ê ï ð) followed by a
// continuation byte (0x80–0xBF) shown as its Latin-1 or Windows-1252 character; or the U+FFFD replacement char.
const CONT = "\\u0080-\\u00bf\\u20ac\\u201a\\u0192\\u201e\\u2026\\u2020\\u2021\\u02c6\\u2030\\u0160\\u2039\\u0152\\u017d\\u2018\\u2019\\u201c\\u201d\\u2022\\u2013\\u2014\\u02dc\\u2122\\u0161\\u203a\\u0153\\u017e\\u0178";
const MOJIBAKE = new RegExp(`[\\u00c2-\\u00c7\\u00d0\\u00d1\\u00d8\\u00d9][${CONT}]|[\\u00e2-\\u00e7\\u00e8-\\u00ea\\u00ef\\u00f0][${CONT}][${CONT}]|\\ufffd`);

const CP1252 = new Map<number, number>([
  [0x20ac, 0x80],
  [0x201a, 0x82],
  [0x0192, 0x83],
  [0x201e, 0x84],
  [0x2026, 0x85],
  [0x2020, 0x86],
  [0x2021, 0x87],
  [0x02c6, 0x88],
  [0x2030, 0x89],
  [0x0160, 0x8a],
  [0x2039, 0x8b],
  [0x0152, 0x8c],
  [0x017d, 0x8e],
  [0x2018, 0x91],
  [0x2019, 0x92],
  [0x201c, 0x93],
  [0x201d, 0x94],
  [0x2022, 0x95],
  [0x2013, 0x96],
  [0x2014, 0x97],
  [0x02dc, 0x98],
  [0x2122, 0x99],
  [0x0161, 0x9a],
  [0x203a, 0x9b],
  [0x0153, 0x9c],
  [0x017e, 0x9e],
  [0x0178, 0x9f],
]);

/** The text re-read as UTF-8 (undoing a Latin-1 / Windows-1252 misreading), or undefined when that is not what happened. */
export function fixMojibake(text: string): string | undefined {
  const bytes: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c <= 0xff) bytes.push(c);
    else if (CP1252.has(c)) bytes.push(CP1252.get(c)!);
    else return undefined;
  }
  try {
    const fixed = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
    return fixed !== text ? fixed : undefined;
  } catch {
    return undefined;
  }
}

function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** The invisible / control / bidi characters in a text (joiners that are part of normal writing excepted), by code, first seen first. */
function invisibleCodes(text: string): number[] {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(text)) return [];
  INVISIBLE.lastIndex = 0;
  const seen = new Set<number>();
  for (let m = INVISIBLE.exec(text); m; m = INVISIBLE.exec(text)) {
    const c = m[0].charCodeAt(0);
    if (seen.has(c) || legitimate(text, m.index)) continue;
    seen.add(c);
  }
  INVISIBLE.lastIndex = 0;
  return [...seen];
}

/** "U+200B (zero-width space)" */
function describe(c: number): string {
  return `${codePoint(c)} (${CHAR_NAMES.get(c) ?? "control character"})`;
}

/** The invisible / control / bidi characters in a text, as "U+200B (zero-width space)". */
function invisibleChars(text: string): string[] {
  return invisibleCodes(text).map(describe);
}

const WHITESPACE_NAMES = ["U+0009", "U+000A", "U+000B", "U+000C", "U+000D", "U+0085", "U+2028", "U+2029"];

/** Direction overrides, embeddings and isolates (they reorder what a reader sees) and control characters that are not whitespace. */
function severe(c: number): boolean {
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

function checkItem(item: Item, length: ChecksConfig["length"], out: Finding[]): void {
  const { text } = item;
  const extra = { intent: item.intent ?? undefined, locale: item.locale };
  if (length !== "off") {
    const n = codePointLength(text);
    if (n < length.min)
      out.push(finding("length", item, `${quote(text)} is too short (${n} character${n === 1 ? "" : "s"}, minimum ${length.min})`, { hint: "write a phrase a user would really type", ...extra }));
    else if (n > length.limit)
      out.push(
        finding("length", item, `${quote(text, 40)} is longer than Cognigy accepts (${n} characters, limit ${length.limit})`, {
          hint: "the upload would be rejected: split it, or keep the part that carries the intent",
          severity: "error",
          ...extra,
        }),
      );
    else if (n > length.max)
      out.push(finding("length", item, `${quote(text, 40)} is long (${n} characters, more than ${length.max})`, { hint: "real users write this too; if it mixes several requests, keep the part that carries the intent", ...extra }));
  }
  if (item.raw !== undefined && CONTROL_WHITESPACE.test(item.raw)) {
    const names = invisibleChars(item.raw).filter((n) => WHITESPACE_NAMES.some((w) => n.startsWith(w)));
    out.push(
      finding("whitespace", item, `${quote(item.raw)} contains ${names.join(", ")}: uploaded and compared as ${quote(text)} (whitespace trimmed and collapsed)`, {
        hint: "nothing to do (the normalised text is what Cognigy gets); to silence it, replace the line break or tab with a space in the file",
        ...extra,
      }),
    );
  }
  const found = invisibleCodes(text);
  if (found.length)
    out.push(
      finding("invisible-chars", item, `${quote(text)} contains ${found.map(describe).join(", ")}`, {
        hint: "remove it: invisible and direction-changing characters make texts that look equal differ (or hide what they say)",
        severity: found.some(severe) ? "error" : "warning",
        ...extra,
      }),
    );
  if (MOJIBAKE.test(text)) {
    const fixed = fixMojibake(text);
    out.push(
      finding("mojibake", item, `${quote(text)} looks garbled (UTF-8 read as Latin-1/Windows-1252${text.includes("\ufffd") ? ", or a replacement character �" : ""})`, {
        hint: fixed ? `it probably should read ${quote(fixed)}` : "re-type the text, or re-export the source as UTF-8",
        ...extra,
      }),
    );
  }
}

/** `invisible-chars` for a name-like value (intent name, description, tag, expect) at its place; the characters shown as U+XXXX, never raw. */
function checkName(what: string, value: string, at: Location, intent: string, out: Finding[]): void {
  const names = invisibleChars(value);
  if (names.length)
    out.push(
      finding("invisible-chars", at, `${what} ${quote(value)} contains ${names.join(", ")}`, {
        hint: "remove it: the name looks like another one but is a different string (in Cognigy, in tests and in reports)",
        intent,
      }),
    );
}

function placeIn(file: string, at: Place | undefined, fallback: Location): Location {
  return at ? { file, line: at.line, column: at.column } : fallback;
}

/** `invisible-chars` for intent names, descriptions and tags, and test-set `expect` values. */
function nameFindings(view: FlowView, out: Finding[]): void {
  for (const intent of view.data.intents) {
    const at: Location = { file: intent.file, line: intent.line, column: intent.column };
    checkName("intent name", intent.name, at, intent.name, out);
    if (intent.description !== undefined) checkName("the description", intent.description, placeIn(intent.file, intent.descriptionAt, at), intent.name, out);
    for (const [i, tag] of intent.tags.entries()) checkName("tag", tag, placeIn(intent.file, intent.tagsAt?.[i], at), intent.name, out);
  }
  for (const t of view.data.tests)
    if (t.expect !== null) checkName("expected intent", t.expect, placeIn(t.file, t.expectAt, { file: t.file, line: t.line, column: t.column }), t.expect, out);
}

/** `length`, `invisible-chars` and `mojibake` for every example and test; `invisible-chars` for names (see nameFindings). */
export function textFindings(view: FlowView, length: ChecksConfig["length"]): Finding[] {
  const out: Finding[] = [];
  for (const items of view.examples.values()) for (const item of items) checkItem(item, length, out);
  for (const items of view.tests.values()) for (const item of items) checkItem(item, length, out);
  nameFindings(view, out);
  return out;
}
