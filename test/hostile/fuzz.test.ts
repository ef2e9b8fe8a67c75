// Property-based: random YAML (token soup, mutated real files, random values) never crashes the loader or the config reader.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { RULE_IDS } from "../../src/config/schema.js";
import { loadConfig } from "../../src/config/load.js";
import { parseIntentFile, parseTestsFile } from "../../src/dataset/parse.js";
import { parseYaml } from "../../src/dataset/yaml.js";
import { ConfigError } from "../../src/errors.js";
import { FULL } from "../reliability/dist.js";
import { BASE_CONFIG } from "./corpus.js";

const RUNS = FULL ? 10_000 : 250;
const FLOW = { locales: { "en-US": "en-US", "de-DE": "de-DE" }, defaultLocale: "en-US" };
const RULES = new Set<string>(RULE_IDS);

/** Pieces YAML parsers trip over, and the keys our schema knows. */
const TOKENS = [
  "intent", "examples", "tests", "tags", "description", "disabled", "reject", "text", "expect", "locale", "en-US", "de-DE",
  "__proto__", "constructor", "prototype", "<<", ":", ": ", "- ", "-", "?", "? ", ",", "[", "]", "{", "}", "&a ", "*a", "&b ", "*b",
  "!!str ", "!!map ", "!!binary ", "!foo ", "|", ">", "|-", ">+", "'", '"', "\\", "\\u", "\\x", "#", " #", "%YAML 1.2", "%TAG ! x", "---", "...",
  "\n", "\n  ", "\n    ", "\n- ", "\n  - ", "\t", " ", "  ", "\r\n", "\r", "~", "null", "true", "no", "0x1F", "1e400", ".inf", "-.5",
  "\u200b", "\u202e", "\u2066", "\ufeff", "\u0000", "\u0007", "\u00e9", "Ã¶", "😀", "\ud800", "pizza", "hello there",
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((t) => t.join(""));

/** A valid intent file, then random edits (insert a token, delete a range, duplicate a line). */
const validIntent = fc
  .record({
    intent: fc.string({ minLength: 1, maxLength: 20 }),
    examples: fc.array(fc.string({ maxLength: 30 }), { maxLength: 6 }),
    tests: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
  })
  .map((o) => stringify(o));
const edit = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("dupline" as const), at: fc.nat() }),
);
const mutated = fc.tuple(validIntent, fc.array(edit, { minLength: 1, maxLength: 6 })).map(([text, edits]) => {
  let s = text;
  for (const e of edits) {
    const at = s.length ? e.at % (s.length + 1) : 0;
    if (e.kind === "insert") s = s.slice(0, at) + e.text + s.slice(at);
    else if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + e.len);
    else {
      const lines = s.split("\n");
      const i = lines.length ? e.at % lines.length : 0;
      lines.splice(i, 0, lines[i] ?? "");
      s = lines.join("\n");
    }
  }
  return s;
});
/** Arbitrary values (any shape, any key, incl. __proto__) written as YAML. */
const randomValue = fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 4 }).map((v) => {
  try {
    return stringify(v) ?? "";
  } catch {
    return typeof v === "symbol" ? v.toString() : String(v);
  }
});
const fullUnicode = fc.string({ unit: "binary", maxLength: 200 });
const anyYaml = fc.oneof(tokenSoup, mutated, randomValue, fullUnicode);

function checkFindings(findings: { rule: string; file: string; line: number; column: number; message: string }[], file: string): void {
  for (const f of findings) {
    expect(RULES.has(f.rule), `unknown rule ${f.rule}`).toBe(true);
    expect(f.file).toBe(file);
    expect(Number.isInteger(f.line) && f.line >= 0).toBe(true);
    expect(Number.isInteger(f.column) && f.column >= 0).toBe(true);
    expect(f.message.length).toBeGreaterThan(0);
  }
}

const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));
const dir = mkdtempSync(join(tmpdir(), "cnlu-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("random YAML never crashes the loader", () => {
  it(`intent files, test sets and the raw reader (${RUNS} runs each)`, () => {
    fc.assert(
      fc.property(anyYaml, (text) => {
        const a = parseIntentFile(text, "intents/x.yml", FLOW);
        checkFindings(a.findings, "intents/x.yml");
        if (a.intent) {
          expect(typeof a.intent.name).toBe("string");
          for (const list of Object.values(a.intent.examples)) for (const u of list) expect(typeof u.text).toBe("string");
        }
        const b = parseTestsFile(text, "tests/x.yml", FLOW);
        checkFindings(b.findings, "tests/x.yml");
        for (const t of b.tests) expect(t.expect === null || typeof t.expect === "string").toBe(true);
        // the fast reader and the full parser agree on whether the file is usable
        const fast = parseYaml(text, "y.yml");
        const slow = parseYaml(text, "y.yml", { fast: false });
        expect(Boolean(fast.root), "fast and full reader disagree on usability").toBe(Boolean(slow.root));
        expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k))).toEqual([]);
      }),
      { numRuns: RUNS, seed: FULL ? undefined : 20240601 },
    );
  });

  it(`cognigy-nlu.yml: only ConfigError, always naming the file (${Math.ceil(RUNS / 2)} runs)`, () => {
    const path = join(dir, "cognigy-nlu.yml");
    const configLike = fc.oneof(
      anyYaml,
      fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(([at, t]) => {
        const i = at % (BASE_CONFIG.length + 1);
        return BASE_CONFIG.slice(0, i) + t + BASE_CONFIG.slice(i);
      }),
    );
    fc.assert(
      fc.property(configLike, (text) => {
        writeFileSync(path, text);
        try {
          loadConfig(path, dir);
        } catch (e) {
          expect(e, String((e as Error)?.stack)).toBeInstanceOf(ConfigError);
          expect((e as Error).message).toMatch(/cognigy-nlu\.yml/);
        }
        expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k))).toEqual([]);
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: FULL ? undefined : 20240602 },
    );
  });
});
