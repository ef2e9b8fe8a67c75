// The pull step: a live flow's intents and sentences written into the repository's YAML layout (one file per intent).
import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative, resolve, sep } from "node:path";
import type { RunConfig } from "../config/options.js";
import { normalize } from "../dataset/normalize.js";
import type { Dataset } from "../dataset/types.js";
import type { FlowConfig } from "../config/schema.js";
import { safeWriteFile } from "../io/safe-fs.js";
import { maskData } from "../text/untrusted.js";
import { remoteToPulled } from "./pull/convert.js";
import { type IntentFile, intentFileBase, type LocaleLayout, type PulledIntent, readIntentFiles, renderIntentFile, setExamples, setIntentFields, stringify } from "./pull/intent-file.js";
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
}

export interface PullResult {
  flows: PullFlowResult[];
  dryRun: boolean;
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
  opts: { flow: FlowConfig; intentsDir: string; root: string; schemaRef?: string },
): { writes: { path: string; text: string; created: boolean }[]; unchanged: number; notInCognigy: string[] } {
  const layout = flowLayout(opts.flow);
  const byName = new Map<string, IntentFile>();
  for (const f of files) if (f.name !== undefined && !byName.has(f.name)) byName.set(f.name, f);
  const taken = new Set(files.map((f) => f.path.slice(f.path.lastIndexOf(sep) + 1).toLowerCase()));
  const writes: { path: string; text: string; created: boolean }[] = [];
  let unchanged = 0;
  const names = new Set(pulled.map((p) => p.name));
  for (const raw of pulled) {
    const p = dedupe(raw);
    const file = byName.get(p.name);
    if (file) {
      setIntentFields(file.doc, p);
      for (const key of layout.locales) setExamples(file.doc, layout, key, p.examples[key] ?? [], normalize);
      const text = stringify(file);
      if (text !== file.text) writes.push({ path: file.path, text, created: false });
      else unchanged++;
    } else {
      const path = join(opts.intentsDir, newFileName(p.name, taken));
      writes.push({ path, text: renderIntentFile(p, layout, opts.schemaRef), created: true });
    }
  }
  const notInCognigy = [...byName.keys()].filter((n) => !names.has(n)).sort();
  return { writes, unchanged, notInCognigy };
}

/**
 * Pulls every configured flow into its folder: existing intent files are edited in place (comments, order and tests
 * kept), intents without a file get `intents/<snake_case>.yml`. Files for intents Cognigy does not have are left alone.
 */
export async function pullFlows(run: RunConfig, deps: PipelineDeps): Promise<PullResult> {
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
    for (const d of duplicateNames) deps.logger.warn(`flow ${target.flow.name}: Cognigy has ${counts.get(d)} intents named '${maskData(d)}'; pulled the first`);
    const pulled = remoteToPulled(remote);
    const files = await readIntentFiles(flowDir, run.root);
    for (const f of files) if (f.doc.errors.length) deps.logger.warn(`${f.rel}: not valid YAML (${f.doc.errors[0]?.message.split("\n")[0]}); left as it is`);
    const plan = planFlowFiles(pulled, files, { flow: target.flow, intentsDir, root: run.root, schemaRef: schemaRef(run.root, intentsDir) });
    const rel = (p: string) => relative(run.root, p).split(sep).join("/");
    if (!run.dryRun) {
      for (const w of plan.writes) {
        // Under the repository root, never through a link (a symlinked intent file or intents folder is refused).
        await safeWriteFile(run.root, w.path, w.text);
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
    };
    const verb = run.dryRun ? "would write" : "wrote";
    deps.logger.info(
      `${target.flow.name}: ${result.intents} intents, ${result.sentences} sentences → ${verb} ${result.created.length} new file(s), ${verb === "wrote" ? "updated" : "would update"} ${result.updated.length}, ${result.unchanged} unchanged (${result.dir}/intents)`,
    );
    if (result.notInCognigy.length) deps.logger.warn(`${target.flow.name}: ${result.notInCognigy.length} intent file(s) name intents Cognigy does not have (left as they are): ${maskData(result.notInCognigy.slice(0, 10).join(", "))}`);
    out.push(result);
  }
  return { flows: out, dryRun: run.dryRun };
}
