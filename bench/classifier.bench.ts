// Benchmark: the emulator's classifier on CLINC150 (CC BY 3.0) over HTTP — import + train on 66 train+val examples per intent (one flow within Cognigy's 10,000-sentence cap), score test + oos_test,
// against a nearest-example (word Jaccard) baseline measured in the same run. Targets: acc ≥ 0.85, training < 20 s, ≥ 500 scores/s.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tokenize } from "../src/classifier/index.js";
import { classifierTrainingSet } from "./clinc150.js";
import { clinc150 } from "./datasets.js";

const KEY = "bench-key";
const THRESHOLD = 0.5;
const CONCURRENCY = 8;

type Row = [string, string];
// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the emulator
type Json = any;

/** Nearest training example by word-set Jaccard similarity (inverted index): the classifier benches' baseline. */
export function nearestExampleBaseline(train: Row[], test: Row[]): number {
  const sets = train.map(([t]) => new Set(tokenize(t)));
  const index = new Map<string, number[]>();
  sets.forEach((s, i) => {
    for (const w of s) {
      let l = index.get(w);
      if (!l) index.set(w, (l = []));
      l.push(i);
    }
  });
  let ok = 0;
  for (const [text, label] of test) {
    const q = new Set(tokenize(text));
    const overlap = new Map<number, number>();
    for (const w of q) for (const i of index.get(w) ?? []) overlap.set(i, (overlap.get(i) ?? 0) + 1);
    let best = -1;
    let bestSim = -1;
    for (const [i, o] of overlap) {
      const sim = o / (q.size + sets[i].size - o);
      if (sim > bestSim) {
        bestSim = sim;
        best = i;
      }
    }
    if (best >= 0 && train[best][1] === label) ok++;
  }
  return ok / test.length;
}

export async function bench(): Promise<void> {
  const DATA = clinc150();
  if (!DATA) return;
  const d = JSON.parse(readFileSync(DATA, "utf8")) as Record<string, Row[]>;
  // One flow of all 150 intents (the 150-way task), 66 examples each: within Cognigy's 10,000-sentence cap per flow.
  const byIntent = classifierTrainingSet({ train: d.train, val: d.val });
  const train: Row[] = [...byIntent].flatMap(([l, list]) => list.map((t): Row => [t, l]));
  console.log(`CLINC150 in one flow: ${byIntent.size} intents, ${train.length} examples (${train.length / byIntent.size} per intent)`);
  // The emulator runs in its own process (as `cognigy-nlu emulator`), so the client's work does not share its thread.
  const dir = mkdtempSync(join(tmpdir(), "bench-classifier-"));
  writeFileSync(join(dir, "cognigy-nlu.yml"), "cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Bench\nflows:\n  - name: Main\n    dir: data\n    locales: { en-US: en-US }\n    defaultLocale: en-US\n");
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), cli, "emulator", "--port", "0", "--rate-limit", "0", "--seed", "cognigy-nlu.yml"], {
    cwd: dir,
    env: { ...process.env, COGNIGY_API_KEY: KEY },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  const B = `${url}/new/v2.0`;
  const H = { "X-API-Key": KEY, "content-type": "application/json" };
  const get = async (p: string): Promise<Json> => (await fetch(`${B}${p}`, { headers: H })).json();
  const post = async (p: string, body: unknown): Promise<Json> => {
    const r = await fetch(`${B}${p}`, { method: "POST", headers: H, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${p} → ${r.status} ${await r.text()}`);
    return r.json();
  };
  const wait = async (id: string) => {
    for (;;) {
      const t = await get(`/tasks/${id}`);
      if (t.status === "done") return;
      if (t.status === "error" || t.status === "cancelled") throw new Error(`task ${id}: ${t.failReason}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    const project = (await get("/projects")).items[0];
    const flow = (await get(`/flows?projectId=${project._id}`)).items[0];
    const locale = (await get(`/locales?projectId=${project._id}`)).items[0];

    const file = JSON.stringify([...byIntent].map(([name, exampleSentences]) => ({ name, exampleSentences })));
    const fd = new FormData();
    fd.set("file", new Blob([file], { type: "application/json" }), "intents.json");
    fd.set("localeId", locale._id);
    fd.set("mode", "overwrite");
    let t0 = performance.now();
    const imp: Json = await (await fetch(`${B}/flows/${flow._id}/intents/import`, { method: "POST", headers: { "X-API-Key": KEY }, body: fd })).json();
    await wait(imp._id);
    const importS = (performance.now() - t0) / 1000;

    t0 = performance.now();
    const tr = await post(`/flows/${flow._id}/intents/train`, { localeId: locale._id });
    await wait(tr._id);
    const trainS = (performance.now() - t0) / 1000;

    const score = (sentence: string) => post(`/projects/${project._id}/nlu/scores`, { flowReferenceId: flow.referenceId, localeReferenceId: locale.referenceId, sentence });
    const topOf = async (rows: Row[], concurrency: number) => {
      const out: { name: string; score: number }[] = new Array(rows.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < rows.length) {
            const i = next++;
            out[i] = (await score(rows[i][0]))[0];
          }
        }),
      );
      return out;
    };
    t0 = performance.now();
    const seqTops = await topOf(d.test.slice(0, 500), 1);
    const seqRate = 500 / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    const tops = await topOf(d.test, CONCURRENCY);
    const rate = d.test.length / ((performance.now() - t0) / 1000);
    const oosTops = await topOf(d.oos_test, CONCURRENCY);

    const acc = tops.filter((t, i) => t.name === d.test[i][1]).length / d.test.length;
    const seqAgree = seqTops.every((t, i) => t.name === tops[i].name);
    const inAbove = tops.filter((t) => t.score >= THRESHOLD).length / tops.length;
    const oosBelow = oosTops.filter((t) => t.score < THRESHOLD).length / oosTops.length;
    t0 = performance.now();
    const base = nearestExampleBaseline(train, d.test);
    const baseS = (performance.now() - t0) / 1000;

    const line = (k: string, v: string, target = "") => console.log(`${k.padEnd(34)} ${v.padStart(10)}  ${target}`);
    console.log(`CLINC150: ${byIntent.size} intents, ${train.length} training sentences, ${d.test.length} in-scope + ${d.oos_test.length} out-of-scope tests`);
    line("import (HTTP multipart + task)", `${importS.toFixed(2)} s`);
    line("training (task, real fit)", `${trainS.toFixed(2)} s`, trainS < 20 ? "ok (< 20 s)" : "MISSED (< 20 s)");
    line("in-scope top-1 accuracy", acc.toFixed(4), acc >= 0.85 ? "ok (≥ 0.85)" : "MISSED (≥ 0.85)");
    line(`scores/s over HTTP (${CONCURRENCY} parallel)`, rate.toFixed(0), rate >= 500 ? "ok (≥ 500)" : "MISSED (≥ 500)");
    line("scores/s over HTTP (sequential)", seqRate.toFixed(0), seqAgree ? "" : "(!) sequential and parallel answers differ");
    line(`in-scope top score ≥ ${THRESHOLD}`, inAbove.toFixed(3));
    line(`out-of-scope top score < ${THRESHOLD}`, oosBelow.toFixed(3));
    line("baseline: nearest example (Jaccard)", base.toFixed(4), `(${baseS.toFixed(2)} s in-process)`);
    line("accuracy ratio model / baseline", `${(acc / base).toFixed(2)}x`);
  } finally {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
