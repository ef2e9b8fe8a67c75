// The report.json schema: what every pipeline step returns and every writer (markdown, HTML, comment, outputs) reads.
import type { Finding } from "../checks/types.js";
import type { RequestStats } from "../cognigy/types.js";

export type Mode = "validate" | "plan" | "sync" | "train" | "evaluate" | "check" | "release" | "backup" | "drift" | "harvest" | "demo";
export type Status = "success" | "failure" | "skipped";

export interface SentenceChange {
  intent: string;
  /** YAML locale key. */
  locale: string;
  text: string;
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
  baseline?: { path?: string; macroF1: number; commit?: string };
}

export interface PromotionResult {
  promoted: boolean;
  snapshotId?: string;
  snapshotName?: string;
  endpoints?: { id: string; name: string; previousEntrypoint?: string }[];
  rolledBack?: boolean;
  deletedSnapshots?: string[];
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
  /** Free-form per-mode extras (drift table, backup manifest summary, harvest proposals). */
  drift?: unknown;
  backup?: unknown;
  harvest?: unknown;
  requests?: RequestStats;
  timings: StepTiming[];
  /** Set when the run failed: the step and the message. */
  error?: { step: string; message: string };
}
