// How utterances and places appear in finding messages: PII masked, invisible characters escaped, long texts cut.
import { maskPii } from "./pii.js";
import type { Location } from "./types.js";

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** An utterance as shown in a message: PII masked, control and invisible characters as \uXXXX, at most `max` characters. */
export function quote(text: string, max = 80): string {
  let s = maskPii(text).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return `"${s}"`;
}

/** "file:line" of a location, for messages. */
export function where(at: Location): string {
  return at.line > 0 ? `${at.file}:${at.line}` : at.file;
}
