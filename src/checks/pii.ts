// TODO(issue 3): PII detection and masking. Placeholder API: the real detectors replace this body.

export type PiiKind = "email" | "phone" | "card" | "iban" | "ip" | "digits";

export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
  /** The matched text masked, e.g. j***@e***.com */
  masked: string;
}

export function findPii(_text: string): PiiMatch[] {
  return [];
}

/** The text with every PII match replaced by its masked form. */
export function maskPii(text: string): string {
  let out = "";
  let at = 0;
  for (const m of findPii(text)) {
    out += text.slice(at, m.start) + m.masked;
    at = m.end;
  }
  return out + text.slice(at);
}
