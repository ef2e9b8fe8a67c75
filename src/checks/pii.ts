// PII detection and masking (e-mail, phone, payment card, IBAN, IP address, long digit runs) and the `pii` check.
import { isIPv6 } from "node:net";
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

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?\b/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g;
const IPV6 = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])/g;
const PHONE = /(?<![\w+])(?:\+|00)?\(?\d[\d ()./-]{5,22}\d(?![\w])/g;
const DIGITS = /\d{9,}/g;

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

type Detector = { kind: PiiKind; re: RegExp; accept?: (m: string) => { end?: number; masked: string } | undefined };

const DETECTORS: Detector[] = [
  { kind: "email", re: EMAIL, accept: (m) => ({ masked: maskEmail(m) }) },
  {
    kind: "iban",
    re: IBAN,
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
    accept: (m) => {
      const d = m.replace(/[ -]/g, "");
      return d.length >= 13 && d.length <= 19 && luhn(d) ? { masked: `**** **** **** ${d.slice(-4)}` } : undefined;
    },
  },
  { kind: "ip", re: IPV4, accept: () => ({ masked: "***.***.***.***" }) },
  {
    kind: "ip",
    re: IPV6,
    accept: (m) => (/[0-9A-Fa-f]/.test(m) && isIPv6(m) ? { masked: m.replace(/[0-9A-Fa-f]/g, "*") } : undefined),
  },
  { kind: "phone", re: PHONE, accept: (m) => (looksLikePhone(m.trim()) ? { masked: maskDigits(m, 2) } : undefined) },
  { kind: "digits", re: DIGITS, accept: (m) => ({ masked: maskDigits(m, 2) }) },
];

/** Every PII match in `text`, non-overlapping, by position (earlier detectors win overlaps). */
export function findPii(text: string): PiiMatch[] {
  if (!MAYBE.test(text)) return [];
  const found: PiiMatch[] = [];
  const overlaps = (s: number, e: number) => found.some((f) => s < f.end && e > f.start);
  for (const d of DETECTORS) {
    d.re.lastIndex = 0;
    for (let m = d.re.exec(text); m; m = d.re.exec(text)) {
      const r = d.accept ? d.accept(m[0]) : { masked: "***" };
      if (!r) continue;
      const start = m.index;
      const end = start + (r.end ?? m[0].length);
      if (!overlaps(start, end)) found.push({ kind: d.kind, start, end, masked: r.masked });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The text with every PII match replaced by its masked form. */
export function maskPii(text: string): string {
  const matches = findPii(text);
  if (matches.length === 0) return text;
  let out = "";
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + m.masked;
    at = m.end;
  }
  return out + text.slice(at);
}

function check(item: Item, out: Finding[]): void {
  const matches = findPii(item.text);
  if (matches.length === 0) return;
  const kinds = [...new Set(matches.map((m) => KIND_NAMES[m.kind]))];
  out.push(
    finding("pii", item, `contains ${kinds.join(" and ")}: ${matches.map((m) => m.masked).join(", ")}`, {
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
