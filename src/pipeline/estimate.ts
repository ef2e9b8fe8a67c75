// The local estimate (no Cognigy): the local classifier trained on the base data (read with git at a ref, the checkout
// untouched) and on the head data (the working tree), both scored on the head's tests. An estimate from a local model,
// not Cognigy's: every place that shows it says so.
import { readFileSync, statSync } from "node:fs";
import { posix, relative, resolve, sep } from "node:path";
import { maskPii } from "../checks/pii.js";
import { createHash } from "node:crypto";
import { type Classifier, canonicalOrder, fitMany, trainingSeed } from "../classifier/index.js";
import { configFromText } from "../config/load.js";
import type { Config, FlowConfig } from "../config/schema.js";
import { decodeUtf8, MAX_FILE_BYTES } from "../dataset/files.js";
import { type LoadedFile, loadDataset, loadedFiles } from "../dataset/load.js";
import { normalize } from "../dataset/normalize.js";
import { parseIntentFile, parseTestsFile } from "../dataset/parse.js";
import type { Dataset, FlowData } from "../dataset/types.js";
import type { Logger } from "../logger.js";
import type { Prediction } from "../report/types.js";
import { DEFAULT_THRESHOLD } from "./evaluate.js";
import { CatFile, checkRef, GitUnavailable, isRegularFile, lsTree, readBlobs, repoPrefix, resolveCommit, revParseWithPrefix, showFile, type TreeEntry, treeEntries } from "./git.js";
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
  /** A base read started earlier for the same cwd and config (`prefetchBase`): taken over instead of starting one. */
  prefetch?: BasePrefetch;
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
  /**
   * Timings, ms. readBase: what the base adds (git, its parse, its training data), less the head's work done while git
   * ran.
   */
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

/**
 * Scores the tests, each flow × locale's texts in one batch (`Classifier.topMany`); a prediction's `ms` is its share of
 * its batch's time.
 */
function score(models: Map<string, Classifier>, tests: readonly TestItem[], thresholds: Map<string, number>, rejects: Map<string, Set<string>>): Prediction[] {
  const bySlot = new Map<string, number[]>();
  for (const [i, t] of tests.entries()) {
    const k = `${t.flow}\u0000${t.locale}`;
    const list = bySlot.get(k);
    if (list) list.push(i);
    else bySlot.set(k, [i]);
  }
  const tops: ({ name: string; score: number } | undefined)[] = new Array(tests.length);
  const times = new Float64Array(tests.length);
  for (const [k, idx] of bySlot) {
    const c = models.get(k);
    if (!c) continue;
    const t0 = performance.now();
    const got = c.topMany(idx.map((i) => tests[i].text));
    const each = (performance.now() - t0) / idx.length;
    for (const [n, i] of idx.entries()) {
      tops[i] = got[n];
      times[i] = each;
    }
  }
  return tests.map((t, i) => {
    const top = tops[i];
    const ms = times[i];
    const threshold = thresholds.get(t.flow) ?? DEFAULT_THRESHOLD;
    // A reject intent on top means "no intent" (as in Cognigy).
    const predicted = top && top.score >= threshold && !rejects.get(t.flow)?.has(top.name) ? top.name : null;
    return { flow: t.flow, locale: t.locale, text: maskPii(t.text), expected: t.expected, predicted, score: top?.score ?? 0, ms: Math.round(ms * 10) / 10 };
  });
}

function sameSet<T>(a: ReadonlySet<T> | undefined, b: ReadonlySet<T> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const x of a ?? []) if (!b?.has(x)) return false;
  return true;
}

/** The flow folders of the base config (by flow name), when the base has a config that parses; else undefined. */
function baseFlowDirs(bytes: Buffer | undefined): Map<string, string> | undefined {
  if (!bytes) return undefined;
  const text = decodeUtf8(bytes);
  if (!("text" in text)) return undefined;
  const config = configFromText(text.text);
  return config && new Map(config.flows.map((f) => [f.name, f.dir]));
}

/** Repository-top relative posix path of a folder given relative to the config root. */
function topPath(prefix: string, dir: string): string {
  return posix.normalize(posix.join(prefix, dir.split(sep).join("/"))).replace(/\/+$/, "");
}

/** The files the loader parsed for the head's flow of the same name, when it parsed them with `flow`'s locales. */
function headFiles(head: Dataset | undefined, flow: FlowConfig): ReadonlyMap<string, LoadedFile> | undefined {
  const h = head?.flows.find((f) => f.flow.name === flow.name);
  const l = h && loadedFiles(h);
  if (!l || l.defaultLocale !== flow.defaultLocale) return undefined;
  // the same keys in the same order (the parser names them in that order in findings), the same values
  const x = Object.entries(l.locales);
  const y = Object.entries(flow.locales);
  return x.length === y.length && x.every(([k, v], i) => y[i][0] === k && y[i][1] === v) ? l.files : undefined;
}

/** The files of `entries` that the loader would read: blobs, not links, not oversized, *.yml / *.yaml directly in `subdirs`. */
function yamlFiles(entries: readonly TreeEntry[], subdirs: readonly string[]): TreeEntry[] {
  const folders = new Set(subdirs.map((d) => `${d}/`));
  return entries.filter(
    (e) => e.type === "blob" && e.mode !== "120000" && e.size <= MAX_FILE_BYTES && /\.ya?ml$/i.test(e.path) && folders.has(e.path.slice(0, e.path.lastIndexOf("/") + 1)),
  );
}

/** What the base read found: the flows with their folders, the files to parse (repository-top paths) and their bytes. */
interface BaseFiles {
  flows: { flow: FlowConfig; dir: string }[];
  /** Path → blob id of the files the loader would read (yamlFiles). */
  files: Map<string, string>;
  /** Blob id → bytes (missing and oversized blobs absent). */
  blobs: Map<string, Buffer>;
}

type Folders = (dirs: Map<string, string> | undefined) => { flows: { flow: FlowConfig; dir: string }[]; subdirs: string[] };

/** The same folders (as given to ls-tree) for the guess and the base config. */
function sameFolders(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A path that means the same to ls-tree (a pathspec: --full-tree, no wildcards there) and in `<commit>:<path>`: plain
 * names joined by "/" ("." and ".." would be folded by one and not the other, a leading ":" is pathspec magic, a line
 * break cannot be asked of cat-file, git on macOS precomposes Unicode in arguments only), with no GIT_*_PATHSPECS in
 * the environment (ls-tree refuses icase and glob).
 */
function plainPath(p: string): boolean {
  return p.length > 0 && !p.startsWith(":") && !/[\n\r\u0000]/.test(p) && p === p.normalize("NFC") && p.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

const PATHSPEC_ENV = ["GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS"];

/**
 * The base's config and flow files from the running cat-file alone, for plain paths: the read readBaseData did with
 * ls-tree. Undefined when a tree does not parse (the caller then does that read as it was).
 */
async function filesByTrees(cwd: string, commit: string, relConfig: string, folders: Folders, cat: CatFile): Promise<BaseFiles | undefined> {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) return undefined;
  const idBytes = commit.length / 2;
  const guess = folders(undefined);
  const slash = relConfig.lastIndexOf("/");
  // the commit's tree (ls-tree fails without one), the config's folder (its entry says blob or link) and the config
  // itself (checked against that entry), then the flow folders where the head has them: one write, answered in order
  const configRead = cat.read(
    [`${commit}^{tree}`, slash < 0 ? `${commit}^{tree}` : `${commit}:${relConfig.slice(0, slash)}`, `${commit}:${relConfig}`],
    (type, _size, i) => i === 2 || (i === 1 && type === "tree"),
  );
  const treesRead = cat.read(
    guess.subdirs.map((d) => `${commit}:${d}`),
    (type) => type === "tree",
  );
  configRead.catch(() => {});
  const trees = await treesRead;
  const files = new Map<string, string>();
  for (const [i, d] of guess.subdirs.entries()) {
    const t = trees[i];
    if (t?.type !== "tree" || !t.data) continue;
    const entries = treeEntries(t.data, idBytes);
    if (!entries) return undefined;
    for (const e of entries) if (isRegularFile(e.mode) && /\.ya?ml$/i.test(e.name)) files.set(`${d}/${e.name}`, e.oid);
  }
  // asked before the config is parsed: the base config nearly always keeps the head's folders
  const shas = [...new Set(files.values())];
  const blobsRead = cat.read(shas, (_type, size) => size <= MAX_FILE_BYTES);
  blobsRead.catch(() => {});
  const [tree, folder, byPath] = await configRead;
  if (!tree) return undefined;
  let bytes: Buffer | undefined;
  const entries = folder?.type === "tree" && folder.data ? treeEntries(folder.data, idBytes) : [];
  if (!entries) return undefined;
  const entry = entries.find((e) => e.name === relConfig.slice(slash + 1));
  if (entry && isRegularFile(entry.mode)) bytes = byPath?.oid === entry.oid ? byPath.data : (await cat.read([entry.oid]))[0]?.data;
  const base = folders(baseFlowDirs(bytes));
  if (!sameFolders(base.subdirs, guess.subdirs)) return filesByLsTree(cwd, commit, base);
  const objects = await blobsRead;
  const blobs = new Map<string, Buffer>();
  shas.forEach((sha, i) => {
    const data = objects[i]?.data;
    if (data) blobs.set(sha, data);
  });
  return { flows: base.flows, files, blobs };
}

/** The files of the base's flow folders with ls-tree and one cat-file (readBaseData's former calls). */
async function filesByLsTree(cwd: string, commit: string, base: ReturnType<Folders>): Promise<BaseFiles> {
  const wanted = yamlFiles(await lsTree(cwd, commit, base.subdirs), base.subdirs);
  return { flows: base.flows, files: new Map(wanted.map((e) => [e.path, e.sha])), blobs: await readBlobs(cwd, [...new Set(wanted.map((e) => e.sha))]) };
}

/**
 * The base data at `commit` (readBaseData's work), with few git processes and no avoidable wait between them. With
 * plain paths, the running `cat` reads it all: the config's folder and the config, the flow folders (tree objects)
 * where the head has them, then their files, asked for before the config is parsed (oversized ones passed over unread).
 * Each guess is checked: the config is a blob of the folder's listing, not a link; the base config keeps the head's
 * folders; else (or with other paths) readBaseData's former calls (showFile, lsTree, readBlobs) with their errors. A
 * file whose text is the one `head`'s loader parsed under the same name (same flow, same locales) takes that parse.
 */
async function readBaseAt(
  cwd: string,
  config: Config,
  commit: string,
  configPath: string,
  at: { top: string; prefix: string },
  cat: CatFile,
  headLater?: Dataset | Promise<Dataset | undefined>,
): Promise<FlowData[]> {
  const { top, prefix } = at;
  const root = resolve(cwd);
  const relConfig = relative(top, resolve(root, configPath)).split(sep).join("/");
  const folders: Folders = (dirs) => {
    const flows = config.flows.map((flow) => ({ flow, dir: topPath(prefix, dirs?.get(flow.name) ?? flow.dir) }));
    return { flows, subdirs: flows.flatMap((f) => [`${f.dir}/intents`, `${f.dir}/tests`]) };
  };
  const plain = [relConfig, ...folders(undefined).subdirs].every(plainPath) && PATHSPEC_ENV.every((v) => !process.env[v]);
  const { flows, files, blobs } =
    (plain ? await filesByTrees(cwd, commit, relConfig, folders, cat) : undefined) ??
    (await filesByLsTree(cwd, commit, folders(baseFlowDirs(await showFile(cwd, commit, relConfig)))));
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // git's reads are done; the head's parse (to reuse) may have been loading meanwhile
  const head = await headLater;
  return flows.map(({ flow, dir }) => {
    const data: FlowData = { flow, dir: resolve(top, dir), intents: [], tests: [], files: [] };
    const parsed = headFiles(head, flow);
    for (const sub of ["intents", "tests"] as const) {
      const folder = `${dir}/${sub}/`;
      const paths = [...files.keys()].filter((p) => p.startsWith(folder) && !p.slice(folder.length).includes("/")).sort(cmp);
      for (const p of paths) {
        const bytes = blobs.get(files.get(p)!);
        if (!bytes) continue;
        const text = decodeUtf8(bytes);
        if (!("text" in text)) continue;
        const file = posix.relative(prefix.replace(/\/+$/, "") || ".", p);
        data.files.push(file);
        // the parse is a function of the text, the name and the flow's locales: head's, when all three are the same
        const same = parsed?.get(file);
        const reuse = same?.kind === sub && same.text === text.text ? same : undefined;
        if (sub === "intents") {
          const intent = reuse?.kind === "intents" ? reuse.intent : parseIntentFile(text.text, file, flow).intent;
          if (intent) data.intents.push(intent);
        } else data.tests.push(...(reuse?.kind === "tests" ? reuse.tests : parseTestsFile(text.text, file, flow).tests));
      }
    }
    return data;
  });
}

/**
 * Reads every configured flow's intents/*.yml and tests/*.yml at `commit` with git (blobs directly in those folders,
 * as the loader reads the working tree; links and oversized files are skipped). Flows take their folder from the base
 * config when it has the same flow, else head's. With `head` (the working tree's dataset from loadDataset), a file
 * whose text is the one head parsed under the same name and locales is not parsed again (the same objects).
 */
export async function readBaseData(cwd: string, config: Config, commit: string, configPath: string, head?: Dataset): Promise<FlowData[]> {
  const cat = new CatFile(cwd);
  try {
    return await readBaseAt(cwd, config, commit, configPath, await repoPrefix(cwd), cat, head);
  } finally {
    cat.close();
  }
}

/**
 * resolveCommit then readBaseData, their git processes started at once (rev-parse for the commit and the folders,
 * `cat-file --batch` for every read) and left running while the caller goes on: each spawn and each git start-up costs
 * milliseconds of a check's start. The same results and errors as those two. `cancel` stops it (no fetch after that).
 */
function startBaseRead(cwd: string, config: Config, rev: string, configPath: string, logger: Logger, head: Dataset | Promise<Dataset | undefined>): { result: Promise<{ sha: string; data: FlowData[] }>; cancel: () => void } {
  let cancelled = false;
  // cancel() also stops a fetch under way (a check that stopped at validation need not wait for it)
  const abort = new AbortController();
  const quick = revParseWithPrefix(cwd, rev);
  // a bad ref throws before any git runs
  let cat = checkRef(rev) ? undefined : new CatFile(cwd);
  const result = (async () => {
    try {
      const got = await quick;
      let at: { sha: string; top: string; prefix: string } | undefined = got?.sha ? { sha: got.sha, top: got.top, prefix: got.prefix } : undefined;
      if (!at) {
        if (cancelled) throw new GitUnavailable("cancelled");
        // rev-parse told the folders and the clone's depth even when the ref is missing (an odd answer: ask again)
        const resolved = await resolveCommit(cwd, rev, logger, abort.signal, got ? { missing: true, shallow: got.shallow } : {});
        if (cancelled) throw new GitUnavailable("cancelled");
        at = { sha: resolved.sha, ...(got ? { top: got.top, prefix: got.prefix } : await repoPrefix(cwd)) };
        // the fetch brought new objects: read them with a cat-file started after it
        cat?.close();
        cat = undefined;
      }
      if (cancelled) throw new GitUnavailable("cancelled");
      cat ??= new CatFile(cwd);
      return { sha: at.sha, data: await readBaseAt(cwd, config, at.sha, configPath, at, cat, head) };
    } finally {
      cat?.close();
    }
  })();
  // handled from the start: a prefetch's read may fail (no git, no remote) long before the estimate awaits it, and an
  // unhandled rejection ends the process; whoever awaits `result` still gets the error
  result.catch(() => {});
  return {
    result,
    cancel: () => {
      cancelled = true;
      abort.abort();
      cat?.close();
    },
  };
}

/** The base an estimate compares with: --base-ref, else the event's pull request base (read from the environment when not given). */
function baseOf(input: Pick<LocalEstimateInput, "baseRef" | "event">): ReturnType<typeof chooseBase> {
  return chooseBase(input.baseRef || undefined, input.event === undefined ? readEventBase(process.env) : (input.event ?? undefined));
}

/** A base read started before the head's data is loaded (`prefetchBase`), for `localEstimate` to take over. */
export interface BasePrefetch {
  readonly cwd: string;
  readonly config: Config;
  readonly baseRef: string | undefined;
  readonly chosen: ReturnType<typeof chooseBase>;
  readonly reading?: ReturnType<typeof startBaseRead>;
  /** Gives the read the head's dataset (its unchanged files are not parsed again) and its log lines to `logger`. */
  take(head: Dataset, logger: Logger): void;
  /** Stops it (idempotent; harmless once taken and finished). */
  cancel(): void;
}

/**
 * Starts the base read of a coming `localEstimate` now, so git's processes (and a fetch of a base the clone lacks) run
 * while the head is validated. Its log lines wait until `take`, so they appear in the estimate's place in the log.
 */
export function prefetchBase(input: Pick<LocalEstimateInput, "cwd" | "config" | "baseRef" | "event" | "configPath">): BasePrefetch {
  const { cwd, config } = input;
  const chosen = baseOf(input);
  const held: [keyof Omit<Logger, "group">, string][] = [];
  let target: Logger | undefined;
  const say = (level: keyof Omit<Logger, "group">) => (m: string) => (target ? target[level](m) : void held.push([level, m]));
  const logger: Logger = { debug: say("debug"), info: say("info"), warn: say("warn"), error: say("error"), group: (_n, fn) => fn() };
  let giveHead: (d: Dataset | undefined) => void = () => {};
  const head = new Promise<Dataset | undefined>((res) => {
    giveHead = res;
  });
  const reading = chosen.missing ? undefined : startBaseRead(cwd, config, chosen.rev ?? chosen.ref, input.configPath ?? "cognigy-nlu.yml", logger, head);
  return {
    cwd,
    config,
    baseRef: input.baseRef || undefined,
    chosen,
    ...(reading ? { reading } : {}),
    take(d, to) {
      target = to;
      for (const [level, m] of held.splice(0)) to[level](m);
      giveHead(d);
    },
    cancel() {
      giveHead(undefined);
      reading?.cancel();
    },
  };
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
  // a prefetch for this same repository and config (check.ts starts it before validation), else a read started now
  const p = input.prefetch;
  const pre = p && p.cwd === cwd && p.config === config && p.baseRef === (input.baseRef || undefined) ? p : undefined;
  if (input.prefetch && !pre) input.prefetch.cancel();
  const chosen = pre?.chosen ?? baseOf(input);
  const baseRef = chosen.ref;
  const dataset = input.dataset ?? loadDataset({ config, root: cwd });
  // git runs while the head's training data is gathered
  const tb = performance.now();
  pre?.take(dataset, logger);
  const reading = pre ? pre.reading : chosen.missing ? undefined : startBaseRead(cwd, config, chosen.rev ?? baseRef, input.configPath ?? "cognigy-nlu.yml", logger, dataset);
  let head: ReturnType<typeof trainingOf>;
  let tests: TestItem[];
  let headWork: number;
  try {
    const th = performance.now();
    head = trainingOf(dataset.flows, config);
    const headLearnt = learnt(head.training);
    tests = input.tests ? [...input.tests] : head.tests.filter((t) => !headLearnt.get(`${t.flow}\u0000${t.locale}`)?.has(normalize(t.text)));
    headWork = performance.now() - th;
  } catch (e) {
    reading?.cancel();
    throw e;
  }
  const thresholds = new Map(config.flows.map((f) => [f.name, f.threshold?.lower ?? DEFAULT_THRESHOLD]));

  let base: ReturnType<typeof trainingOf> | undefined;
  let baseSha: string | undefined;
  let noBaseReason: string | undefined;
  try {
    if (!reading) throw new GitUnavailable(chosen.missing);
    const read = await reading.result;
    baseSha = read.sha;
    base = trainingOf(read.data, config);
    if (count(base.training) === 0) {
      noBaseReason = `the base ${baseRef} (${read.sha.slice(0, 12)}) has no training examples for the configured flows`;
      base = undefined;
    }
  } catch (e) {
    if (!(e instanceof GitUnavailable)) throw e;
    noBaseReason = `the base ${baseRef} could not be read: ${e.message}`;
  }
  // the base's own time: from its start to its training data, less the head's work done meanwhile
  const readBase = performance.now() - tb - headWork;
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
    // where the base fitted the same model (same training data: fitAll fits it once) with the same reject intents, its
    // prediction of a test is the head's, already computed
    const sameAsHead = (t: TestItem) => {
      const k = `${t.flow}\u0000${t.locale}`;
      return baseModels.get(k) === headModels.get(k) && sameSet(b.rejects.get(t.flow), head.rejects.get(t.flow));
    };
    const headOf = new Map(tests.map((t, i) => [t, headPredictions[i]]));
    const fresh = score(baseModels, unseen.filter((t) => !sameAsHead(t)), thresholds, base.rejects);
    let f = 0;
    basePredictions = unseen.map((t) => (sameAsHead(t) ? { ...headOf.get(t)! } : fresh[f++]));
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
