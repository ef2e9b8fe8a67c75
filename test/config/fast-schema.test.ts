// The zod-free fast path (src/config/fast-schema.ts) against zod itself: whatever the fast path accepts, zod accepts
// with the same output (JSON-identical, key order included); and every zod refinement, trim and format is known to it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_TRIMMED, defaultGate, fastConfig, plainHttpUrl } from "../../src/config/fast-config.js";
import { fastParse, type JsonSchema } from "../../src/config/fast-schema.js";
import { configSchema, gateSchema } from "../../src/config/schema.js";
import { INTENT_TRIMMED, fastIntentFile, fastTestsFile } from "../../src/dataset/fast-shape.js";
import { INTENT_KEYS, intentFileSchema, TEST_CASE_KEYS, testsFileSchema } from "../../src/dataset/schema.js";

interface Check {
  _zod: { def: { check: string; format?: string; pattern?: RegExp } };
}
interface Def {
  type: string;
  checks?: Check[];
  format?: string;
  shape?: Record<string, Zod>;
  element?: Zod;
  keyType?: Zod;
  valueType?: Zod;
  options?: Zod[];
  innerType?: Zod;
}
type Zod = { _zod: { def: Def } };
interface Found {
  path: string;
  kind: string;
  detail?: string;
}

/** Every check in a zod schema with its data path ("flows.*.name"): refinements (custom), trims (overwrite), formats. */
function walk(s: Zod, path: string, out: Found[] = []): Found[] {
  const d = s._zod.def;
  for (const c of d.checks ?? []) {
    const cd = c._zod.def;
    out.push({ path, kind: cd.check, detail: cd.format === "regex" ? `regex/${cd.pattern?.flags}` : cd.format });
  }
  if (d.format) out.push({ path, kind: "format", detail: d.format });
  const at = (k: string) => (path ? `${path}.${k}` : k);
  switch (d.type) {
    case "object":
      for (const [k, v] of Object.entries(d.shape ?? {})) walk(v, at(k), out);
      break;
    case "array":
      if (d.element) walk(d.element, at("*"), out);
      break;
    case "record":
      if (d.keyType) walk(d.keyType, at("*"), out);
      if (d.valueType) walk(d.valueType, at("*"), out);
      break;
    case "union":
      for (const o of d.options ?? []) walk(o, path, out);
      break;
    case "default":
    case "optional":
    case "nullable":
      if (d.innerType) walk(d.innerType, path, out);
      break;
    case "string":
    case "number":
    case "boolean":
    case "literal":
    case "enum":
    case "null":
      break;
    default:
      out.push({ path, kind: `unknown schema type ${d.type}` });
  }
  return out;
}

const special = (found: Found[]) => found.filter((f) => !["min_length", "max_length", "greater_than", "less_than", "number_format"].includes(f.kind));

describe("the fast path knows every zod check it cannot read from JSON Schema", () => {
  it("config: refinements, trims, the one format and the regex", () => {
    const found = special(walk(configSchema as unknown as Zod, ""));
    // a new refinement (custom) must be mirrored in fastConfig, a new trim in CONFIG_TRIMMED, a format in its checkers
    expect(found.filter((f) => f.kind === "custom").map((f) => f.path)).toEqual(["cognigy.baseUrl", "flows.*", "flows.*.locales", "flows.*.threshold"]);
    expect(new Set(found.filter((f) => f.kind === "overwrite").map((f) => f.path))).toEqual(CONFIG_TRIMMED);
    expect(found.filter((f) => f.kind === "format")).toEqual([{ path: "cognigy.baseUrl", kind: "format", detail: "url" }]);
    // JSON Schema's pattern carries no flags: a zod regex with flags would be read differently
    expect(found.filter((f) => f.kind === "string_format")).toEqual([{ path: "sync.maxDeletions", kind: "string_format", detail: "regex/" }]);
    expect(found.filter((f) => !["custom", "overwrite", "format", "string_format"].includes(f.kind))).toEqual([]);
  });

  it("intent and test files: the one trim, no refinement", () => {
    expect(special(walk(intentFileSchema as unknown as Zod, ""))).toEqual([{ path: "intent", kind: "overwrite", detail: undefined }]);
    expect(new Set(["intent"])).toEqual(INTENT_TRIMMED);
    expect(special(walk(testsFileSchema as unknown as Zod, ""))).toEqual([]);
  });

  it("the key lists for did-you-mean match the schemas", () => {
    expect(INTENT_KEYS).toEqual(Object.keys(intentFileSchema.shape));
    expect(TEST_CASE_KEYS).toEqual(Object.keys((testsFileSchema.element as unknown as { shape: object }).shape));
  });
});

/** No string zod would change (surrounding whitespace it trims, tabs and line breaks z.url strips). */
function plain(v: unknown): boolean {
  if (typeof v === "string") return v.trim() === v && !/[\t\n\r]/.test(v);
  if (Array.isArray(v)) return v.every(plain);
  if (v && typeof v === "object") return Object.values(v).every(plain);
  return true;
}

/** Sound: accepted by the fast path ⇒ accepted by zod with the same output. Returns whether the fast path accepted. */
function sameAsZodConfig(data: unknown): boolean {
  const fast = fastConfig(data);
  const zod = configSchema.safeParse(data);
  if (fast === undefined) return false;
  expect(zod.success, `zod refused what the fast path accepted: ${JSON.stringify(data)}`).toBe(true);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
  return true;
}

const BASE = {
  cognigy: { baseUrl: "https://api-trial.cognigy.ai", project: "Pizza Bot" },
  flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US", "de-DE": "de-DE" }, defaultLocale: "en-US" }],
};

/** Values a field may be mutated to: valid ones, edges, wrong types, whitespace, hostile keys. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    0.5,
    1,
    1.5,
    2,
    5,
    200,
    2000,
    10_001,
    1e300,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    true,
    false,
    null,
    "",
    " ",
    "off",
    "error",
    "warning",
    "info",
    "batch",
    "import",
    "snapshot",
    "full",
    "quick",
    "rollback",
    "keep",
    "10%",
    "5.5%",
    "%",
    "en-US",
    "x",
    " Main ",
    "Main",
    "https://api-trial.cognigy.ai",
    "http://127.0.0.1:9000",
    "https://user:pw@api.cognigy.ai",
    " https://api.cognigy.ai",
    "https:api.cognigy.ai",
    "http://a\tb.example",
    "file:///etc/passwd",
    "HTTPS://API.cognigy.ai/x",
    "https://1.2.3.4.5",
    "https://[::1]:8080/",
    "toString",
    "__proto__",
    [],
    ["a"],
    {},
    { error: 1, warning: 5 },
    { lower: 0.2, upper: 0.8 },
    { lower: 0.9, upper: 0.1 },
    { min: 2, max: 300 },
    { "en-US": "en-US" },
  ),
  fc.string({ maxLength: 12 }),
  fc.double(),
  fc.integer(),
);

/** Keys a mutation may touch: the schema's own, near-misses and hostile ones. */
const KEYS = [
  "cognigy",
  "flows",
  "checks",
  "gate",
  "sync",
  "train",
  "evaluate",
  "promote",
  "harvest",
  "limits",
  "check",
  "baseUrl",
  "project",
  "apiPrefix",
  "timeoutSeconds",
  "rateLimit",
  "download",
  "maxMegabytes",
  "name",
  "dir",
  "locales",
  "defaultLocale",
  "prune",
  "threshold",
  "lower",
  "upper",
  "minExamples",
  "maxExamples",
  "maxImbalance",
  "nearDuplicate",
  "leakage",
  "length",
  "min",
  "max",
  "limit",
  "pii",
  "rules",
  "pii",
  "yaml",
  "macroF1",
  "maxConfusion",
  "significance",
  "strategy",
  "maxDeletions",
  "backup",
  "mode",
  "split",
  "sample",
  "concurrency",
  "seed",
  "endpoints",
  "onGateFailure",
  "keepSnapshots",
  "flowSentences",
  "maxRequests",
  "en-US",
  "de-DE",
  "constructor",
  "typo",
];

/** Sets `value` at a random existing-or-new path of a copy of `doc` (walking objects and arrays by index). */
function mutate(doc: unknown, steps: number[], key: string, value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: unknown = copy;
  for (const s of steps) {
    if (Array.isArray(node) && node.length) node = node[s % node.length];
    else if (node && typeof node === "object") {
      const keys = Object.keys(node);
      if (!keys.length) break;
      const next = (node as Record<string, unknown>)[keys[s % keys.length]];
      if (!next || typeof next !== "object") break;
      node = next;
    } else break;
  }
  if (Array.isArray(node)) node[0] = value;
  else if (node && typeof node === "object") (node as Record<string, unknown>)[key] = value;
  return copy;
}

describe("fastConfig agrees with zod", () => {
  it("accepts the project's own config and the example bot's, exactly as zod parses them", () => {
    for (const f of ["cognigy-nlu.yml"]) expect(sameAsZodConfig(parse(readFileSync(f, "utf8")))).toBe(true);
    expect(sameAsZodConfig(BASE)).toBe(true);
  });

  it("on every config fixture of the test suite (valid ones fast, the rest left to zod)", () => {
    const files = ["test/fixtures/bad/cognigy-nlu.yml", ...readdirSync("test/fixtures/hostile/configs").map((f) => join("test/fixtures/hostile/configs", f))];
    let rejected = 0;
    for (const f of files) {
      let data: unknown;
      try {
        data = parse(readFileSync(f, "utf8"), { maxAliasCount: 100 });
      } catch {
        continue;
      }
      if (!sameAsZodConfig(data ?? {})) rejected++;
    }
    expect(rejected).toBeGreaterThan(5);
  });

  /** Valid-looking values per section and field (zod still decides: some combinations are invalid on purpose). */
  const pick = (...v: unknown[]) => fc.constantFrom(...v);
  const section = (fields: Record<string, fc.Arbitrary<unknown>>, requiredKeys: string[] = []) => fc.record(fields, { requiredKeys });
  const validish = fc.record(
    {
      cognigy: section({
        baseUrl: pick("https://api-trial.cognigy.ai", "http://127.0.0.1:9000/x", "https://api.example.com:8443/new"),
        project: pick("Pizza Bot", "p", " padded "),
        apiPrefix: pick("/new/v2.0", "/x"),
        timeoutSeconds: pick(1, 30, 30.5, 600),
        rateLimit: pick(0, 1000, 1000, 2.5),
        download: section({ maxMegabytes: pick(1, 4096.5), deadlineSeconds: pick(1, 1800) }),
      }, ["baseUrl", "project"]),
      flows: fc.array(
        section({
          name: pick("Main", "Other", " Main"),
          dir: pick("training-data/main", "x"),
          locales: pick({ "en-US": "en-US" }, { "en-US": "en-US", de: "de-DE" }),
          defaultLocale: pick("en-US", "de", "toString"),
          prune: fc.boolean(),
          threshold: pick({ lower: 0.1, upper: 0.9 }, { lower: 0.5, upper: 0.5 }, { lower: 0.1, upper: 0.9 }, { lower: 0.9, upper: 0.1 }),
        }, ["name", "dir", "locales", "defaultLocale"]),
        { minLength: 1, maxLength: 3 },
      ),
      checks: section({
        minExamples: pick("off", { error: 1, warning: 5 }, { error: 0, warning: 3 }),
        maxExamples: pick("off", 1, 200),
        maxImbalance: pick("off", 1, 5.5),
        nearDuplicate: pick("off", 0.5, 0.85, 1),
        leakage: pick("off", 0.95),
        length: pick("off", { min: 2, max: 300 }, { min: 0, max: 10, limit: 100 }),
        pii: pick("error", "warning", "info", "off"),
        baseline: pick("b.json"),
        rules: pick({}, { pii: "off" }, { yaml: "warning", "near-duplicate-within": "off" }),
      }),
      gate: section({
        accuracy: pick(0, 0.5, 1),
        macroF1: pick(0, 0.85),
        macroPrecision: pick(0.8, 1),
        minIntentF1: pick(0, 0.5),
        maxConfusion: pick(0.5, 1, 0.01),
        maxRegression: pick(0, 0.02),
        minTestsPerIntent: pick(0, 3),
        significance: pick(0.05, 1),
      }),
      sync: section({ strategy: pick("batch", "import"), maxDeletions: pick(0, 10, "10%", "2.5%"), backup: pick("snapshot", "export", "off") }),
      train: section({ mode: pick("full", "quick"), timeoutSeconds: pick(1, 900) }),
      evaluate: section({ split: pick(0, 0.2, 0.9), sample: pick(0, 0.5, 1), concurrency: pick(1, 4, 32), seed: pick("s") }),
      promote: section({ snapshot: fc.boolean(), endpoints: pick([], ["a", "b"], [" a"]), onGateFailure: pick("rollback", "keep"), keepSnapshots: pick(1, 10) }),
      harvest: section({ minScore: pick(0.75), minPerIntent: pick(1, 5), minMargin: pick(0, 0.1) }),
      limits: section({ flowSentences: pick(1, 10_000), flowIntents: pick(2500), intentSentences: pick(2000) }),
      check: section({ maxRequests: pick(0, 600, 600, 0.5), allowUnevaluated: fc.boolean(), previewMaxAgeHours: pick(0, 1.5, 24) }),
    },
    { requiredKeys: ["cognigy", "flows"] },
  );

  it("on generated configs and mutations of them (sound; and fast on most valid ones)", () => {
    let fast = 0;
    let valid = 0;
    fc.assert(
      fc.property(validish, fc.option(fc.tuple(fc.array(fc.nat(50), { maxLength: 4 }), fc.constantFrom(...KEYS), anyValue)), (doc, m) => {
        const data = m ? mutate(doc, ...m) : doc;
        if (sameAsZodConfig(data) && plain(data)) fast++;
        if (configSchema.safeParse(data).success && plain(data)) valid++;
      }),
      { numRuns: 3000 },
    );
    // the fast path is not a stub that always defers: every config zod accepts whose strings zod would not trim or strip,
    // it accepts too
    expect(valid).toBeGreaterThan(10);
    expect(fast).toBe(valid);
  });

  it("defaultGate is gateSchema.parse({})", () => {
    expect(JSON.stringify(defaultGate())).toBe(JSON.stringify(gateSchema.parse({})));
  });

  it("plainHttpUrl accepts only what z.url + the credentials rule keep unchanged", () => {
    for (const u of ["https://api-trial.cognigy.ai", "http://127.0.0.1:9000/new", "HTTPS://API.example.com"]) expect(plainHttpUrl(u)).toBe(true);
    for (const u of ["https://u:p@h.example", " https://h.example", "https:h.example", "ftp://h.example", "http://a\nb.example", "https://1.2.3.4.5", "not a url"])
      expect(plainHttpUrl(u)).toBe(false);
  });
});

describe("the interpreter's decisions", () => {
  it("defers on a keyword it does not know, and on a format without a checker", () => {
    expect(fastParse({ type: "string", oneOf: [] }, "x")).toBeUndefined();
    expect(fastParse({ type: "string", format: "email" }, "a@b.example")).toBeUndefined();
    expect(fastParse({ type: "string", minLength: 2 }, "ab")).toEqual({ value: "ab" });
  });

  it("takes a union's first accepting option, fills defaults and never assigns a __proto__ key", () => {
    const s: JsonSchema = { anyOf: [{ const: "off" }, { type: "integer", minimum: 1 }], default: 3 };
    expect(fastParse({ type: "object", properties: { n: s }, additionalProperties: false }, {})).toEqual({ value: { n: 3 } });
    expect(fastParse(s, "off")).toEqual({ value: "off" });
    expect(fastParse(s, 0)).toBeUndefined();
    const rec: JsonSchema = { type: "object", propertyNames: { type: "string" }, additionalProperties: { type: "number" } };
    const hostile = JSON.parse('{"__proto__": 1}');
    expect(fastParse(rec, hostile)).toBeUndefined();
    expect(fastParse(rec, { a: 1 })).toEqual({ value: { a: 1 } });
  });
});

/** Intent and test-set data: the fast path says "valid" only when zod does. */
describe("fastIntentFile / fastTestsFile agree with zod", () => {
  const utterance = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("hello", "book a table", "Hi", "ünïcödé 🍕") },
    fc.string({ maxLength: 8 }),
    fc.constantFrom("", " hi ", "\nhi", 3, null, true, ["x"], { a: 1 }),
  );
  const list = fc.array(utterance, { maxLength: 3 });
  const byLocale = fc.oneof(list, fc.dictionary(fc.constantFrom("en-US", "de-DE", "en-US", "e", "toolonglocalekey-xxxxxx", "__proto__"), list, { maxKeys: 2 }), utterance);
  const intentDoc = fc.record(
    {
      intent: utterance,
      examples: byLocale,
      tests: byLocale,
      tags: fc.oneof(list, utterance),
      disabled: fc.oneof(fc.boolean(), utterance),
      reject: fc.oneof(fc.boolean(), utterance),
      description: utterance,
      $schema: utterance,
      exmples: list,
    },
    { requiredKeys: ["intent"] },
  );

  it("intent files", () => {
    let fast = 0;
    let valid = 0;
    fc.assert(
      fc.property(intentDoc, (doc) => {
        const data = JSON.parse(JSON.stringify(doc)) as unknown;
        const ok = fastIntentFile(data);
        const zod = intentFileSchema.safeParse(data).success;
        if (ok) {
          expect(zod).toBe(true);
          fast++;
        }
        // (a __proto__ key is dropped by the loader before this check; the fast path leaves it to zod)
        if (zod && plain((data as { intent?: unknown }).intent) && !JSON.stringify(data).includes("__proto__")) valid++;
      }),
      { numRuns: 3000 },
    );
    // every file zod accepts whose intent name zod would not trim, the fast path accepts
    expect(valid).toBeGreaterThan(10);
    expect(fast).toBe(valid);
    expect(fastIntentFile({ intent: "A", examples: ["hello there", "hi"] })).toBe(true);
    expect(fastIntentFile({ intent: " A", examples: ["hello there"] })).toBe(false); // zod trims it: zod decides
  });

  it("test sets", () => {
    const tc = fc.record({ text: utterance, expect: fc.oneof(utterance, fc.constant(null)), locale: utterance, extra: utterance }, { requiredKeys: [] });
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(fc.array(tc, { maxLength: 4 }), tc, utterance), (doc) => {
        const data = JSON.parse(JSON.stringify(doc)) as unknown;
        if (fastTestsFile(data)) {
          expect(testsFileSchema.safeParse(data).success).toBe(true);
          fast++;
        }
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(50);
  });
});
