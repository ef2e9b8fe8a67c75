// Schema findings: zod issues of an intent or test-set file → `schema` findings with place, did-you-mean and hint.
import type { z } from "zod";
import { finding } from "./finding.js";
import { didYouMean } from "./suggest.js";
import type { Finding, Location } from "./types.js";

/** At most this many schema findings per file (then one "N more" finding). */
const MAX_PER_FILE = 50;

export interface SchemaContext {
  file: string;
  /** The parsed data (to tell a missing value from a wrong one). */
  data: unknown;
  /** Where a data path is in the file (the value, or its key when there is no value; the key itself with `key`). */
  locate(path: PropertyKey[], opts?: { key?: boolean }): Omit<Location, "file">;
  /** The allowed keys of the object at a data path (for unknown keys). */
  keysAt(path: PropertyKey[]): string[];
  /** What the file is, for messages: "an intent file" / "a test set". */
  kind: string;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  if (typeof v === "string") return "text";
  return `a ${typeof v}`;
}

function showPath(path: PropertyKey[]): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s ? `.${String(k)}` : String(k);
  return s || "(top level)";
}

const EXPECTED: Record<string, string> = {
  string: "text",
  array: "a list",
  boolean: "true or false",
  record: "a map",
  object: "a map",
  number: "a number",
};

/** Turns zod issues into findings, most useful wording first. `prefix` is prepended to nested paths. */
export function schemaFindings(issues: readonly z.core.$ZodIssue[], ctx: SchemaContext, prefix: PropertyKey[] = []): Finding[] {
  const out: Finding[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PropertyKey[])];
    const at = { file: ctx.file, ...ctx.locate(path) };
    const name = showPath(path);
    const value = valueAt(ctx.data, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = ctx.keysAt(path);
        for (const key of issue.keys) {
          const keyAt = { file: ctx.file, ...ctx.locate([...path, key], { key: true }) };
          const dym = didYouMean(key, allowed);
          out.push(
            finding("schema", keyAt, `unknown key '${key}'${path.length ? ` in ${name}` : ""}${dym ? ` (did you mean '${dym}'?)` : ""}`, {
              hint: dym ? `rename it to '${dym}'` : `allowed keys: ${allowed.join(", ")}`,
            }),
          );
        }
        break;
      }
      case "invalid_union": {
        // byLocale: a list or a map. Report the branch matching what was written.
        const branch = Array.isArray(value) ? 0 : value !== null && typeof value === "object" ? 1 : -1;
        if (branch >= 0 && issue.errors[branch]?.length) out.push(...schemaFindings(issue.errors[branch], ctx, path));
        else
          out.push(
            finding("schema", at, value == null ? `'${name}' is empty` : `'${name}' must be a list of utterances or a map locale → list, not ${typeName(value)}`, {
              hint: `write '${name}:' followed by lines '  - an utterance', or one such list per locale key`,
            }),
          );
        break;
      }
      case "invalid_type": {
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        const last = path[path.length - 1];
        if (value === undefined && typeof last === "string") {
          const parent = path.length > 1 ? ` (in ${showPath(path.slice(0, -1))})` : "";
          out.push(finding("schema", at, `missing required key '${last}' in ${ctx.kind}${parent}`, { hint: `add '${last}: …'` }));
        }
        else if (value === null) out.push(finding("schema", at, `'${name}' is empty; expected ${expected}`, { hint: "give it a value or remove the key" }));
        else
          out.push(
            finding("schema", at, `'${name}' must be ${expected}, not ${typeName(value)}`, {
              hint: issue.expected === "string" ? 'put the text in quotes, e.g. "yes" or "123"' : undefined,
            }),
          );
        break;
      }
      case "too_small":
      case "too_big":
        out.push(finding("schema", at, `'${name}': ${issue.message}`, { hint: issue.code === "too_small" ? "remove the empty entry or fill it in" : undefined }));
        break;
      default:
        out.push(finding("schema", at, `'${name}': ${issue.message}`));
    }
    if (out.length > MAX_PER_FILE) break;
  }
  if (out.length > MAX_PER_FILE) {
    const more = out.length - MAX_PER_FILE;
    out.length = MAX_PER_FILE;
    out.push(finding("schema", { file: ctx.file, line: 0, column: 0 }, `${more}+ more schema problems in this file`));
  }
  return out;
}
