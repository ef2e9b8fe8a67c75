// The fast path of schema validation: the JSON Schemas in schema/ (generated from the zod schemas, `npm run schema`)
// read by a small interpreter, so a valid file is checked and defaulted without loading zod (~35 ms of a cold start
// to import, ~15 ms more for the first parse). It is conservative: it answers only when it is sure zod would accept the
// value and produce this output; anything it cannot decide exactly — an invalid value (zod words the error), a keyword
// it does not know, a string zod would trim, a format without a checker, a refinement that fails — is `undefined`, and
// the caller asks zod. test/config/fast-schema.test.ts holds it to zod on generated documents and lists every zod
// refinement and trim, so a new one in the zod schemas fails a test until it is mirrored here.

/** A JSON Schema node (the subset z.toJSONSchema writes for our schemas). */
export type JsonSchema = { [k: string]: unknown };

export interface FastOptions {
  /** Data paths ("flows.*.name") whose strings zod trims: a value with surrounding whitespace is left to zod. */
  trimmed?: ReadonlySet<string>;
  /** `format` checkers: true only when zod's format check certainly passes and keeps the value as it is. */
  formats?: Readonly<Record<string, (s: string) => boolean>>;
}

const FAIL = Symbol("fail"); // certainly invalid for this schema node (a union tries its next option)
const DEFER = Symbol("defer"); // not decided here: zod decides
type Out = { v: unknown } | typeof FAIL | typeof DEFER;

/** Keywords that only annotate. */
const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "default"]);
const KNOWN = new Set([
  ...ANNOTATIONS,
  "type",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "enum",
  "const",
  "anyOf",
]);

const patterns = new Map<string, RegExp>();

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function check(s: JsonSchema, v: unknown, path: string, o: FastOptions): Out {
  for (const k in s) if (!KNOWN.has(k)) return DEFER;
  if ("anyOf" in s) {
    // zod's union: the first option that accepts wins
    for (const option of s.anyOf as JsonSchema[]) {
      const r = check(option, v, path, o);
      if (r !== FAIL) return r;
    }
    return FAIL;
  }
  if ("const" in s) return v === s.const ? { v } : FAIL;
  if (s.type === undefined) return "enum" in s && (s.enum as unknown[]).includes(v) ? { v } : "enum" in s ? FAIL : DEFER;
  let out: Out = DEFER;
  switch (s.type) {
    case "string": {
      if (typeof v !== "string") return FAIL;
      if (o.trimmed?.has(path) && v.trim() !== v) return DEFER;
      if (typeof s.minLength === "number" && v.length < s.minLength) return FAIL;
      if (typeof s.maxLength === "number" && v.length > s.maxLength) return FAIL;
      if (typeof s.pattern === "string") {
        let re = patterns.get(s.pattern);
        if (!re) patterns.set(s.pattern, (re = new RegExp(s.pattern)));
        if (!re.test(v)) return FAIL;
      }
      if (s.format !== undefined) {
        const ok = o.formats?.[String(s.format)];
        if (!ok?.(v)) return DEFER;
      }
      out = { v };
      break;
    }
    case "number":
    case "integer": {
      if (typeof v !== "number" || !Number.isFinite(v)) return FAIL;
      if (s.type === "integer" && !Number.isSafeInteger(v)) return FAIL;
      if (typeof s.minimum === "number" && v < s.minimum) return FAIL;
      if (typeof s.maximum === "number" && v > s.maximum) return FAIL;
      if (typeof s.exclusiveMinimum === "number" && v <= s.exclusiveMinimum) return FAIL;
      if (typeof s.exclusiveMaximum === "number" && v >= s.exclusiveMaximum) return FAIL;
      out = { v };
      break;
    }
    case "boolean":
      if (typeof v !== "boolean") return FAIL;
      out = { v };
      break;
    case "null":
      if (v !== null) return FAIL;
      out = { v };
      break;
    case "array": {
      if (!Array.isArray(v)) return FAIL;
      if (typeof s.minItems === "number" && v.length < s.minItems) return FAIL;
      if (typeof s.maxItems === "number" && v.length > s.maxItems) return FAIL;
      const items = s.items as JsonSchema | undefined;
      if (!items) return DEFER;
      const arr: unknown[] = new Array(v.length);
      const at = `${path}.*`;
      for (let i = 0; i < v.length; i++) {
        const r = check(items, v[i], at, o);
        if (typeof r === "symbol") return r;
        arr[i] = r.v;
      }
      out = { v: arr };
      break;
    }
    case "object":
      out = object(s, v, path, o);
      break;
    default:
      return DEFER;
  }
  if (typeof out === "symbol") return out;
  if ("enum" in s && !(s.enum as unknown[]).includes(out.v)) return FAIL;
  return out;
}

function object(s: JsonSchema, v: unknown, path: string, o: FastOptions): Out {
  if (!isPlainObject(v)) return FAIL;
  const res: Record<string, unknown> = {};
  const props = s.properties as Record<string, JsonSchema> | undefined;
  const extra = s.additionalProperties;
  const prefix = path ? `${path}.` : "";
  if (props) {
    // a strict object (the only kind our schemas have); output in the schema's key order, as zod builds it
    if (extra !== false) return DEFER;
    for (const k of Object.keys(v)) if (!Object.hasOwn(props, k)) return FAIL;
    const required = (s.required as string[] | undefined) ?? [];
    for (const k of Object.keys(props)) {
      const sub = props[k];
      if (!Object.hasOwn(v, k) || v[k] === undefined) {
        if ("default" in sub) res[k] = structuredClone(sub.default);
        else if (required.includes(k)) return FAIL;
        continue;
      }
      const r = check(sub, v[k], prefix + k, o);
      if (typeof r === "symbol") return r;
      res[k] = r.v;
    }
    return { v: res };
  }
  // a record: every key checked against propertyNames, every value against additionalProperties, in input order
  if (typeof extra !== "object" || extra === null || !isPlainObject(s.propertyNames)) return DEFER;
  const at = `${prefix}*`;
  for (const k of Object.keys(v)) {
    if (k === "__proto__") return DEFER; // an own key of that name (see dataset/tree.ts) would not survive an assignment
    const kr = check(s.propertyNames as JsonSchema, k, at, o);
    if (typeof kr === "symbol") return kr;
    const r = check(extra as JsonSchema, v[k], at, o);
    if (typeof r === "symbol") return r;
    res[k] = r.v;
  }
  return { v: res };
}

/**
 * The value as zod would parse it (defaults filled in), when this interpreter is sure zod accepts it; otherwise
 * undefined (zod decides, and words the errors). Refinements are not in JSON Schema: callers check their own.
 */
export function fastParse(schema: JsonSchema, value: unknown, o: FastOptions = {}): { value: unknown } | undefined {
  let r: Out;
  try {
    r = check(schema, value, "", o);
  } catch {
    return undefined; // a pattern the JS engine reads differently, a value structuredClone refuses: zod decides
  }
  return typeof r === "symbol" ? undefined : { value: r.v };
}
