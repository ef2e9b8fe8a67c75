// Derives messy variants of CLINC150 and HWU64 (pasted line breaks, long concatenated messages, typos) reproducibly,
// runs every check with the default settings on each and prints the findings per rule (docs/checks.md).
//
//   node --import tsx scripts/calibrate.ts [--datasets ../shared/datasets] [--keep DIR] [--seed N]
//
// --keep DIR writes each variant as a repository (cognigy-nlu.yml + training-data/) under DIR/<source>-<variant>.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runChecks } from "../src/checks/index.js";
import { mulberry32 } from "../src/classifier/index.js";
import type { Finding } from "../src/checks/types.js";
import { parseCsv } from "../src/dataset/csv.js";
import { loadConfig } from "../src/config/load.js";
import { loadDataset } from "../src/dataset/load.js";

type Data = { examples: Map<string, string[]>; tests: Map<string, string[]> };
type Variant = "clean" | "linebreaks" | "long" | "typos" | "messy";
export const VARIANTS: Variant[] = ["clean", "linebreaks", "long", "typos", "messy"];


function group(pairs: [string, string][]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [t, i] of pairs) m.set(i, [...(m.get(i) ?? []), t]);
  return m;
}

export function loadSource(name: "clinc150" | "hwu64", datasets: string): Data {
  if (name === "clinc150") {
    const d = JSON.parse(readFileSync(join(datasets, "clinc150", "data_full.json"), "utf8")) as Record<string, [string, string][]>;
    return { examples: group([...d.train, ...d.val]), tests: group(d.test) };
  }
  const rows = (f: string) =>
    parseCsv(readFileSync(join(datasets, "hwu64", f), "utf8"))
      .slice(1)
      .filter((r) => r.length >= 2)
      .map((r) => [r[0], r[1]] as [string, string]);
  return { examples: group(rows("train.csv")), tests: group(rows("test.csv")) };
}

/** A pasted line break or tab: at the start, in the middle (CRLF or LF) or at the end. */
function lineBreak(t: string, r: () => number): string {
  const k = Math.floor(r() * 4);
  if (k === 0) return `\n${t}`;
  if (k === 3) return `${t}\n`;
  const words = t.split(" ");
  const at = Math.max(1, Math.floor(r() * words.length));
  return `${words.slice(0, at).join(" ")}${k === 1 ? "\r\n" : "\t"}${words.slice(at).join(" ")}`;
}

/** One keyboard slip: two letters swapped, one dropped or one doubled. */
function typo(t: string, r: () => number): string {
  if (t.length < 4) return t;
  const i = 1 + Math.floor(r() * (t.length - 2));
  const k = Math.floor(r() * 3);
  if (k === 0) return t.slice(0, i) + t[i + 1] + t[i] + t.slice(i + 2);
  if (k === 1) return t.slice(0, i) + t.slice(i + 1);
  return t.slice(0, i) + t[i] + t.slice(i);
}

/** The variant of a data set: every change seeded, so the same seed gives the same files. */
export function derive(data: Data, variant: Variant, seed: number): Data {
  const r = mulberry32(seed);
  const examples = new Map<string, string[]>();
  const tests = new Map<string, string[]>();
  const on = (v: Variant) => variant === v || variant === "messy";
  for (const [intent, list] of data.examples) {
    examples.set(
      intent,
      list.map((t) => {
        let out = t;
        // long concatenated messages: 2 % of examples become 3–7 of the intent's examples in one message (150–600 chars)
        if (on("long") && r() < 0.02) {
          const n = 3 + Math.floor(r() * 5);
          const parts = [out];
          for (let k = 1; k < n; k++) parts.push(list[Math.floor(r() * list.length)]);
          out = `hi, ${parts.join(". also ")}. thanks`.slice(0, 600);
        }
        if (on("typos") && r() < 0.05) out = typo(out, r);
        if (on("linebreaks") && r() < 0.03) out = lineBreak(out, r);
        return out;
      }),
    );
  }
  for (const [intent, list] of data.tests) {
    const ex = data.examples.get(intent) ?? [];
    tests.set(
      intent,
      list.map((t) => {
        let out = t;
        // near-leaks: 3 % of tests are a training example with a typo ("How can I verify my indentity?")
        if (on("typos") && ex.length && r() < 0.03) out = typo(ex[Math.floor(r() * ex.length)], r);
        if (on("linebreaks") && r() < 0.03) out = lineBreak(out, r);
        return out;
      }),
    );
  }
  return { examples, tests };
}

/** Writes a data set as a repository with the default checks. */
export function writeRepo(dir: string, data: Data, project = "Calibration Bot"): void {
  const flow = join(dir, "training-data", "main", "intents");
  mkdirSync(flow, { recursive: true });
  const q = (s: string) => JSON.stringify(s);
  for (const [intent, list] of data.examples) {
    const tests = data.tests.get(intent) ?? [];
    writeFileSync(join(flow, `${intent}.yml`), `intent: ${intent}\nexamples:\n${list.map((t) => `  - ${q(t)}\n`).join("")}${tests.length ? `tests:\n${tests.map((t) => `  - ${q(t)}\n`).join("")}` : ""}`);
  }
  writeFileSync(
    join(dir, "cognigy-nlu.yml"),
    `cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: ${project}\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\n`,
  );
}

export function findingsOf(dir: string): Finding[] {
  const { config } = loadConfig(join(dir, "cognigy-nlu.yml"), dir);
  return runChecks(loadDataset({ config, root: dir }), config.checks);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { datasets: { type: "string" }, keep: { type: "string" }, seed: { type: "string" } } });
  const datasets = resolve(values.datasets ?? join(import.meta.dirname, "..", "..", "shared", "datasets"));
  const seed = Number(values.seed ?? 14);
  const counts = new Map<string, Map<string, number>>();
  const columns: string[] = [];
  for (const source of ["clinc150", "hwu64"] as const) {
    const data = loadSource(source, datasets);
    for (const variant of VARIANTS) {
      const col = `${source} ${variant}`;
      columns.push(col);
      const dir = values.keep ? resolve(values.keep, `${source}-${variant}`) : mkdtempSync(join(tmpdir(), "calibrate-"));
      writeRepo(dir, derive(data, variant, seed));
      for (const f of findingsOf(dir)) {
        const k = `${f.rule} (${f.severity})`;
        const row = counts.get(k) ?? new Map<string, number>();
        row.set(col, (row.get(col) ?? 0) + 1);
        counts.set(k, row);
      }
      if (!values.keep) rmSync(dir, { recursive: true, force: true });
    }
  }
  const lines = [`| rule (severity) | ${columns.join(" | ")} |`, `|---|${columns.map(() => "--:").join("|")}|`];
  for (const k of [...counts.keys()].sort()) lines.push(`| ${k} | ${columns.map((c) => counts.get(k)?.get(c) ?? 0).join(" | ")} |`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) await main();
