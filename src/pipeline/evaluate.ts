// The evaluate step: scores every held-out utterance with nlu/scores (bounded concurrency) and computes the metrics.
import pLimit from "p-limit";
import { maskPii } from "../checks/pii.js";
import type { RunConfig } from "../config/options.js";
import type { EvaluationInfo, Metrics, Prediction } from "../report/types.js";
import { shardSlice, stratifiedSample } from "./holdout.js";
import { normalize } from "../dataset/normalize.js";
import { computeMetrics, metricsByLocale, topPrediction, toScored } from "./metrics.js";
import { type TestItem, testKey } from "./testset.js";
import type { FlowState, PipelineDeps, Target } from "./types.js";

/**
 * The threshold used when neither the config (flows[].threshold.lower) nor Cognigy's flow settings
 * (intentThreshold.lower) give one: a top score below it counts as no intent ("(none)").
 */
export const DEFAULT_THRESHOLD = 0.4;

export interface EvaluateResult {
  metrics: Metrics;
  predictions: Prediction[];
  evaluation: EvaluationInfo;
  /** The tests scored, in the predictions' order (unmasked: for scoring the same utterances against another model). */
  tests: TestItem[];
}

/** The flow's threshold: config, else Cognigy's flow settings, else DEFAULT_THRESHOLD. */
export async function flowThreshold(deps: PipelineDeps, t: Target): Promise<number> {
  if (t.flow.threshold) return t.flow.threshold.lower;
  const s = await deps.client.getFlowSettings(t.flowId);
  const lower = s.intentThreshold?.lower;
  return typeof lower === "number" && Number.isFinite(lower) ? lower : DEFAULT_THRESHOLD;
}

export interface TestSelection {
  /** Tests whose (file, line) a test-leakage finding names: they measure nothing and are left out. */
  leaked?: ReadonlySet<string>;
  /** Keeps only the tests it accepts (check mode: intents the current model has). */
  only?: (item: TestItem) => boolean;
  /** Why `only` leaves tests out, for the report. */
  onlyReason?: string;
  /**
   * The model scored: `trained-now` (a release, after its sync: trained on the uploaded examples) or `current` (what
   * Cognigy holds in the flows' state). Tests the model was trained on are left out either way. Default `current`.
   */
  model?: "trained-now" | "current";
  /**
   * Narrows the tests after `only` and before the sample and the shard (check mode: check.maxRequests): returns the
   * tests kept and how they were picked (evaluation.selection).
   */
  select?: (items: TestItem[]) => { items: TestItem[]; selection?: TestSelectionInfo };
}

/** How a bounded check picked its tests (report.evaluation.selection). */
export interface TestSelectionInfo {
  total: number;
  evaluated: number;
  how: string;
}

/**
 * Normalised texts, per YAML locale key, of the sentences the evaluated model learnt: for `trained-now` the uploaded
 * examples plus the sentences of intents in Cognigy the repository does not define (the sync leaves them alone, the
 * training uses them); for `current` every sentence of the flow's state.
 */
export function trainingTexts(flow: FlowState, model: "trained-now" | "current"): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (locale: string, texts: readonly string[] | undefined) => {
    let set = out.get(locale);
    if (!set) out.set(locale, (set = new Set()));
    for (const t of texts ?? []) set.add(normalize(t));
  };
  const defined = new Set(flow.target.data.intents.map((i) => i.name));
  for (const r of flow.remote) {
    if (model === "trained-now" && defined.has(r.name)) continue;
    for (const [locale, texts] of Object.entries(r.sentences)) add(locale, texts);
  }
  if (model === "trained-now") for (const byLocale of flow.split.uploaded.values()) for (const [locale, texts] of Object.entries(byLocale)) add(locale, texts);
  return out;
}

/**
 * Every test of the run in order, without leaked ones and without sentences the model was trained on, then `only`,
 * the optional stratified sample and the shard slice. The tests come from each flow's split as given (made against the
 * same Cognigy state as the plan), never recomputed here. testsPerIntent counts the tests left after the leaked and
 * trained-on ones (before `only`, sample and shard).
 */
export function selectTests(
  run: RunConfig,
  flows: readonly FlowState[],
  sel: TestSelection = {},
): {
  all: TestItem[];
  selected: TestItem[];
  testsPerIntent: Record<string, number>;
  heldOut: number;
  keptInCognigy: number;
  excluded?: { count: number; reason: string };
  selection?: TestSelectionInfo;
} {
  const all: TestItem[] = [];
  const testsPerIntent: Record<string, number> = {};
  let heldOut = 0;
  let keptInCognigy = 0;
  let leaked = 0;
  let trained = 0;
  const multi = flows.length > 1;
  const isLeaked = (i: TestItem) => Boolean(sel.leaked && i.file !== undefined && i.line !== undefined && sel.leaked.has(testKey(i.file, i.line)));
  for (const f of flows) {
    const t = f.target;
    const s = f.split;
    const learnt = trainingTexts(f, sel.model ?? "current");
    const notLeaked = s.tests.filter((i) => !isLeaked(i));
    const kept = notLeaked.filter((i) => !learnt.get(i.locale)?.has(normalize(i.text)));
    all.push(...kept);
    leaked += s.tests.length - notLeaked.length;
    trained += notLeaked.length - kept.length;
    heldOut += s.heldOut;
    keptInCognigy += s.keptInCognigy;
    for (const name of Object.keys(s.testsPerIntent)) testsPerIntent[multi ? `${t.flow.name}/${name}` : name] = 0;
    for (const i of kept) {
      if (i.expected === null) continue;
      const k = multi ? `${t.flow.name}/${i.expected}` : i.expected;
      if (k in testsPerIntent) testsPerIntent[k]++;
    }
  }
  let selected = sel.only ? all.filter(sel.only) : all;
  const filtered = all.length - selected.length;
  const reasons: string[] = [];
  if (leaked) reasons.push(`${leaked} that leaked into the training examples (test-leakage)`);
  if (trained) reasons.push(`${trained} that the evaluated model was trained on (training sentences in Cognigy)`);
  if (filtered) reasons.push(`${filtered} ${sel.onlyReason ?? "filtered out"}`);
  let selection: TestSelectionInfo | undefined;
  if (sel.select) {
    const picked = sel.select(selected);
    selected = picked.items;
    selection = picked.selection;
  }
  const { sample, seed } = run.config.evaluate;
  if (sample !== undefined && sample < 1) {
    selected = stratifiedSample(selected, sample, seed, (i) => `${i.flow}\u0000${i.locale}\u0000${i.expected ?? ""}`, (i) => i.text);
  }
  if (run.shard) selected = shardSlice(selected, run.shard.index, run.shard.count);
  const excluded = leaked + trained + filtered;
  return {
    all,
    selected,
    testsPerIntent,
    heldOut,
    keptInCognigy,
    ...(excluded ? { excluded: { count: excluded, reason: reasons.join("; ") } } : {}),
    ...(selection ? { selection } : {}),
  };
}

/**
 * Scores the held-out tests against each flow's trained model (flow and locale referenceIds), at most
 * evaluate.concurrency calls at a time (the client's request budget still applies to each). `flows` carry the split
 * made against the state the plan read (readFlowStates when there was no plan).
 */
export async function evaluateFlows(
  run: RunConfig,
  deps: PipelineDeps,
  input: { flows: readonly FlowState[] } & TestSelection,
): Promise<EvaluateResult> {
  const { all, selected, testsPerIntent, heldOut, keptInCognigy, excluded, selection } = selectTests(run, input.flows, input);
  const targets = input.flows.map((f) => f.target);
  const { predictions, thresholds } = await scoreTests(run, deps, targets, selected);
  const threshold = thresholds.get(targets[0]?.flow.name ?? "") ?? DEFAULT_THRESHOLD;
  const metrics = computeMetrics(toScored(predictions), { threshold });
  const shard = run.shard ? `${run.shard.index}/${run.shard.count}` : undefined;
  if (shard) metrics.shard = shard;
  const evaluation: EvaluationInfo = {
    threshold,
    testsPerIntent,
    heldOutBySplit: heldOut,
    totalTests: all.length,
    scored: predictions.length,
    byLocale: metricsByLocale(predictions, threshold),
  };
  if (keptInCognigy) evaluation.splitKeptInCognigy = keptInCognigy;
  if (run.config.evaluate.sample !== undefined && run.config.evaluate.sample < 1) evaluation.sample = run.config.evaluate.sample;
  if (shard) evaluation.shard = shard;
  if (excluded) evaluation.excluded = excluded;
  if (selection) (evaluation as EvaluationInfo & { selection?: TestSelectionInfo }).selection = selection;
  return { metrics, predictions, evaluation, tests: selected };
}

/**
 * Scores `items` against the trained models of `targets` (matched by configured flow name, so a preview target scores
 * the same items as its production flow), at most evaluate.concurrency calls at a time. Predictions in items' order.
 */
export async function scoreTests(
  run: RunConfig,
  deps: PipelineDeps,
  targets: readonly Target[],
  selected: readonly TestItem[],
): Promise<{ predictions: Prediction[]; thresholds: Map<string, number> }> {
  const byFlow = new Map(targets.map((t) => [t.flow.name, t]));
  const thresholds = new Map<string, number>();
  for (const t of targets) thresholds.set(t.flow.name, await flowThreshold(deps, t));
  const limit = pLimit(run.config.evaluate.concurrency);
  const predictions: Prediction[] = new Array(selected.length);
  let done = 0;
  let nextLog = 0.25;
  const clock = () => performance.now();
  await Promise.all(
    selected.map((item, i) =>
      limit(async () => {
        const t = byFlow.get(item.flow) as Target;
        const locale = t.locales.find((l) => l.key === item.locale);
        if (!locale) throw new Error(`no locale ${item.locale} in flow ${item.flow}`);
        const t0 = clock();
        const scores = await deps.client.scores(t.projectId, { flowReferenceId: t.flowReferenceId, localeReferenceId: locale.locale.referenceId, sentence: item.text });
        const ms = clock() - t0;
        const top = topPrediction(scores, thresholds.get(item.flow) ?? DEFAULT_THRESHOLD);
        predictions[i] = { flow: item.flow, locale: item.locale, text: maskPii(item.text), expected: item.expected, predicted: top.predicted, score: top.score, ms: Math.round(ms * 10) / 10 };
        done++;
        if (selected.length >= 400 && done / selected.length >= nextLog && done < selected.length) {
          deps.logger.info(`scored ${done}/${selected.length}`);
          while (done / selected.length >= nextLog) nextLog += 0.25;
        }
      }),
    ),
  );
  return { predictions, thresholds };
}
