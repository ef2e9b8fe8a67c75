// Shared shapes of the pipeline steps: what every step receives (deps) and the resolved Cognigy targets they work on.
import type { CognigyApi, Locale } from "../cognigy/types.js";
import type { FlowConfig } from "../config/schema.js";
import type { Dataset, FlowData } from "../dataset/types.js";
import type { Logger } from "../logger.js";
import type { RemoteIntent } from "./diff.js";
import type { FlowSplit } from "./testset.js";

/** One audit event per step (the Action writes them as JSONL). */
export interface StepEvent {
  step: string;
  outcome: "success" | "failure" | "skipped";
  counts?: Record<string, number>;
  durationMs: number;
  message?: string;
}

/** What the steps talk to. Everything that reaches the outside world is injected here. */
export interface PipelineDeps {
  client: CognigyApi;
  logger: Logger;
  /** Called once per step when it ends. */
  audit?: (event: StepEvent) => void;
  /** Called when a step starts ("plan", "sync", …). */
  onStep?: (step: string) => void;
  /** Clock (snapshot names, timings). Default: Date.now. */
  now?: () => number;
}

/** deps for runCheck / runRelease: the client is optional there (no API key → validate only). */
export interface RunDeps extends Omit<PipelineDeps, "client"> {
  client?: CognigyApi;
  /** An already loaded dataset (e.g. the demo's edited in-memory copy); default: loadDataset from run.root. */
  dataset?: Dataset;
  /** check: the base's data (the demo's last released copy); default: read with git at the base ref (drift, PR check). */
  baseDataset?: Dataset;
}

export interface TargetLocale {
  /** The YAML locale key. */
  key: string;
  locale: Locale;
}

/** One configured flow resolved to its Cognigy ids. */
export interface Target {
  flow: FlowConfig;
  data: FlowData;
  projectId: string;
  flowId: string;
  flowReferenceId: string;
  /** Whether Cognigy says the flow's model is older than its data. */
  isTrainingOutOfDate: boolean;
  locales: TargetLocale[];
  /** The flow's attached flows as Cognigy lists them (their sentences and intents count towards its caps). */
  attachedFlows?: string[];
  /** The flow is declared in the config but Cognigy has none by that name yet (check only: no ids, nothing to read). */
  missing?: true;
}

/**
 * One flow as the steps of a run share it: Cognigy's state read once (in a release: before the sync) and the held-out
 * split made against that state, so plan, drift and evaluate agree on what is uploaded and what is a test.
 */
export interface FlowState {
  target: Target;
  remote: RemoteIntent[];
  split: FlowSplit;
}

export type { Prediction } from "../report/types.js";
