// PII detection and masking (e-mail, phone, payment card, IBAN, IP address, long digit runs) and the `pii` check.
//
// What counts as PII (the detectors, earliest wins an overlap):
//   email   local@domain.tld                                       -> j***@e***.com
//   iban    2 letters + 2 check digits + 11..30 chars, mod-97 valid -> DE** **** **** 00
//   card    13..19 digits, single spaces/dashes allowed, Luhn-valid -> **** **** **** 1111
//   ip      a valid IPv4 / IPv6 address                            -> ***.***.***.***
//   phone   7..15 digits with an international/trunk prefix (+, 00, 0, "(0") or in separated groups -> last 2 digits kept
//   digits  a bare run of 9+ digits                                 -> last 2 digits kept
//
// What does not (the false positives the tool's own output is full of). For card, ip, phone and digits:
//   1. Token rule: the match must not touch a letter, digit or "_" on either side, nor continue a dotted number
//      ("3.141592653589", "1.2.3.4567890"). So digit runs inside hex digests, Mongo ObjectIds, commit SHAs,
//      "g1a2b3c4", "v1.2.3.4", "20261123T104025", "123ms" never qualify.
//   2. Machine values are walls: a candidate starting inside one of these spans is dropped (the scan goes on just after
//      its start), one running into one is cut before it and judged again ("on 12.05.2024 0176 1234567" still finds the
//      phone number):
//      - SHA-256 / SHA-1 (git commit): 64 or 40 hex characters as a whole token (never masked, even all digits; other
//        all-digit "hex" such as a 24-digit ObjectId look like any long number and stay PII);
//      - UUID: 8-4-4-4-12 hex as a whole token;
//      - compact timestamp: a whole token YYYYMMDD[T]HHmm[ss][Z] (12 or 14 digits, "T" optional) that is a real date
//        and time in 2000-2099 ("...-backup-demo-20261123104025"); other 12-14 digit runs stay PII;
//      - date (with an optional time and zone): YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, DD.MM.YYYY, MM/DD/YYYY, ... with a real
//        calendar date in 1900-2099 ("2025-01-31T12:34:56.789Z", "12.05.2024 19:30");
//      - version: [v]MAJOR.MINOR.PATCH[-pre|+build] with MAJOR 0-99 or 2000-2099 (calver), MINOR of 1-3 digits, exactly
//        three parts ("1.2.3", "2024.11.1234567"); "555.123.4567" (MAJOR 555) stays a phone, "1.2.3.4" stays an IP;
//      - quantity: a lone number followed by a unit of time, size or percent ("123456789 ms", "2048 MiB", "12 %").
//   3. URL hosts: a loopback, private or unspecified address (127.0.0.0/8, 10/8, 172.16/12, 192.168/16, 0.0.0.0, ::1, ::,
//      fc00::/7, IPv4-mapped forms of these) is not PII when it is the host of an http(s) URL ("http://127.0.0.1:46147",
//      "http://[::1]:8080"). A loopback address (127.0.0.0/8, ::1) is not PII anywhere ("ECONNREFUSED 127.0.0.1:29999").
//      Other private addresses in prose, or a public address in a URL, are still masked.
//   4. Allow-list: callers may pass literal strings known not to be PII (`{ allow }`); a match lying entirely inside an
//      occurrence of one is dropped (one straddling its edge is still masked).
// Not exempt (ambiguous with phone numbers): epoch seconds/milliseconds, 13-digit runs, plain long numbers.
//
// maskPii repeats the scan until nothing is found (at most a few passes), so masking is idempotent:
// maskPii(maskPii(s)) === maskPii(s).
import { BlockList, isIPv6 } from "node:net";
import { finding } from "./finding.js";
import type { Finding } from "./types.js";
import type { FlowView, Item } from "./view.js";

export type PiiKind = "email" | "phone" | "card" | "iban" | "ip" | "digits";

export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
  /** The matched text masked, e.g. j***@e***.com */
  masked: string;
}

export interface PiiOptions {
  /** Literal strings known not to be PII (a configured URL, a generated name): matches lying inside one are dropped. */
  allow?: Iterable<string>;
}

const KIND_NAMES: Record<PiiKind, string> = {
  email: "an e-mail address",
  phone: "a phone number",
  card: "a payment card number",
  iban: "an IBAN",
  ip: "an IP address",
  digits: "a long number",
};

/** Cheap pre-filter: every detector needs a digit, an @ or a colon. */
const MAYBE = /[0-9@:]/;

// Every detector's match has a bounded length (the local part 1..64 starting at a token edge, labels 1..63, at most
// 8 dots): the scan is linear in the text whatever it holds (an unbounded `[…]+@` read to the end of a 200 KB run of
// digits from every start position, which was quadratic).
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z])/g;
const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?\b/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g;
const IPV6 = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])/g;
const PHONE = /(?<![\w+])(?:\+|00)?\(?\d[\d ()./-]{5,22}\d(?![\w])/g;
const DIGITS = /(?<!\d)\d{9,}(?!\d)/g;

// ---- machine values (rule 2) ----

/** A letter, digit or underscore: what makes two pieces one token. */
const WORD = /[\p{L}\p{N}_]/u;
const DIGEST = /(?<![\p{L}\p{N}_])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40})(?![\p{L}\p{N}_])/gu;
const UUID = /(?<![\p{L}\p{N}_])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\p{L}\p{N}_-])/gu;
const COMPACT_TS = /(?<![\p{L}\p{N}_])(20\d\d)(\d\d)(\d\d)T?(\d\d)(\d\d)(\d\d)?Z?(?![\p{L}\p{N}_])/gu;
const TIME = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?`;
const DATE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_./-])(?:(\d{4})([./-])(\d{1,2})\2(\d{1,2})|(\d{1,2})([./-])(\d{1,2})\6(\d{4}))${TIME}(?![\p{L}\p{N}_]|[./-]\d)`,
  "gu",
);
const VERSION = /(?<![\p{L}\p{N}_.])[vV]?(?:0|[1-9]\d?|20\d\d)\.\d{1,3}\.\d{1,8}(?:[-+][A-Za-z][0-9A-Za-z.-]*)?(?![\p{L}\p{N}_]|\.\d)/gu;
const QUANTITY =
  /(?<![\p{L}\p{N}_.,+()/-])(?<!\d )\d+(?:[.,]\d+)?\s?(?:ns|µs|us|ms|s|secs?|seconds?|min|mins|minutes?|h|hrs?|hours?|days?|B|bytes?|[kKMGT]i?B|%)(?![\p{L}\p{N}_])/gu;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function realDate(y: number, m: number, d: number, from: number): boolean {
  return y >= from && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

type Span = { start: number; end: number };

const MACHINE: { re: RegExp; ok?: (m: RegExpExecArray) => boolean }[] = [
  { re: DIGEST },
  { re: UUID },
  {
    re: COMPACT_TS,
    ok: (m) => realDate(+m[1], +m[2], +m[3], 2000) && +m[4] <= 23 && +m[5] <= 59 && (m[6] === undefined || +m[6] <= 59),
  },
  {
    re: DATE,
    ok: (m) => (m[1] ? realDate(+m[1], +m[3], +m[4], 1900) : realDate(+m[8], +m[7], +m[5], 1900) || realDate(+m[8], +m[5], +m[7], 1900)),
  },
  { re: VERSION },
  { re: QUANTITY },
];

// ---- IP addresses as URL hosts (rule 3) ----

const LOCAL_IPS = new BlockList();
LOCAL_IPS.addSubnet("127.0.0.0", 8, "ipv4");
LOCAL_IPS.addSubnet("10.0.0.0", 8, "ipv4");
LOCAL_IPS.addSubnet("172.16.0.0", 12, "ipv4");
LOCAL_IPS.addSubnet("192.168.0.0", 16, "ipv4");
LOCAL_IPS.addAddress("0.0.0.0", "ipv4");
LOCAL_IPS.addAddress("::1", "ipv6");
LOCAL_IPS.addAddress("::", "ipv6");
LOCAL_IPS.addSubnet("fc00::", 7, "ipv6");

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

// Own copies: machineSpans may run while findPii is iterating the detectors' IPV4 / IPV6.
const URL_IPV4 = new RegExp(IPV4.source, "g");
const URL_IPV6 = new RegExp(IPV6.source, "g");
const URL_BEFORE_V4 = /https?:\/\/(?:[^\s/?#@[\]]*@)?$/i;
const URL_BEFORE_V6 = /https?:\/\/(?:[^\s/?#@[\]]*@)?\[$/i;

function localUrlHost(text: string, start: number, end: number, family: "ipv4" | "ipv6"): boolean {
  const before = text.slice(Math.max(0, start - 256), start);
  if (!(family === "ipv4" ? URL_BEFORE_V4 : URL_BEFORE_V6).test(before)) return false;
  const after = text[end];
  if (family === "ipv6" ? after !== "]" : after !== undefined && /[\w-]/.test(after)) return false;
  try {
    return LOCAL_IPS.check(text.slice(start, end), family);
  } catch {
    return false;
  }
}

/** Rules 2 and 3: spans of machine values and of local IPs that are http(s) URL hosts. */
function machineSpans(text: string): Span[] {
  const out: Span[] = [];
  for (const { re, ok } of MACHINE) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) if (!ok || ok(m)) out.push({ start: m.index, end: m.index + m[0].length });
  }
  // Local URL hosts (after "://"), and loopback addresses (127.0.0.0/8, ::1) wherever they appear: nobody's personal
  // data ("ECONNREFUSED 127.0.0.1:29999").
  const urls = text.includes("://");
  for (const [re, family] of [
    [URL_IPV4, "ipv4"],
    [URL_IPV6, "ipv6"],
  ] as const) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const end = m.index + m[0].length;
      if ((urls && localUrlHost(text, m.index, end, family)) || isLoopback(m[0], family)) out.push({ start: m.index, end });
    }
  }
  return out;
}

function isLoopback(address: string, family: "ipv4" | "ipv6"): boolean {
  try {
    return LOOPBACK.check(address, family);
  } catch {
    return false; // not an address
  }
}

// ---- validation and masking ----

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: rearranged, letters as numbers, mod 97 = 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    if (c >= 65) rem = (rem * 100 + (c - 55)) % 97;
    else rem = (rem * 10 + (c - 48)) % 97;
  }
  return rem === 1;
}

function maskEmail(s: string): string {
  const at = s.indexOf("@");
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  return `${local[0]}***@${domain[0]}***${domain.slice(dot)}`;
}

/** Masks every digit but the last `keep` ones, keeping separators. */
function maskDigits(s: string, keep: number): string {
  let left = 0;
  for (const c of s) if (c >= "0" && c <= "9") left++;
  let out = "";
  for (const c of s) {
    if (c >= "0" && c <= "9") {
      out += left > keep ? "*" : c;
      left--;
    } else out += c;
  }
  return out;
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function looksLikePhone(s: string): boolean {
  const n = digitCount(s);
  if (n < 7 || n > 15) return false;
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(s)) return false; // a date
  if (/^\d{1,3}(?:[.,]\d{3})+$/.test(s) || /^\d+\.\d+$/.test(s)) return false; // an amount
  if ((s.match(/\(/g)?.length ?? 0) !== (s.match(/\)/g)?.length ?? 0)) return false;
  // International or trunk prefix, or digits in separated groups (a bare run is left to `digits`).
  return /^(?:\+|00|\(?0)/.test(s) || /\d[ ()./-]+\d/.test(s);
}

/** Rule 1: the match touches a letter, digit or "_", or continues a dotted number. */
function glued(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (before !== undefined && WORD.test(before)) return true;
  if (after !== undefined && WORD.test(after)) return true;
  if (before === "." && /\d/.test(text[start - 2] ?? "")) return true;
  if (after === "." && /\d/.test(text[end + 1] ?? "")) return true;
  return false;
}

type Accepted = { end?: number; masked: string };
type Detector = {
  kind: PiiKind;
  re: RegExp;
  /** Subject to rules 1 and 2 (token and machine values). */
  numeric: boolean;
  accept: (m: string) => Accepted | undefined;
};

const DETECTORS: Detector[] = [
  { kind: "email", re: EMAIL, numeric: false, accept: (m) => ({ masked: maskEmail(m) }) },
  {
    kind: "iban",
    re: IBAN,
    numeric: false,
    accept: (m) => {
      // Longest valid prefix (a following word may have been swallowed as a group).
      for (let end = m.length; end >= 15; end--) {
        const part = m.slice(0, end);
        if (/\s$/.test(part)) continue;
        const compact = part.replace(/ /g, "");
        if (compact.length >= 15 && ibanValid(compact)) return { end, masked: `${compact.slice(0, 2).toUpperCase()}** **** ${"*".repeat(4)} ${compact.slice(-2)}` };
      }
      return undefined;
    },
  },
  {
    kind: "card",
    re: CARD,
    numeric: true,
    accept: (m) => {
      // Longest Luhn-valid prefix ending at a group boundary (a following number may have been swallowed as a group).
      for (let end = m.length; end > 0; end--) {
        if (end < m.length && !/[ -]/.test(m[end])) continue;
        const d = m.slice(0, end).replace(/[ -]/g, "");
        if (d.length < 13) break;
        if (d.length <= 19 && /\d$/.test(m.slice(0, end)) && luhn(d)) return { end, masked: `**** **** **** ${d.slice(-4)}` };
      }
      return undefined;
    },
  },
  {
    kind: "ip",
    re: IPV4,
    numeric: true,
    accept: () => ({ masked: "***.***.***.***" }),
  },
  {
    kind: "ip",
    re: IPV6,
    numeric: true,
    accept: (m) => (/[0-9A-Fa-f]/.test(m) && isIPv6(m) ? { masked: m.replace(/[0-9A-Fa-f]/g, "*") } : undefined),
  },
  { kind: "phone", re: PHONE, numeric: true, accept: (m) => (looksLikePhone(m.trim()) ? { masked: maskDigits(m, 2) } : undefined) },
  { kind: "digits", re: DIGITS, numeric: true, accept: (m) => ({ masked: maskDigits(m, 2) }) },
];

function allowSpans(text: string, allow: Iterable<string> | undefined): Span[] {
  const out: Span[] = [];
  if (!allow) return out;
  for (const a of allow) {
    if (typeof a !== "string" || a.length === 0) continue;
    for (let i = text.indexOf(a); i >= 0; i = text.indexOf(a, i + 1)) out.push({ start: i, end: i + a.length });
  }
  return out;
}

/** Spans sorted by start with the running maximum of their ends: overlap and containment queries in O(log n). */
class SpanIndex {
  private readonly starts: number[];
  private readonly maxEnd: number[];
  constructor(spans: Span[]) {
    spans.sort((a, b) => a.start - b.start);
    this.starts = spans.map((x) => x.start);
    let max = -1;
    this.maxEnd = spans.map((x) => (max = Math.max(max, x.end)));
  }
  /** Index of the last span starting before `pos` (or at it, with `inclusive`); -1 when none. */
  private lastBefore(pos: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < pos || (inclusive && this.starts[mid] === pos)) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at;
  }
  /** The smallest start of a span overlapping [s, e), if any. */
  firstOverlap(s: number, e: number): number | undefined {
    const last = this.lastBefore(e, false);
    if (last < 0 || this.maxEnd[last] <= s) return undefined;
    // The first index whose running max end passes s is itself a span ending after s.
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.maxEnd[mid] > s) hi = mid;
      else lo = mid + 1;
    }
    return this.starts[lo];
  }
  /** True when one span holds all of [s, e). */
  contains(s: number, e: number): boolean {
    const last = this.lastBefore(s, true);
    return last >= 0 && this.maxEnd[last] >= e;
  }
}

/** Every PII match in `text`, non-overlapping, by position (earlier detectors win overlaps). See the rules at the top. */
export function findPii(text: string, opts?: PiiOptions): PiiMatch[] {
  if (!MAYBE.test(text)) return [];
  const found: PiiMatch[] = [];
  let machine: SpanIndex | undefined;
  let allowed: SpanIndex | undefined;
  for (const d of DETECTORS) {
    // Overlap with an earlier detector's match: one index per detector (O(log n) a query, never a scan of all matches);
    // this detector's own matches only move forward, so comparing with its last one is enough.
    let prior: SpanIndex | undefined;
    const priorCount = found.length;
    let lastEnd = -1;
    const re = d.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      let candidate = m[0];
      if (d.numeric) {
        // Rule 2: a machine value is a wall. One at the start: look again just after it; one further on: cut before it.
        machine ??= new SpanIndex(machineSpans(text));
        const wall = machine.firstOverlap(start, start + candidate.length);
        if (wall !== undefined) {
          re.lastIndex = wall <= start ? start + 1 : wall;
          if (wall <= start) continue;
          candidate = candidate.slice(0, wall - start).replace(/\D+$/, "");
          if (candidate.length === 0) continue;
        }
      }
      const r = d.accept(candidate);
      if (!r) continue;
      const end = start + (r.end ?? candidate.length);
      allowed ??= new SpanIndex(allowSpans(text, typeof opts === "object" ? opts?.allow : undefined));
      if (allowed.contains(start, end) || start < lastEnd || (priorCount > 0 && (prior ??= new SpanIndex(found.slice(0, priorCount).map((f) => ({ start: f.start, end: f.end })))).firstOverlap(start, end) !== undefined) || (d.numeric && glued(text, start, end))) {
        // Not PII here: look again just after this start (a real number may follow a card or a dotted number).
        re.lastIndex = start + 1;
        continue;
      }
      found.push({ kind: d.kind, start, end, masked: r.masked });
      lastEnd = end;
      re.lastIndex = Math.max(re.lastIndex, end);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function maskOnce(text: string, opts?: PiiOptions): string {
  const matches = findPii(text, opts);
  if (matches.length === 0) return text;
  let out = "";
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + m.masked;
    at = m.end;
  }
  return out + text.slice(at);
}

/** Masking passes before giving up on a fixed point (each pass after the first only sees what masking left). */
const MAX_PASSES = 6;

/** The text with every PII match replaced by its masked form; idempotent (masks until nothing more is found). */
export function maskPii(text: string, opts?: PiiOptions): string {
  let out = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = maskOnce(out, opts);
    if (next === out) return out;
    out = next;
  }
  return out;
}

/** The kinds a pii finding is an error for (by default): e-mail addresses, Luhn-valid card numbers, mod-97-valid IBANs. */
const CERTAIN_KINDS: ReadonlySet<PiiKind> = new Set<PiiKind>(["email", "card", "iban"]);

function check(item: Item, out: Finding[]): void {
  const matches = findPii(item.text);
  if (matches.length === 0) return;
  const kinds = [...new Set(matches.map((m) => KIND_NAMES[m.kind]))];
  // Checksummed or unambiguous kinds are personal data for sure; phone numbers, IP addresses and digit runs are
  // patterns that order numbers, times and versions match too (docs/checks.md): a warning.
  const certain = matches.some((m) => CERTAIN_KINDS.has(m.kind));
  out.push(
    finding("pii", item, `contains ${kinds.join(" and ")}: ${matches.map((m) => m.masked).join(", ")}`, {
      severity: certain ? "error" : "warning",
      hint: "training data is stored in git and uploaded to Cognigy: replace it with an obviously invented value or a placeholder word",
      intent: item.intent ?? undefined,
      locale: item.locale,
    }),
  );
}

/** `pii`: one finding per utterance (examples and tests) holding personal data, shown masked. */
export function piiFindings(view: FlowView): Finding[] {
  const out: Finding[] = [];
  for (const items of view.examples.values()) for (const item of items) check(item, out);
  for (const items of view.tests.values()) for (const item of items) check(item, out);
  return out;
}
