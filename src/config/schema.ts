// The cognigy-nlu.yml schema (zod): one parse into a typed, defaulted Config. The schemas are built on first use (lazy.ts),
// so a valid config (read by fast-config.ts) never loads zod.
import { z } from "zod";
import { lazy, once } from "./lazy.js";

export const SEVERITIES = ["error", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Every rule id the checks can report. Each one's severity can be overridden (or turned `off`) in `checks.rules`. */
export const RULE_IDS = [
  "yaml", // unparsable YAML, duplicate keys, tabs, alias limits, encoding, size
  "schema", // unknown keys (did-you-mean), wrong types, empty values
  "duplicate-intent", // the same intent name in two files
  "duplicate-within", // exact duplicate (after normalisation) inside one intent
  "duplicate-across", // exact duplicate across intents: a conflict the model cannot learn
  "near-duplicate-across", // similarity >= nearDuplicate across intents
  "near-duplicate-within", // similarity >= nearDuplicate inside one intent
  "test-leakage", // a test utterance equal or near-equal to a training example
  "min-examples", // too few examples (error / warning thresholds)
  "max-examples", // more than maxExamples per intent and locale (Cognigy's documented cap)
  "imbalance", // largest / smallest intent ratio
  "missing-tests", // an intent without held-out tests
  "length", // utterance length bounds
  "invisible-chars", // control, zero-width, bidi-override characters
  "whitespace", // tab, line break and other whitespace control characters (normalised before upload)
  "mojibake", // UTF-8 decoded as Latin-1 and similar
  "pii", // e-mail, phone, payment card (Luhn), IBAN (mod 97), IP address, long digit runs
  "locale-coverage", // examples in one mapped locale and none in another
  "unknown-intent", // a test set expects an intent no file defines
  "flow-limit", // a flow × locale over Cognigy's per-flow sentence or intent cap (limits.flowSentences / flowIntents)
  "intent-limit", // an intent × locale over Cognigy's per-intent sentence cap (limits.intentSentences)
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const DEFAULT_SEVERITY: Record<RuleId, Severity> = {
  yaml: "error",
  schema: "error",
  "duplicate-intent": "error",
  "duplicate-within": "warning",
  "duplicate-across": "error",
  "near-duplicate-across": "warning",
  "near-duplicate-within": "info",
  "test-leakage": "warning", // left out of the metrics (the count shown with them)
  "min-examples": "error", // below minExamples.error (an empty intent); warning below minExamples.warning
  "max-examples": "warning",
  imbalance: "warning",
  "missing-tests": "warning",
  length: "warning", // outside min..max; error beyond length.limit (what the API accepts)
  "invisible-chars": "error", // direction overrides and non-whitespace control characters; warning for zero-width / marks
  whitespace: "warning",
  mojibake: "warning",
  pii: "error", // e-mail, payment card, IBAN; warning for phone numbers, IP addresses, digit runs
  "locale-coverage": "warning",
  "unknown-intent": "error",
  "flow-limit": "error",
  "intent-limit": "error",
};

/** The longest sentence text (characters) Cognigy's API accepts; longer ones are rejected on upload. */
export const SENTENCE_LIMIT = 2000;

/** The zod schemas, built together on first use: a schema inside another is the real object, never a stand-in. */
function build() {
  const severityOrOff = z.enum(["error", "warning", "info", "off"]);

  const locale = z.string().min(2).max(20);
  const nameOrId = z.string().trim().min(1).max(200);

  const thresholdSchema = z
    .object({ lower: z.number().min(0).max(1), upper: z.number().min(0).max(1) })
    .strict()
    .refine((t) => t.lower <= t.upper, { message: "lower must be ≤ upper" });

  const flowSchema = z
    .object({
      name: nameOrId.describe("Cognigy flow name or _id"),
      dir: z.string().min(1).describe("Folder (relative to the repository root) holding intents/*.yml and tests/*.yml"),
      locales: z
        .record(locale, z.string().min(1))
        .refine((m) => Object.keys(m).length > 0, { message: "map at least one locale" })
        .describe("YAML locale key → Cognigy locale name"),
      defaultLocale: locale.describe("The locale of plain-list examples and tests"),
      prune: z.boolean().default(false).describe("Delete intents in Cognigy that no file owns (default: only intents the repository created)"),
      threshold: thresholdSchema.optional().describe("The flow's intent thresholds, applied before training (Cognigy flow settings)"),
    })
    .strict()
    .refine((f) => Object.hasOwn(f.locales, f.defaultLocale), { message: "defaultLocale must be one of the keys of locales", path: ["defaultLocale"] });

  const ruleOverrides = z.partialRecord(z.enum(RULE_IDS), severityOrOff);

  const checksSchema = z
    .object({
      minExamples: z
        .union([z.literal("off"), z.object({ error: z.number().int().min(0), warning: z.number().int().min(0) }).strict()])
        .default({ error: 1, warning: 5 })
        .describe("Examples per intent and locale: an error below `error` (1 = an empty intent), a warning below `warning`"),
      maxExamples: z.union([z.literal("off"), z.number().int().min(1)]).default(200),
      maxImbalance: z.union([z.literal("off"), z.number().min(1)]).default(5),
      nearDuplicate: z.union([z.literal("off"), z.number().min(0.5).max(1)]).default(0.85),
      leakage: z.union([z.literal("off"), z.number().min(0.5).max(1)]).default(0.95).describe("Similarity at which a test counts as leaked"),
      length: z
        .union([
          z.literal("off"),
          z
            .object({
              min: z.number().int().min(0),
              max: z.number().int().min(1),
              limit: z.number().int().min(1).default(SENTENCE_LIMIT).describe("The most characters the API accepts in a sentence: longer is an error"),
            })
            .strict(),
        ])
        .default({ min: 2, max: 300, limit: SENTENCE_LIMIT })
        .describe("Characters per utterance: a warning outside min..max, an error beyond limit"),
      pii: severityOrOff.optional().describe("One severity for every kind of personal data (default: error for e-mail, card, IBAN; warning for the rest)"),
      baseline: z.string().min(1).default("cognigy-nlu.baseline.json").describe("The findings baseline file (validate --update-baseline), relative to the repository root"),
      rules: ruleOverrides.default({}).describe("Severity override (or off) for any rule id"),
    })
    .strict();

  const gateSchema = z
    .object({
      accuracy: z.number().min(0).max(1).optional(),
      macroF1: z.number().min(0).max(1).default(0.85),
      macroPrecision: z.number().min(0).max(1).default(0.8),
      minIntentF1: z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe("Opt-in floor: fail when any intent's F1 is below it (unset: an intent below 0.5 is a warning, see docs/checks.md)"),
      maxConfusion: z
        .number()
        .gt(0)
        .max(1)
        .default(0.5)
        .describe(
          "Fail when more than this share of an intent's tests (10 or more) is predicted as one other intent, with 95% confidence (examples filed under the wrong intent); 1 = off",
        ),
      maxRegression: z.number().min(0).max(1).default(0.02).describe("Largest allowed drop vs the baseline, on macro F1 and per intent"),
      minTestsPerIntent: z.number().int().min(0).default(3),
      significance: z
        .number()
        .gt(0)
        .max(1)
        .default(0.05)
        .describe("A drop beyond maxRegression fails the paired comparison only when McNemar's exact p is below this"),
    })
    .strict();

  const syncSchema = z
    .object({
      strategy: z.enum(["batch", "import"]).default("batch").describe("batch: incremental batch calls; import: multipart intent import (first sync of a big flow)"),
      maxDeletions: z
        .union([z.number().int().min(0), z.string().regex(/^\d+(\.\d+)?%$/)])
        .default("10%")
        .describe("Refuse a plan deleting more sentences than this (count or % of the flow's sentences) unless --force"),
      backup: z.enum(["snapshot", "export", "off"]).default("snapshot").describe("Backup taken before a destructive sync"),
    })
    .strict();

  const trainSchema = z
    .object({
      mode: z.enum(["full", "quick"]).default("full"),
      timeoutSeconds: z.number().int().min(1).default(900),
    })
    .strict();

  const evaluateSchema = z
    .object({
      split: z.number().min(0).max(0.9).default(0.2).describe("Share of examples held out (never uploaded) for intents without tests"),
      sample: z.number().min(0).max(1).optional().describe("Stratified share of the test set scored (PR checks)"),
      concurrency: z.number().int().min(1).max(32).default(4),
      seed: z.string().default("cognigy-nlu"),
    })
    .strict();

  const promoteSchema = z
    .object({
      snapshot: z.boolean().default(true),
      endpoints: z.array(nameOrId).default([]).describe("Endpoints (name or _id) to pin to the promoted snapshot"),
      onGateFailure: z.enum(["rollback", "keep"]).default("rollback"),
      keepSnapshots: z.number().int().min(1).max(10).default(10),
    })
    .strict();

  const checkSchema = z
    .object({
      maxRequests: z
        .number()
        .int()
        .min(0)
        .default(600)
        .describe("Scoring requests a PR check may make for both models together (0 = no limit): the touched intents' tests, the intents confused with them, a stratified sample of the rest"),
      allowUnevaluated: z.boolean().default(false).describe("Let a check pass when nothing could be evaluated (status `not evaluated`); default: it fails"),
      previewMaxAgeHours: z.number().min(0).default(24).describe("A preview flow older than this (a cancelled check's leftover) is deleted by release and backup"),
    })
    .strict();

  const harvestSchema = z
    .object({
      minScore: z.number().min(0).max(1).default(0.75),
      minPerIntent: z.number().int().min(1).default(5),
      /** A learning sentence is attributed to its top intent only this far ahead of the runner-up (re-scored). */
      minMargin: z.number().min(0).max(1).default(0.1),
    })
    .strict();

  /**
   * Cognigy's caps (shared/cognigy-api.md §8, DOC:limits): a flow incl. its attached flows holds at most 10,000 example
   * sentences and 2,500 intents (trial tenants: 15,000 / 10,000). The per-intent cap is documented as 200 and as 2,000:
   * 2,000 is the one Cognigy certainly enforces (the emulator's default); `checks.maxExamples` warns above 200.
   */
  const limitsSchema = z
    .object({
      flowSentences: z.number().int().min(1).default(10_000).describe("Example sentences per flow and locale, attached flows included (Cognigy: 10,000; trial 15,000)"),
      flowIntents: z.number().int().min(1).default(2_500).describe("Intents per flow, attached flows included (Cognigy: 2,500; trial 10,000)"),
      intentSentences: z.number().int().min(1).default(2_000).describe("Example sentences per intent and locale (Cognigy refuses more; checks.maxExamples warns earlier)"),
    })
    .strict();

  const configSchema = z
    .object({
      $schema: z.string().optional(),
      cognigy: z
        .object({
          baseUrl: z
            .url({
              // http(s) only: file:, javascript:, data: … would send the API key nowhere good (or read local files).
              protocol: /^https?$/,
              error: "expected an http:// or https:// URL such as https://api-trial.cognigy.ai (other schemes, e.g. file: or javascript:, are not allowed)",
            })
            .refine(
              (s) => {
                try {
                  const u = new URL(s);
                  return !u.username && !u.password;
                } catch {
                  return true;
                }
              },
              { error: "the URL carries credentials (user:password@host); remove them (the API key comes only from COGNIGY_API_KEY / the api-key input)" },
            )
            .describe("Cognigy API base URL (the api- host, https; plain http only for loopback unless allowed). The API key comes only from COGNIGY_API_KEY / the api-key input."),
          project: nameOrId.describe("Project name or _id"),
          apiPrefix: z.string().default("/new/v2.0"),
          timeoutSeconds: z.number().min(1).max(600).default(30),
          rateLimit: z.number().int().min(0).default(1000).describe("Requests per 5 minutes the client allows itself; 0 = no limit"),
          download: z
            .object({
              maxMegabytes: z.number().min(1).max(1024 * 1024).default(4096).describe("Largest snapshot package download accepted (MiB)"),
              deadlineSeconds: z.number().min(1).max(86_400).default(1800).describe("Overall deadline of one package download, retries included"),
            })
            .strict()
            .default({ maxMegabytes: 4096, deadlineSeconds: 1800 })
            .describe("Limits on snapshot package downloads"),
        })
        .strict(),
      flows: z.array(flowSchema).min(1),
      checks: checksSchema.default(checksSchema.parse({})),
      gate: gateSchema.default(gateSchema.parse({})),
      sync: syncSchema.default(syncSchema.parse({})),
      train: trainSchema.default(trainSchema.parse({})),
      evaluate: evaluateSchema.default(evaluateSchema.parse({})),
      promote: promoteSchema.default(promoteSchema.parse({})),
      harvest: harvestSchema.default(harvestSchema.parse({})),
      limits: limitsSchema.default(limitsSchema.parse({})).describe("Your tenant's Cognigy limits: validate reports data over them, plan/sync refuse before writing"),
      check: checkSchema.default(checkSchema.parse({})),
    })
    .strict();
  return { severityOrOff, flowSchema, checksSchema, gateSchema, syncSchema, trainSchema, evaluateSchema, promoteSchema, checkSchema, harvestSchema, limitsSchema, configSchema };
}

/** Every schema, built now (importing this module builds none: see lazy.ts). */
export const configSchemas = once(build);

export const severityOrOff = lazy(() => configSchemas().severityOrOff);
export const flowSchema = lazy(() => configSchemas().flowSchema);
export const checksSchema = lazy(() => configSchemas().checksSchema);
export const gateSchema = lazy(() => configSchemas().gateSchema);
export const syncSchema = lazy(() => configSchemas().syncSchema);
export const trainSchema = lazy(() => configSchemas().trainSchema);
export const evaluateSchema = lazy(() => configSchemas().evaluateSchema);
export const promoteSchema = lazy(() => configSchemas().promoteSchema);
export const checkSchema = lazy(() => configSchemas().checkSchema);
export const harvestSchema = lazy(() => configSchemas().harvestSchema);
export const limitsSchema = lazy(() => configSchemas().limitsSchema);
export const configSchema = lazy(() => configSchemas().configSchema);

export type SeverityOrOff = z.infer<typeof severityOrOff>;
export type FlowConfig = z.infer<typeof flowSchema>;
export type ChecksConfig = z.infer<typeof checksSchema>;
export type GateConfig = z.infer<typeof gateSchema>;
export type CheckConfig = z.infer<typeof checkSchema>;
export type LimitsConfig = z.infer<typeof limitsSchema>;
export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
