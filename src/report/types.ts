// The report.json schema: what every pipeline step returns and every writer (markdown, HTML, comment, outputs) reads.
import type { Finding } from "../checks/types.js";
import type { RequestStats } from "../cognigy/types.js";

export type Mode = "validate" | "plan" | "sync" | "train" | "evaluate" | "check" | "release" | "backup" | "drift" | "harvest" | "demo";
/** `not evaluated`: a check that could score nothing (no tests, Cognigy failed and no estimate was possible). */
export type Status = "success" | "failure" | "skipped" | "not evaluated";

export interface SentenceChange {
  intent: string;
  /** YAML locale key. */
  locale: string;
  text: string;
  /** A removal of the intent's own held-out test (pull --holdout): expected, not counted against maxDeletions. */
  heldOut?: boolean;
}

export interface IntentChange {
  intent: string;
  /** The fields that change, old → new (create: all fields). */
  fields?: Record<string, { from: unknown; to: unknown }>;
}

export interface FlowPlan {
  flow: string;
  flowId?: string;
  createIntents: IntentChange[];
  updateIntents: IntentChange[];
  deleteIntents: IntentChange[];
  addSentences: SentenceChange[];
  removeSentences: SentenceChange[];
  /** Sentences already in Cognigy and in the files. */
  unchanged: number;
  /** Intents in Cognigy that no file defines and the repository does not own (left alone; `prune: true` deletes them). */
  unmanagedIntents?: string[];
  /** Sentence changes not listed above because the lists were capped (the totals count them all). */
  omitted?: { addSentences: number; removeSentences: number };
  /** Sentences deleted together with deleted intents (counted against maxDeletions). */
  deletedIntentSentences?: number;
  /** Removals that are held-out tests still in Cognigy (pull --holdout): expected, not counted against maxDeletions. */
  heldOutRemovals?: number;
}

export interface Plan {
  flows: FlowPlan[];
  totals: { createIntents: number; updateIntents: number; deleteIntents: number; addSentences: number; removeSentences: number; unchanged: number };
  /** True when nothing would change. */
  empty: boolean;
}

export interface SyncResult {
  applied: boolean;
  strategy: "batch" | "import";
  /** The backup taken before destructive operations, if any. */
  backup?: { kind: "snapshot" | "export"; id?: string; name?: string; path?: string };
  writeCalls: number;
  perIntent: Record<string, { accepted: number; rejected: number }>;
}

export interface TrainingResult {
  mode: "full" | "quick";
  threshold?: { lower: number; upper: number };
  tasks: { flow: string; locale: string; taskId: string; status: string; seconds: number }[];
}

export interface IntentMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Confusion {
  expected: string; // intent name or "(out of scope)"
  predicted: string; // intent name or "(none)" when below threshold
  count: number;
  /** Up to 3 example utterances (PII masked). */
  examples: string[];
}

export interface Metrics {
  /** Number of test utterances scored. */
  total: number;
  accuracy: number;
  macroF1: number;
  macroPrecision: number;
  macroRecall: number;
  weightedF1: number;
  weightedPrecision: number;
  weightedRecall: number;
  perIntent: Record<string, IntentMetrics>;
  outOfScope?: { precision: number; recall: number; support: number; threshold: number };
  /** confusion[expected][predicted] = count (includes the diagonal). */
  confusionMatrix: Record<string, Record<string, number>>;
  confusions: Confusion[];
  latencyMs: { p50: number; p95: number };
  /** Score of the top prediction, split by correct / wrong (for the confidence histogram): 10 bins over [0,1]. */
  confidence?: { correct: number[]; wrong: number[] };
  /** Which shard this report covers, when evaluation was sharded ("1/4"). */
  shard?: string;
}

export interface GateResult {
  passed: boolean;
  /** Every failed threshold, in words a reviewer understands. */
  reasons: string[];
  /** Each threshold checked with its value. */
  checks: { name: string; threshold: number; value: number | null; passed: boolean }[];
  /** What the gate saw and did not fail on (an intent below the warning level of F1 when minIntentF1 is not set). */
  warnings?: string[];
  baseline?: { path?: string; macroF1: number; commit?: string };
}

export interface PromotionResult {
  promoted: boolean;
  snapshotId?: string;
  snapshotName?: string;
  endpoints?: { id: string; name: string; previousEntrypoint?: string }[];
  rolledBack?: boolean;
  deletedSnapshots?: string[];
  /** Release: the verification read after the promotion showed this run's data (false: another writer changed the flow). */
  verified?: boolean;
  /** Release: endpoints put back where they pointed before, because the verification read failed. */
  endpointsPutBack?: string[];
}

/** One scored held-out utterance (text PII-masked): kept so shard reports can be merged into exact metrics. */
export interface Prediction {
  flow: string;
  /** YAML locale key. */
  locale: string;
  text: string;
  /** Intent name, or null for an out-of-scope test. */
  expected: string | null;
  /** Top intent at or above the threshold, or null ("(none)"). */
  predicted: string | null;
  /** Score of the top intent (also when below the threshold). */
  score: number;
  /** Latency of the scores call, ms. */
  ms: number;
}

/** How the evaluation was set up (what the metrics cover). */
export interface EvaluationInfo {
  /** Top scores below this count as "(none)" (flow threshold `lower`). */
  threshold: number;
  /** Held-out test utterances per intent in the whole test set (before sample / shard); the gate's minTestsPerIntent uses it. */
  testsPerIntent: Record<string, number>;
  /** Examples held out by evaluate.split (never uploaded). */
  heldOutBySplit: number;
  /** Examples evaluate.split picked that Cognigy already had: kept in training, not tests (the split never deletes). */
  splitKeptInCognigy?: number;
  /** Test utterances in the whole set, and how many this run scored. */
  totalTests: number;
  scored: number;
  sample?: number;
  shard?: string;
  /** Shards combined by `report merge`. */
  mergedShards?: string[];
  /** Per YAML locale: utterances, accuracy, macro F1. */
  byLocale?: Record<string, { total: number; accuracy: number; macroF1: number }>;
  /** Why nothing was evaluated (check mode without a trained model, no API key). */
  skipped?: string;
  /** Tests left out, e.g. in check mode the tests of intents the current model does not have yet. */
  excluded?: { count: number; reason: string };
  /** Check mode: the model evaluated is the one trained in Cognigy now, possibly older than the plan's data. */
  model?: "trained-now" | "current";
  /** Which data the evaluated model learnt: the pull request's (`head`) or what is deployed (`deployed`). */
  subject?: "head" | "deployed";
  /** Who scored: Cognigy, or the local classifier (an estimate from a local model, not Cognigy's). */
  engine?: EvaluationEngine;
  /** The preview flow's name, when a preview model in Cognigy was evaluated. */
  flow?: string;
  /** Why there is no comparison with a base (e.g. the base ref could not be read; no trained production model). */
  noComparison?: string;
  /** Tests the run chose to score (check.maxRequests), and how. */
  selection?: { total: number; evaluated: number; how: string };
  /** Status `not evaluated` passes (check.allowUnevaluated). */
  unevaluatedAllowed?: boolean;
}

export type EvaluationEngine = "cognigy" | "local";

/** The metrics a comparison side shows (computed on the paired utterances only). */
export type ComparisonMetrics = Pick<Metrics, "total" | "accuracy" | "macroF1" | "macroPrecision" | "macroRecall" | "perIntent">;

/** One test utterance whose verdict differs between base and head (text PII-masked). */
export interface FlippedUtterance {
  flow: string;
  /** YAML locale key. */
  locale: string;
  text: string;
  /** Intent name, or null for an out-of-scope test. */
  expected: string | null;
  /** What the base model predicted (null = "(none)"). */
  base: string | null;
  /** What the head model predicted (null = "(none)"). */
  head: string | null;
}

/** Base vs head scored on the same utterances (the head's tests). */
export interface Comparison {
  base: { ref: string; engine: EvaluationEngine; metrics: ComparisonMetrics };
  head: { metrics: ComparisonMetrics };
  /** head − base (negative = worse). perIntent: F1 delta per intent with tests. */
  delta: { accuracy: number; macroF1: number; perIntent: Record<string, number> };
  /** Utterances the base got right and the head wrong (toWrong), and the reverse (toRight). */
  flipped: { toWrong: FlippedUtterance[]; toRight: FlippedUtterance[] };
  significance: {
    /** "mcnemar-exact" (p on the discordant pairs); the interval is a seeded paired bootstrap of the macro F1 delta. */
    method: string;
    pValue: number;
    /** 95% paired bootstrap interval of head − base macro F1. */
    macroF1Interval: [number, number];
  };
  /** Head tests left out of the comparison (the base model was trained on them, or base did not score them); head's own metrics keep them. */
  excluded: number;
  /** Base intents this change renamed (detected from their examples): the base's predictions of `from` count as `to`. */
  renamed?: { flow: string; from: string; to: string; overlap: number }[];
  /** Head tests of intents the base model cannot predict (new intents, renames not detected): left out of the comparison only. */
  newIntents?: { tests: number; intents: string[] };
}

/** A trusted setting (gate threshold, check.allowUnevaluated) this change sets differently from its base. */
export interface ThresholdChange {
  /** "gate.macroF1", …, "check.allowUnevaluated". */
  key: string;
  /** The base's value (what the check used); null = off. */
  base: number | boolean | null;
  /** This change's value (applies after merge); null = off. */
  head: number | boolean | null;
  /** True when the change lets more through (a lower bar, a wider allowance). */
  loosens: boolean;
}

/** Where the check's gate thresholds came from, and those this change proposes (pull requests). */
export interface ThresholdsReport {
  /** base: the base's config; defaults: the base has no (valid) config; head: the base could not be read. */
  from: "base" | "defaults" | "head";
  /** The base as read (ref, commit). */
  ref: string;
  /** Why the thresholds are not the base's. */
  note?: string;
  /** Settings this change sets differently: shown as proposed, apply after merge. */
  proposed: ThresholdChange[];
  /** Whether the gate would have passed with this change's own thresholds (set when they differ and a gate ran). */
  proposedGatePassed?: boolean;
}

export interface StepTiming {
  step: string;
  ms: number;
  outcome: Status;
}

export interface Report {
  /** Schema version of this file. */
  version: 1;
  tool: { name: "cognigy-nlu"; version: string };
  status: Status;
  mode: Mode;
  commit?: string;
  startedAt: string;
  finishedAt?: string;
  /** One-line verdict shown first everywhere. */
  summary: string;
  plan?: Plan;
  sync?: SyncResult;
  training?: TrainingResult;
  metrics?: Metrics;
  baselineMetrics?: Pick<Metrics, "accuracy" | "macroF1" | "macroPrecision" | "macroRecall" | "perIntent">;
  gate?: GateResult;
  promotion?: PromotionResult;
  findings: Finding[];
  /** The findings baseline (cognigy-nlu.baseline.json), when the repository has one: known findings do not fail. */
  knownFindings?: KnownFindings;
  /** Free-form per-mode extras (drift table, backup manifest summary, harvest proposals). */
  drift?: unknown;
  backup?: unknown;
  harvest?: unknown;
  requests?: RequestStats;
  /** How the metrics were obtained. */
  evaluation?: EvaluationInfo;
  /** Base vs head on the same utterances (check: the deployed model or the local model on base data). */
  comparison?: Comparison;
  /** Pull requests: the gate thresholds came from the base; those this change proposes. */
  thresholds?: ThresholdsReport;
  /** Every scored utterance (PII-masked), for `report merge` and drill-down. */
  predictions?: Prediction[];
  /**
   * A sharded check's shard: the base model's predictions on this shard's utterances (those it was not trained on), so
   * `report merge` builds the paired comparison over all shards. Absent elsewhere (the comparison is made in the run).
   */
  basePredictions?: {
    ref: string;
    engine: EvaluationEngine;
    widen?: number;
    predictions: Prediction[];
    /** Base intents this change renamed (comparePaired's `renames`). */
    renames?: { flow: string; from: string; to: string; overlap: number }[];
    /** The intents the base model can predict, by "flow\u0000locale" (comparePaired's `baseLabels`). */
    baseLabels?: Record<string, string[]>;
  };
  /** A check's preview flows in Cognigy, by their tag (owner + run): `report merge` of a sharded check deletes them. */
  preview?: { owner: string; run: string; flows: string[] };
  timings: StepTiming[];
  /**
   * Set when the run failed: the step and the message. kind "setup": a wrong key, host or base-url found before any
   * work was done in Cognigy (the CLI exits 2).
   */
  error?: { step: string; message: string; kind?: "setup" };
}

/** How the findings baseline applied to a run. */
export interface KnownFindings {
  /** The baseline file, relative to the repository root. */
  file: string;
  /** Findings of this run the baseline holds (shown as known, not counted). */
  known: number;
  /** Findings the baseline holds that are gone: the file can shrink (validate --update-baseline). */
  fixed: number;
  /** Findings the baseline file holds. */
  size: number;
  /** The base branch's baseline file compared with this one: findings the change adds to it / removes from it. */
  base?: { ref: string; size: number; added: number; removed: number };
}
