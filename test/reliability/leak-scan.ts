// Leak scanner: searches strings, files and folders (zip / gzip / .csnap contents included) for secrets and PII in every
// common encoding — raw, URL-encoded, JSON-escaped, HTML-escaped, hex and base64 at any byte alignment.
//
// Reusable by any e2e test:
//   const scan = new LeakScanner([{ name: "api key", value: KEY }, { name: "pii", value: "jane@example.org" }]);
//   scan.addText("stdout", run.stdout); scan.addPath(outDir); scan.addText("emulator", JSON.stringify(emu.requestLog));
//   expect(scan.report()).toEqual([]);   // one line per hit: needle name, encoding, where, offset
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, inflateRawSync } from "node:zlib";
import { zipEntries } from "../../src/action/unzip.js";

export interface Needle {
  /** What it is (printed in reports instead of the value). */
  name: string;
  value: string;
}

export interface LeakHit {
  needle: string;
  /** Which encoding matched: raw, url, url-form, json, html, hex, base64, base64url. */
  encoding: string;
  where: string;
  offset: number;
}

interface Form {
  encoding: string;
  bytes: Buffer;
  /** Compare case-insensitively (hex). */
  fold?: boolean;
}

/** Shortest encoded form worth searching (shorter ones match by chance). */
const MIN_FORM = 6;

/** The base64 text every embedding of `raw` contains, whatever its offset modulo 3 (the fully determined groups). */
export function base64Cores(raw: Buffer, alphabet: "base64" | "base64url"): string[] {
  const out = new Set<string>();
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), raw]);
    const enc = padded.toString("base64").replace(/=+$/, "");
    const start = Math.ceil(shift / 3) * 3; // first group boundary at or after the needle's start
    const end = Math.floor((shift + raw.length) / 3) * 3; // last group boundary at or before its end
    if (end - start < 3) continue;
    let core = enc.slice((start / 3) * 4, (end / 3) * 4);
    if (alphabet === "base64url") core = core.replace(/\+/g, "-").replace(/\//g, "_");
    out.add(core);
  }
  return [...out];
}

/** Every encoded form of a needle the scanner looks for. */
export function encodedForms(value: string): Form[] {
  const raw = Buffer.from(value, "utf8");
  const forms: Form[] = [{ encoding: "raw", bytes: raw }];
  const add = (encoding: string, s: string, fold = false) => {
    const bytes = Buffer.from(s, "utf8");
    if (bytes.length >= MIN_FORM && !forms.some((f) => f.bytes.equals(bytes))) forms.push({ encoding, bytes, fold });
  };
  add("url", encodeURIComponent(value));
  add("url-form", new URLSearchParams({ x: value }).toString().slice(2));
  add("json", JSON.stringify(value).slice(1, -1));
  add("json-ascii", JSON.stringify(value).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  add("html", value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;"));
  add("hex", raw.toString("hex"), true);
  for (const core of base64Cores(raw, "base64")) add("base64", core);
  for (const core of base64Cores(raw, "base64url")) add("base64url", core);
  return forms;
}

function indexOfFolded(hay: Buffer, needle: Buffer): number {
  return hay.toString("latin1").toLowerCase().indexOf(needle.toString("latin1").toLowerCase());
}

/** Nested containers: zip entries, gzip members (also inside .csnap packages). Bounded depth and size. */
function* expand(buf: Buffer, where: string, depth = 0): Generator<{ where: string; buf: Buffer }> {
  yield { where, buf };
  if (depth >= 3) return;
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) {
    try {
      for (const e of zipEntries(buf)) {
        const nameLen = buf.readUInt16LE(e.offset + 26);
        const extraLen = buf.readUInt16LE(e.offset + 28);
        const data = buf.subarray(e.offset + 30 + nameLen + extraLen, e.offset + 30 + nameLen + extraLen + e.compressedSize);
        const inner = e.method === 8 ? inflateRawSync(data) : data;
        yield* expand(inner, `${where}!${e.name}`, depth + 1);
      }
    } catch {
      // not a readable zip: scanned raw above
    }
  }
  // gzip members anywhere in the first 64 kB (a .csnap has a header line first)
  const limit = Math.min(buf.length - 3, 64 * 1024);
  for (let i = 0; i < limit; i++) {
    if (buf[i] !== 0x1f || buf[i + 1] !== 0x8b || buf[i + 2] !== 0x08) continue;
    let inner: Buffer | undefined;
    try {
      inner = gunzipSync(buf.subarray(i));
    } catch {
      // trailing data after the member (padding): inflate the deflate stream after a plain 10-byte header
      try {
        if (buf[i + 3] === 0) inner = inflateRawSync(buf.subarray(i + 10));
      } catch {
        // not gzip after all
      }
    }
    if (inner) yield* expand(inner, `${where}@gz${i}`, depth + 1);
  }
}

export class LeakScanner {
  private readonly needles: { name: string; forms: Form[] }[];
  private readonly found: LeakHit[] = [];
  /** Bytes looked at (after unpacking), and the sources, for "the scan was not vacuous" assertions. */
  bytesScanned = 0;
  readonly sources: string[] = [];

  constructor(needles: (Needle | string)[]) {
    this.needles = needles
      .map((n) => (typeof n === "string" ? { name: `${n.slice(0, 4)}…`, value: n } : n))
      .filter((n) => n.value.length > 0)
      .map((n) => ({ name: n.name, forms: encodedForms(n.value) }));
  }

  /** Scans a string or bytes. */
  addText(where: string, text: string | Buffer): this {
    this.sources.push(where);
    const buf = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    for (const part of expand(buf, where)) {
      this.bytesScanned += part.buf.length;
      for (const n of this.needles) {
        for (const f of n.forms) {
          const at = f.fold ? indexOfFolded(part.buf, f.bytes) : part.buf.indexOf(f.bytes);
          if (at >= 0) this.found.push({ needle: n.name, encoding: f.encoding, where: part.where, offset: at });
        }
      }
    }
    return this;
  }

  /** Scans a file, or every file under a folder (symlinks not followed). */
  addPath(path: string, label = path): this {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return this;
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) this.addPath(join(path, name), `${label}/${name}`);
    } else if (st.isFile()) this.addText(label, readFileSync(path));
    return this;
  }

  hits(): LeakHit[] {
    return [...this.found];
  }

  /** One line per hit, never the secret itself: `api key (base64) in out/report.json @123`. */
  report(): string[] {
    return this.found.map((h) => `${h.needle} (${h.encoding}) in ${h.where} @${h.offset}`);
  }
}

/** One-shot: scan strings and paths for needles; returns the report lines (empty = clean). */
export function scanForLeaks(needles: (Needle | string)[], sources: { texts?: Record<string, string | Buffer>; paths?: string[] }): string[] {
  const s = new LeakScanner(needles);
  for (const [where, text] of Object.entries(sources.texts ?? {})) s.addText(where, text);
  for (const p of sources.paths ?? []) s.addPath(p);
  return s.report();
}
