// Intent files and test sets checked without zod when they are valid: the generated JSON Schemas (schema/) through the
// fast interpreter (src/config/fast-schema.ts). False = let zod check the file and word its schema findings.
import intentJson from "../../schema/intent.schema.json" with { type: "json" };
import testsJson from "../../schema/tests.schema.json" with { type: "json" };
import { fastParse, type JsonSchema } from "../config/fast-schema.js";

/** The strings intentFileSchema trims (test/config/fast-schema.test.ts finds every trim in the zod schema). */
export const INTENT_TRIMMED: ReadonlySet<string> = new Set(["intent"]);

/** True only when intentFileSchema certainly accepts the data. */
export function fastIntentFile(data: unknown): boolean {
  return fastParse(intentJson as JsonSchema, data, { trimmed: INTENT_TRIMMED }) !== undefined;
}

/** True only when testsFileSchema certainly accepts the data. */
export function fastTestsFile(data: unknown): boolean {
  return fastParse(testsJson as JsonSchema, data) !== undefined;
}
