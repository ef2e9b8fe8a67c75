// The dataset schema (zod): one intent file (intents/*.yml) and one test-set file (tests/*.yml).
import { z } from "zod";

const utterance = z.string().min(1, { message: "empty utterance" }).describe("One utterance as a user would type it");
const utteranceList = z.array(utterance);
const localeKey = z.string().min(2).max(20);

/** A plain list (the flow's default locale) or a map locale → list. */
export const byLocaleSchema = z.union([utteranceList, z.record(localeKey, utteranceList)]);

export const intentFileSchema = z
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
export type IntentFile = z.infer<typeof intentFileSchema>;

export const testCaseSchema = z
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

export const testsFileSchema = z.array(testCaseSchema).describe("A test set: held-out utterances with the expected intent");
export type TestsFile = z.infer<typeof testsFileSchema>;

/** The keys an intent file may hold (for did-you-mean). */
export const INTENT_KEYS = Object.keys(intentFileSchema.shape);
/** The keys a test case may hold. */
export const TEST_CASE_KEYS = Object.keys(testCaseSchema.shape);
