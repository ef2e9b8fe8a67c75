// The dataset schema (zod): one intent file (intents/*.yml) and one test-set file (tests/*.yml). Built on first use
// (config/lazy.ts): a valid file is checked by fast-shape.ts without loading zod.
import { z } from "zod";
import { lazy, once } from "../config/lazy.js";

function build() {
  const utterance = z.string().min(1, { message: "empty utterance" }).describe("One utterance as a user would type it");
  const utteranceList = z.array(utterance);
  const localeKey = z.string().min(2).max(20);

  /** A plain list (the flow's default locale) or a map locale → list. */
  const byLocaleSchema = z.union([utteranceList, z.record(localeKey, utteranceList)]);

  const intentFileSchema = z
    .object({
      $schema: z.string().optional().describe("Editor hint: the JSON Schema of this file"),
      intent: z.string().trim().min(1, { message: "empty intent name" }).max(200).describe("The intent's name in Cognigy (unique within the flow)"),
      description: z.string().optional().describe("What the intent is for"),
      tags: z.array(z.string().min(1)).optional().describe("Cognigy intent tags"),
      disabled: z.boolean().optional().describe("Maps to isDisabled (default false)"),
      reject: z.boolean().optional().describe("Maps to isRejectIntent (default false)"),
      examples: byLocaleSchema
        .optional()
        .describe("Training examples (uploaded): a plain list = the flow's default locale, or a map locale → list"),
      tests: byLocaleSchema
        .optional()
        .describe("Held-out test utterances (never uploaded): a plain list = the default locale, or a map locale → list"),
    })
    .strict();

  const testCaseSchema = z
    .object({
      text: utterance,
      expect: z
        .string()
        .min(1, { message: "empty intent name (use null for out of scope)" })
        .nullable()
        .describe("The intent the model must return, or null: no intent above the flow's threshold (out of scope)"),
      locale: localeKey.optional().describe("YAML locale key (default: the flow's default locale)"),
    })
    .strict();

  const testsFileSchema = z.array(testCaseSchema).describe("A test set: held-out utterances with the expected intent");
  return { byLocaleSchema, intentFileSchema, testCaseSchema, testsFileSchema };
}

/** Every dataset schema, built now. */
export const datasetSchemas = once(build);

export const byLocaleSchema = lazy(() => datasetSchemas().byLocaleSchema);
export const intentFileSchema = lazy(() => datasetSchemas().intentFileSchema);
export const testCaseSchema = lazy(() => datasetSchemas().testCaseSchema);
export const testsFileSchema = lazy(() => datasetSchemas().testsFileSchema);
export type IntentFile = z.infer<typeof intentFileSchema>;
export type TestsFile = z.infer<typeof testsFileSchema>;

/** The keys an intent file may hold (for did-you-mean; test/config/fast-schema.test.ts holds them to the schema). */
export const INTENT_KEYS = ["$schema", "intent", "description", "tags", "disabled", "reject", "examples", "tests"];
/** The keys a test case may hold. */
export const TEST_CASE_KEYS = ["text", "expect", "locale"];
