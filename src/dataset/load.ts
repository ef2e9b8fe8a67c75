// Loads every flow's training data (intents/*.yml, tests/*.yml) into a Dataset; bad files become findings, never crashes.
import { join, resolve } from "node:path";
import { finding } from "../checks/finding.js";
import type { Finding } from "../checks/types.js";
import type { Config, FlowConfig } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import { inside, listYaml, type Repo, readText, relPath, repoAt, resolveInside } from "./files.js";
import { parseIntentFile, parseTestsFile } from "./parse.js";
import type { Dataset, FlowData, IntentDoc, TestCase } from "./types.js";

/**
 * A file loadDataset parsed: its text and what the parser made of it (the parse depends only on the text, the file
 * name and the flow's locales and defaultLocale). Shared with the dataset: read-only.
 */
export type LoadedFile = { kind: "intents"; text: string; intent: IntentDoc | undefined } | { kind: "tests"; text: string; tests: readonly TestCase[] };

/** What loadDataset parsed for one flow: the locales it parsed with (a copy) and each file by `file`. */
export interface LoadedFlow {
  locales: Readonly<Record<string, string>>;
  defaultLocale: string;
  files: ReadonlyMap<string, LoadedFile>;
}

const loaded = new WeakMap<FlowData, LoadedFlow>();

/**
 * The files loadDataset parsed for one flow, by `file` (relative to the dataset's root), so that a reader of the same
 * text with the same locales (the estimate's base read) need not parse it again; undefined for flow data loadDataset
 * did not make.
 */
export function loadedFiles(data: FlowData): LoadedFlow | undefined {
  return loaded.get(data);
}

function loadFlow(repo: Repo, flow: FlowConfig, findings: Finding[]): FlowData {
  const dir = resolve(repo.root, flow.dir);
  const data: FlowData = { flow, dir, intents: [], tests: [], files: [] };
  const parsed = new Map<string, LoadedFile>();
  loaded.set(data, { locales: { ...flow.locales }, defaultLocale: flow.defaultLocale, files: parsed });
  if (!inside(repo.root, dir))
    throw new ConfigError(`flow '${flow.name}': dir '${flow.dir}' points outside the repository`, "use a folder inside the repository, e.g. training-data/main");
  const flowDir = resolveInside(repo, dir);
  if ("missing" in flowDir)
    throw new ConfigError(`flow '${flow.name}': folder '${flow.dir}' does not exist`, "fix flows[].dir in the config, or create the folder with intents/*.yml");
  if ("finding" in flowDir) throw new ConfigError(`flow '${flow.name}': dir '${flow.dir}': ${flowDir.finding.message}`, "use a real folder inside the repository");

  for (const sub of ["intents", "tests"] as const) {
    const logicalDir = join(dir, sub);
    const shownDir = relPath(repo.root, logicalDir);
    const d = resolveInside(repo, join(flowDir.real, sub));
    if ("missing" in d) {
      if (sub === "intents")
        findings.push(finding("yaml", { file: shownDir, line: 0, column: 0 }, "no intents/ folder: the flow has no intents", { hint: `create ${shownDir}/ with one .yml file per intent` }));
      continue;
    }
    if ("finding" in d) {
      findings.push({ ...d.finding, file: shownDir });
      continue;
    }
    for (const name of listYaml(d.real)) {
      const file = relPath(repo.root, join(logicalDir, name));
      const r = resolveInside(repo, join(d.real, name));
      if ("missing" in r) continue;
      if ("finding" in r) {
        findings.push({ ...r.finding, file });
        continue;
      }
      const t = readText(r.real, file);
      data.files.push(file);
      if ("finding" in t) {
        findings.push(t.finding);
        continue;
      }
      if (sub === "intents") {
        const p = parseIntentFile(t.text, file, flow);
        for (const f of p.findings) findings.push(f);
        if (p.intent) data.intents.push(p.intent);
        parsed.set(file, { kind: sub, text: t.text, intent: p.intent });
      } else {
        const p = parseTestsFile(t.text, file, flow);
        for (const f of p.findings) findings.push(f);
        for (const tc of p.tests) data.tests.push(tc);
        parsed.set(file, { kind: sub, text: t.text, tests: p.tests });
      }
    }
  }
  return data;
}

/**
 * Loads the training data of every configured flow. Paths in the result are relative to `root` with
 * forward slashes. Problems with files (YAML, schema, encoding, size, links) are findings in
 * `dataset.findings`; a flow folder that is missing or outside the repository is a ConfigError (exit 2).
 */
export function loadDataset(run: { config: Pick<Config, "flows">; root: string }): Dataset {
  const root = resolve(run.root);
  const repo = repoAt(root);
  const findings: Finding[] = [];
  const flows = run.config.flows.map((flow) => loadFlow(repo, flow, findings));
  return { root, flows, findings };
}
