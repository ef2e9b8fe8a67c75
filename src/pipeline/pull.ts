// The pull step: a live flow's intents and sentences written into the repository's YAML layout (one file per intent).
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { RunConfig } from "../config/options.js";
import { normalize } from "../dataset/normalize.js";
import type { Dataset } from "../dataset/types.js";
import type { FlowConfig } from "../config/schema.js";
import { remoteToPulled } from "./pull/convert.js";
import { holdoutPick } from "./holdout.js";
import {
  appendTests,
  type IntentFile,
  intentFileBase,
  type LocaleLayout,
  type PulledIntent,
  readIntentFiles,
  renderIntentFile,
  setExamples,
  setIntentFields,
  stringify,
  testsOf,
} from "./pull/intent-file.js";
import { readRemoteFlow } from "./plan.js";
import { resolveTargets } from "./resolve.js";
import type { PipelineDeps } from "./types.js";

export interface PullFlowResult {
  flow: string;
  /** Flow folder, relative to the repository root. */
  dir: string;
  intents: number;
  sentences: number;
  /** Files written for intents no file had (relative to the root). */
  created: string[];
  /** Existing files edited in place. */
  updated: string[];
  /** Existing files already equal to Cognigy. */
  unchanged: number;
  /** Intents a file defines that Cognigy does not have (left as they are). */
  notInCognigy: string[];
  /** Intent names Cognigy holds more than once (the first one is pulled). */
  duplicateNames: string[];
  /** Examples moved into `tests:` by --holdout (the next release removes them from Cognigy). */
  heldOut: number;
  /** Intents (× locale) with held-out tests in their file after the pull. */
  withTests: number;
}

export interface PullResult {
  flows: PullFlowResult[];
  dryRun: boolean;
  /** The --holdout share, when given. */
  holdout?: number;
}

/** pull --holdout: the share of each intent's examples moved into tests, and the seed (evaluate.seed). */
export interface HoldoutOptions {
  share: number;
  seed: string;
}

export function flowLayout(flow: FlowConfig): LocaleLayout {
  return { defaultLocale: flow.defaultLocale, locales: Object.keys(flow.locales) };
}

/** The relative `$schema` reference from a flow's intents folder to the repository's intent schema, when there is one. */
function schemaRef(root: string, intentsDir: string): string | undefined {
  const schema = join(root, "schema", "intent.schema.json");
  if (!existsSync(schema)) return undefined;
  return relative(intentsDir, schema).split(sep).join("/");
}

/** Keeps the first of texts that normalise alike (the plan would remove the others from Cognigy anyway). */
function dedupe(p: PulledIntent): PulledIntent {
  const examples: Record<string, string[]> = {};
  for (const [k, texts] of Object.entries(p.examples)) {
    const seen = new Set<string>();
    examples[k] = texts.filter((t) => {
      const n = normalize(t);
      if (seen.has(n)) return false;
      seen.add(n);
      return true;
    });
  }
  return { ...p, examples };
}

/** A file name for a new intent file that no other file (existing or new) uses; stable for a given intent name. */
function newFileName(name: string, taken: Set<string>): string {
  const base = intentFileBase(name);
  let file = `${base}.yml`;
  if (taken.has(file.toLowerCase())) file = `${base}_${createHash("sha1").update(name).digest("hex").slice(0, 6)}.yml`;
  for (let n = 2; taken.has(file.toLowerCase()); n++) file = `${base}_${n}.yml`;
  taken.add(file.toLowerCase());
  return file;
}

/** Applies pulled intents to a flow folder (pure over the parsed files; returns what to write). */
export function planFlowFiles(
  pulled: readonly PulledIntent[],
  files: readonly IntentFile[],
  opts: { flow: FlowConfig; intentsDir: string; root: string; schemaRef?: string; holdout?: HoldoutOptions },
): { writes: { path: string; text: string; created: boolean }[]; unchanged: number; notInCognigy: string[]; heldOut: number; withTests: number } {
  const layout = flowLayout(opts.flow);
  const byName = new Map<string, IntentFile>();
  for (const f of files) if (f.name !== undefined && !byName.has(f.name)) byName.set(f.name, f);
  const taken = new Set(files.map((f) => f.path.slice(f.path.lastIndexOf(sep) + 1).toLowerCase()));
  const writes: { path: string; text: string; created: boolean }[] = [];
  let unchanged = 0;
  const names = new Set(pulled.map((p) => p.name));
  let heldOut = 0;
  let withTests = 0;
  /** Splits one locale's pulled examples: texts the file already holds as tests never go back into examples (Cognigy keeps them until the next release); with --holdout and no tests yet, a share becomes tests. */
  const split = (p: PulledIntent, key: string, fileTests: readonly string[]): { examples: string[]; tests: string[] } => {
    const testKeys = new Set(fileTests.map(normalize));
    let examples = (p.examples[key] ?? []).filter((t) => !testKeys.has(normalize(t)));
    let tests: string[] = [];
    if (opts.holdout && fileTests.length === 0 && !p.disabled) {
      const pick = holdoutPick(examples.map(normalize), opts.holdout.share, opts.holdout.seed, p.name);
      tests = examples.filter((_, i) => pick.has(i));
      examples = examples.filter((_, i) => !pick.has(i));
      heldOut += tests.length;
    }
    if (fileTests.length + tests.length > 0) withTests++;
    return { examples, tests };
  };
  for (const raw of pulled) {
    const p = dedupe(raw);
    const file = byName.get(p.name);
    if (file) {
      setIntentFields(file.doc, p);
      for (const key of layout.locales) {
        const s = split(p, key, testsOf(file.doc, layout, key));
        setExamples(file.doc, layout, key, s.examples, normalize);
        appendTests(file.doc, layout, key, s.tests);
      }
      const text = stringify(file);
      if (text !== file.text) writes.push({ path: file.path, text, created: false });
      else unchanged++;
    } else {
      const examples: Record<string, string[]> = {};
      const tests: Record<string, string[]> = {};
      for (const key of layout.locales) {
        if (!(key in p.examples)) continue;
        const s = split(p, key, []);
        examples[key] = s.examples;
        if (s.tests.length) tests[key] = s.tests;
      }
      const path = join(opts.intentsDir, newFileName(p.name, taken));
      writes.push({ path, text: renderIntentFile({ ...p, examples, tests }, layout, opts.schemaRef), created: true });
    }
  }
  const notInCognigy = [...byName.keys()].filter((n) => !names.has(n)).sort();
  return { writes, unchanged, notInCognigy, heldOut, withTests };
}

/**
 * Pulls every configured flow into its folder: existing intent files are edited in place (comments, order and tests
 * kept), intents without a file get `intents/<snake_case>.yml`. Files for intents Cognigy does not have are left alone.
 */
export async function pullFlows(run: RunConfig, deps: PipelineDeps, opts: { holdout?: number } = {}): Promise<PullResult> {
  const holdout = opts.holdout !== undefined && opts.holdout > 0 ? { share: opts.holdout, seed: run.config.evaluate.seed } : undefined;
  const dataset: Dataset = {
    root: run.root,
    flows: run.config.flows.map((flow) => ({ flow, dir: resolve(run.root, flow.dir), intents: [], tests: [], files: [] })),
    findings: [],
  };
  const targets = await resolveTargets(run.config, dataset, deps.client);
  const out: PullFlowResult[] = [];
  for (const target of targets) {
    const flowDir = resolve(run.root, target.flow.dir);
    const intentsDir = join(flowDir, "intents");
    const remote = await readRemoteFlow(deps.client, target);
    const counts = new Map<string, number>();
    for (const r of remote) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
    const duplicateNames = [...counts].filter(([, n]) => n > 1).map(([k]) => k).sort();
    for (const d of duplicateNames) deps.logger.warn(`flow ${target.flow.name}: Cognigy has ${counts.get(d)} intents named '${d}'; pulled the first`);
    const pulled = remoteToPulled(remote);
    const files = await readIntentFiles(flowDir, run.root);
    for (const f of files) if (f.doc.errors.length) deps.logger.warn(`${f.rel}: not valid YAML (${f.doc.errors[0]?.message.split("\n")[0]}); left as it is`);
    const plan = planFlowFiles(pulled, files, { flow: target.flow, intentsDir, root: run.root, schemaRef: schemaRef(run.root, intentsDir), holdout });
    const rel = (p: string) => relative(run.root, p).split(sep).join("/");
    if (!run.dryRun) {
      for (const w of plan.writes) {
        await mkdir(dirname(w.path), { recursive: true });
        await writeFile(w.path, w.text);
      }
    }
    const result: PullFlowResult = {
      flow: target.flow.name,
      dir: rel(flowDir),
      intents: pulled.length,
      sentences: pulled.reduce((n, p) => n + Object.values(p.examples).reduce((m, l) => m + l.length, 0), 0),
      created: plan.writes.filter((w) => w.created).map((w) => rel(w.path)),
      updated: plan.writes.filter((w) => !w.created).map((w) => rel(w.path)),
      unchanged: plan.unchanged,
      notInCognigy: plan.notInCognigy,
      duplicateNames,
      heldOut: plan.heldOut,
      withTests: plan.withTests,
    };
    const verb = run.dryRun ? "would write" : "wrote";
    deps.logger.info(
      `${target.flow.name}: ${result.intents} intents, ${result.sentences} sentences → ${verb} ${result.created.length} new file(s), ${verb === "wrote" ? "updated" : "would update"} ${result.updated.length}, ${result.unchanged} unchanged (${result.dir}/intents)`,
    );
    if (result.notInCognigy.length) deps.logger.warn(`${target.flow.name}: ${result.notInCognigy.length} intent file(s) name intents Cognigy does not have (left as they are): ${result.notInCognigy.slice(0, 10).join(", ")}`);
    out.push(result);
  }
  return { flows: out, dryRun: run.dryRun, ...(holdout ? { holdout: holdout.share } : {}) };
}
