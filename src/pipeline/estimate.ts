// The local estimate (no Cognigy): the local classifier trained on the base data (read with git at a ref, the checkout
// untouched) and on the head data (the working tree), both scored on the head's tests. An estimate from a local model,
// not Cognigy's: every place that shows it says so.
import { readFileSync, statSync } from "node:fs";
import { posix, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { maskPii } from "../checks/pii.js";
import { createHash } from "node:crypto";
import { type Classifier, canonicalOrder, fitMany, trainingSeed } from "../classifier/index.js";
import { type Config, configSchema, type FlowConfig } from "../config/schema.js";
import { decodeUtf8, MAX_FILE_BYTES } from "../dataset/files.js";
import { loadDataset } from "../dataset/load.js";
import { normalize } from "../dataset/normalize.js";
import { parseIntentFile, parseTestsFile } from "../dataset/parse.js";
import type { Dataset, FlowData } from "../dataset/types.js";
import type { Logger } from "../logger.js";
import type { Prediction } from "../report/types.js";
import { DEFAULT_THRESHOLD } from "./evaluate.js";
import { GitUnavailable, lsTree, readBlobs, repoPrefix, resolveCommit, showFile } from "./git.js";
import { detectRenames, type IntentExamples, labelKey, type ModelLabels, type Rename } from "./renames.js";
import { splitFlow, type TestItem } from "./testset.js";

/** What every place showing the estimate says about it. */
export const ESTIMATE_NOTE = "an estimate from a local model, not Cognigy's";

/** The default base when neither --base-ref nor the pull request's base is known. */
export const DEFAULT_BASE_REF = "origin/main";

/** The base of a pull request as its event payload gives it (pull_request.base). */
export interface EventBase {
  /** Branch name, e.g. "main". */
  ref?: string;
  sha?: string;
}

/**
 * pull_request.base of the GitHub event at GITHUB_EVENT_PATH: undefined when the run is not a pull request's (no
 * payload, another event); `{}` members missing when the payload lacks them.
 */
export function readEventBase(env: NodeJS.ProcessEnv): EventBase | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return undefined;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > 25 * 1024 * 1024) return undefined;
    const payload = JSON.parse(readFileSync(path, "utf8")) as { pull_request?: { base?: { ref?: unknown; sha?: unknown } } } | null;
    const pr = payload?.pull_request;
    if (!pr || typeof pr !== "object") return undefined;
    const base = pr.base && typeof pr.base === "object" ? pr.base : {};
    return {
      ...(typeof base.ref === "string" && base.ref ? { ref: base.ref } : {}),
      ...(typeof base.sha === "string" && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(base.sha) ? { sha: base.sha } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The base to read: --base-ref, else the pull request's base commit (named after its branch), else origin/main. */
export function chooseBase(flag: string | undefined, event: EventBase | undefined): { ref: string; rev?: string; missing?: string } {
  if (flag) return { ref: flag };
  if (event) {
    const ref = event.ref ? `origin/${event.ref}` : "the pull request's base";
    if (event.sha) return { ref, rev: event.sha };
    return { ref, missing: "the pull request event has no base.sha (pass --base-ref)" };
  }
  return { ref: DEFAULT_BASE_REF };
}

export interface LocalEstimateInput {
  /** The repository root (the config file's folder): head data is read from here, base data with git. */
  cwd: string;
  config: Config;
  /** Git ref or sha of the base (--base-ref); default: the pull request's base commit from `event`, else `origin/main`. */
  baseRef?: string;
  /**
   * The pull request's base from the event payload; default: read from GITHUB_EVENT_PATH (readEventBase); null: none
   * (a laptop run: origin/main).
   */
  event?: EventBase | null;
  logger: Logger;
  /** The head tests to score (check.maxRequests selection); default: every held-out test of the head data. */
  tests?: readonly TestItem[];
  /** The head dataset when already loaded (default: loaded from `cwd`). */
  dataset?: Dataset;
  /** The config file's path (absolute or relative to cwd), to read the base's flow folders; default cognigy-nlu.yml. */
  configPath?: string;
}

export interface LocalEstimate {
  /** Head model (trained on the head data) on the head tests. */
  head: Prediction[];
  /** Base model (trained on the base data) on the head tests it was not trained on; absent without a base. */
  base?: Prediction[];
  /** The base as given (ref), with its commit when resolved. */
  baseRef: string;
  baseSha?: string;
  /** Why there is no base (head's metrics only). */
  noBaseReason?: string;
  /** The intents the base model learnt, by flow × locale (comparePaired leaves out tests of others). */
  baseLabels?: ModelLabels;
  /** Base intents the head renamed (detectRenames on the two sides' examples). */
  renames?: Rename[];
  /** Per YAML locale threshold used for "(none)" (the first flow's). */
  threshold: number;
  /** Timings, ms. */
  ms: { readBase: number; train: number; score: number; total: number };
  /** Examples the two models learnt. */
  examples: { head: number; base?: number };
}

/** Training examples per flow name × locale key: intent name → texts (enabled intents only, held-out tests removed). */
type Training = Map<string, Map<string, { text: string; label: string }[]>>;

function trainingOf(data: readonly FlowData[], config: Config): { training: Training; tests: TestItem[]; rejects: Map<string, Set<string>> } {
  const training: Training = new Map();
  const tests: TestItem[] = [];
  const rejects = new Map<string, Set<string>>();
  for (const f of data) {
    const split = splitFlow(f, config.evaluate, []);
    const disabled = new Set(f.intents.filter((i) => i.disabled).map((i) => i.name));
    rejects.set(f.flow.name, new Set(f.intents.filter((i) => i.reject).map((i) => i.name)));
    const byLocale = new Map<string, { text: string; label: string }[]>();
    for (const [intent, locales] of split.uploaded) {
      if (disabled.has(intent)) continue;
      for (const [locale, texts] of Object.entries(locales)) {
        let list = byLocale.get(locale);
        if (!list) byLocale.set(locale, (list = []));
        for (const text of texts) list.push({ text, label: intent });
      }
    }
    training.set(f.flow.name, byLocale);
    tests.push(...split.tests);
  }
  return { training, tests, rejects };
}

function count(t: Training): number {
  let n = 0;
  for (const byLocale of t.values()) for (const list of byLocale.values()) n += list.length;
  return n;
}

/** The content key of a training set (any order): base and head models of an untouched flow × locale are fitted once. */
function dataKey(data: readonly { text: string; label: string }[]): string {
  const h = createHash("sha256");
  for (const d of canonicalOrder(data)) h.update(`${d.label}\u0000${d.text}\u0001`);
  return h.digest("hex");
}

/** Fits every flow × locale of the given trainings at once (fitMany: spare cores in worker threads); equal data fits once. */
async function fitAll(trainings: Training[]): Promise<Map<string, Classifier>[]> {
  const keys = new Map<string, { text: string; label: string }[]>();
  const slots = trainings.map((t) => {
    const m = new Map<string, string>();
    for (const [flow, byLocale] of t) {
      for (const [locale, data] of byLocale) {
        if (!data.length) continue;
        const key = dataKey(data);
        if (!keys.has(key)) keys.set(key, data);
        m.set(`${flow}\u0000${locale}`, key);
      }
    }
    return m;
  });
  const jobs = [...keys.entries()];
  const models = await fitMany(jobs.map(([, data]) => ({ data, seed: trainingSeed(data) })));
  const byKey = new Map(jobs.map(([key], i) => [key, models[i]]));
  return slots.map((m) => new Map([...m].map(([slot, key]) => [slot, byKey.get(key)!])));
}

/** Intent → normalised examples of one flow (all locales). */
function intentExamples(byLocale: Map<string, { text: string; label: string }[]> | undefined): IntentExamples {
  const out: IntentExamples = new Map();
  for (const data of byLocale?.values() ?? []) {
    for (const d of data) {
      let set = out.get(d.label);
      if (!set) out.set(d.label, (set = new Set()));
      set.add(normalize(d.text));
    }
  }
  return out;
}

function labelsOf(t: Training): ModelLabels {
  const out: ModelLabels = new Map();
  for (const [flow, byLocale] of t) for (const [locale, data] of byLocale) if (data.length) out.set(labelKey(flow, locale), new Set(data.map((d) => d.label)));
  return out;
}

function learnt(t: Training): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [flow, byLocale] of t) for (const [locale, data] of byLocale) out.set(`${flow}\u0000${locale}`, new Set(data.map((d) => normalize(d.text))));
  return out;
}

function score(models: Map<string, Classifier>, tests: readonly TestItem[], thresholds: Map<string, number>, rejects: Map<string, Set<string>>): Prediction[] {
  return tests.map((t) => {
    const c = models.get(`${t.flow}\u0000${t.locale}`);
    const t0 = performance.now();
    const top = c?.top(t.text);
    const ms = performance.now() - t0;
    const threshold = thresholds.get(t.flow) ?? DEFAULT_THRESHOLD;
    // A reject intent on top means "no intent" (as in Cognigy).
    const predicted = top && top.score >= threshold && !rejects.get(t.flow)?.has(top.name) ? top.name : null;
    return { flow: t.flow, locale: t.locale, text: maskPii(t.text), expected: t.expected, predicted, score: top?.score ?? 0, ms: Math.round(ms * 10) / 10 };
  });
}

/** The flow folders of the base config (by flow name), when the base has a config that parses; else undefined. */
function baseFlowDirs(bytes: Buffer | undefined): Map<string, string> | undefined {
  if (!bytes) return undefined;
  const text = decodeUtf8(bytes);
  if (!("text" in text)) return undefined;
  try {
    const parsed = configSchema.safeParse(parseYaml(text.text, { maxAliasCount: 100, logLevel: "error" }) ?? {});
    if (!parsed.success) return undefined;
    return new Map(parsed.data.flows.map((f) => [f.name, f.dir]));
  } catch {
    return undefined;
  }
}

/** Repository-top relative posix path of a folder given relative to the config root. */
function topPath(prefix: string, dir: string): string {
  return posix.normalize(posix.join(prefix, dir.split(sep).join("/"))).replace(/\/+$/, "");
}

/**
 * Reads every configured flow's intents/*.yml and tests/*.yml at `commit` with git (blobs directly in those folders,
 * as the loader reads the working tree; links and oversized files are skipped). Flows take their folder from the base
 * config when it has the same flow, else head's.
 */
export async function readBaseData(cwd: string, config: Config, commit: string, configPath: string): Promise<FlowData[]> {
  const { top, prefix } = await repoPrefix(cwd);
  const root = resolve(cwd);
  const relConfig = relative(top, resolve(root, configPath)).split(sep).join("/");
  const dirs = baseFlowDirs(await showFile(cwd, commit, relConfig));
  const flows: { flow: FlowConfig; dir: string }[] = config.flows.map((flow) => ({ flow, dir: topPath(prefix, dirs?.get(flow.name) ?? flow.dir) }));
  const subdirs = flows.flatMap((f) => [`${f.dir}/intents`, `${f.dir}/tests`]);
  const entries = await lsTree(cwd, commit, subdirs);
  const wanted = entries.filter((e) => e.type === "blob" && e.mode !== "120000" && e.size <= MAX_FILE_BYTES && /\.ya?ml$/i.test(e.path));
  const blobs = await readBlobs(cwd, [...new Set(wanted.map((e) => e.sha))]);
  const byPath = new Map(wanted.map((e) => [e.path, e]));
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return flows.map(({ flow, dir }) => {
    const data: FlowData = { flow, dir: resolve(top, dir), intents: [], tests: [], files: [] };
    for (const sub of ["intents", "tests"] as const) {
      const folder = `${dir}/${sub}/`;
      const files = [...byPath.keys()].filter((p) => p.startsWith(folder) && !p.slice(folder.length).includes("/")).sort(cmp);
      for (const p of files) {
        const bytes = blobs.get(byPath.get(p)!.sha);
        if (!bytes) continue;
        const text = decodeUtf8(bytes);
        if (!("text" in text)) continue;
        const file = posix.relative(prefix.replace(/\/+$/, "") || ".", p);
        data.files.push(file);
        if (sub === "intents") {
          const r = parseIntentFile(text.text, file, flow);
          if (r.intent) data.intents.push(r.intent);
        } else data.tests.push(...parseTestsFile(text.text, file, flow).tests);
      }
    }
    return data;
  });
}

/**
 * The local estimate: trains the local classifier on the head data and, when the base resolves, on the base data read
 * with git at `baseRef` (fetched from origin when the clone lacks it), and scores both on the same head tests. Base
 * predictions leave out the tests the base model learnt (comparePaired counts them as excluded). Seconds, no network
 * beyond git.
 */
export async function localEstimate(input: LocalEstimateInput): Promise<LocalEstimate> {
  const t0 = performance.now();
  const { cwd, config, logger } = input;
  const chosen = chooseBase(input.baseRef || undefined, input.event === undefined ? readEventBase(process.env) : (input.event ?? undefined));
  const baseRef = chosen.ref;
  const dataset = input.dataset ?? loadDataset({ config, root: cwd });
  const head = trainingOf(dataset.flows, config);
  const headLearnt = learnt(head.training);
  const tests = input.tests
    ? [...input.tests]
    : head.tests.filter((t) => !headLearnt.get(`${t.flow}\u0000${t.locale}`)?.has(normalize(t.text)));
  const thresholds = new Map(config.flows.map((f) => [f.name, f.threshold?.lower ?? DEFAULT_THRESHOLD]));

  let base: ReturnType<typeof trainingOf> | undefined;
  let baseSha: string | undefined;
  let noBaseReason: string | undefined;
  const tb = performance.now();
  try {
    if (chosen.missing) throw new GitUnavailable(chosen.missing);
    const resolved = await resolveCommit(cwd, chosen.rev ?? baseRef, logger);
    baseSha = resolved.sha;
    const data = await readBaseData(cwd, config, resolved.sha, input.configPath ?? "cognigy-nlu.yml");
    base = trainingOf(data, config);
    if (count(base.training) === 0) {
      noBaseReason = `the base ${baseRef} (${resolved.sha.slice(0, 12)}) has no training examples for the configured flows`;
      base = undefined;
    }
  } catch (e) {
    if (!(e instanceof GitUnavailable)) throw e;
    noBaseReason = `the base ${baseRef} could not be read: ${e.message}`;
  }
  const readBase = performance.now() - tb;
  if (noBaseReason) logger.warn(`${noBaseReason}; the estimate shows the head's metrics without a comparison`);

  const tt = performance.now();
  const [headModels, baseModels] = await fitAll(base ? [head.training, base.training] : [head.training]);
  const train = performance.now() - tt;

  const ts = performance.now();
  const headPredictions = score(headModels, tests, thresholds, head.rejects);
  let basePredictions: Prediction[] | undefined;
  let renames: Rename[] | undefined;
  if (base && baseModels) {
    const b = base;
    renames = [...head.training.keys()].flatMap((flow) => detectRenames(flow, intentExamples(b.training.get(flow)), intentExamples(head.training.get(flow))));
    const baseLearnt = learnt(base.training);
    // the base scores only tests of a flow × locale it has a model for, and never one it learnt (comparePaired counts
    // the rest as excluded: out of the comparison, still in head's metrics)
    const unseen = tests.filter((t) => {
      const k = `${t.flow}\u0000${t.locale}`;
      return baseModels.has(k) && !baseLearnt.get(k)?.has(normalize(t.text));
    });
    basePredictions = score(baseModels, unseen, thresholds, base.rejects);
  }
  const scoreMs = performance.now() - ts;
  const r = (n: number) => Math.round(n);
  return {
    head: headPredictions,
    ...(basePredictions ? { base: basePredictions } : {}),
    baseRef,
    ...(baseSha ? { baseSha } : {}),
    ...(noBaseReason ? { noBaseReason } : {}),
    ...(base ? { baseLabels: labelsOf(base.training), renames: renames ?? [] } : {}),
    threshold: thresholds.get(config.flows[0]?.name ?? "") ?? DEFAULT_THRESHOLD,
    ms: { readBase: r(readBase), train: r(train), score: r(scoreMs), total: r(performance.now() - t0) },
    examples: { head: count(head.training), ...(base ? { base: count(base.training) } : {}) },
  };
}
