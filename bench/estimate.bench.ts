// Benchmark: the local estimate on CLINC150 (CC BY 3.0). A git repository holds the 150 intents (train + val as
// examples, test as each intent's tests) at its base commit; the working tree (the pull request) relabels the examples
// of 10 intents to other intents. localEstimate trains the local classifier on both and scores the same 4,500 tests:
// the 10 relabelled intents must be among the losers. Also the local classifier on its own: fit time and accuracy,
// against a nearest-example (word Jaccard) baseline measured in the same run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { fitClassifier, mulberry32, trainingSeed } from "../src/classifier/index.js";
import { loadConfig } from "../src/config/load.js";
import { silentLogger } from "../src/logger.js";
import { comparePaired, gateComparison, losers } from "../src/pipeline/compare.js";
import { localEstimate } from "../src/pipeline/estimate.js";
import { nearestExampleBaseline } from "./classifier.bench.js";
import { clinc150 } from "./datasets.js";

type Row = [string, string];
const RELABELLED = 10;

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "init.defaultBranch=main", "-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd, stdio: "ignore" });
}

function writeBot(dir: string, examples: Map<string, string[]>, tests: Map<string, string[]>): void {
  const intents = join(dir, "training-data", "main", "intents");
  rmSync(intents, { recursive: true, force: true });
  mkdirSync(intents, { recursive: true });
  for (const [name, ex] of examples) writeFileSync(join(intents, `${name}.yml`), stringify({ intent: name, examples: ex, tests: tests.get(name) ?? [] }, { lineWidth: 0 }));
}

export async function bench(): Promise<void> {
  const file = clinc150();
  if (!file) return;
  const d = JSON.parse(readFileSync(file, "utf8")) as Record<string, Row[]>;
  const train = [...d.train, ...d.val];
  const examples = new Map<string, string[]>();
  const tests = new Map<string, string[]>();
  for (const [t, l] of train) examples.set(l, [...(examples.get(l) ?? []), t]);
  for (const [t, l] of d.test) tests.set(l, [...(tests.get(l) ?? []), t]);
  const names = [...examples.keys()].sort();

  // --- the local classifier alone
  const t0 = performance.now();
  const c = await fitClassifier(
    train.map(([text, label]) => ({ text, label })),
    { seed: trainingSeed(train.map(([text]) => ({ text }))) },
  );
  const fitMs = performance.now() - t0;
  const t1 = performance.now();
  const acc = d.test.filter(([t, l]) => c.score(t)[0]?.name === l).length / d.test.length;
  const scoreMs = performance.now() - t1;
  const t2 = performance.now();
  const nnAcc = nearestExampleBaseline(train, d.test);
  const nnMs = performance.now() - t2;
  console.log(`local classifier on CLINC150 (${train.length} examples, ${names.length} intents): fit ${(fitMs / 1000).toFixed(1)} s, ${d.test.length} scores in ${(scoreMs / 1000).toFixed(2)} s (${Math.round(d.test.length / (scoreMs / 1000))}/s), accuracy ${acc.toFixed(3)}`);
  console.log(`  baseline nearest example (word Jaccard), same run: accuracy ${nnAcc.toFixed(3)} in ${(nnMs / 1000).toFixed(2)} s; the classifier's fit + scoring takes ${((fitMs + scoreMs) / nnMs).toFixed(1)}× the baseline's time for +${((acc - nnAcc) * 100).toFixed(1)} points`);

  // --- the local estimate: base = CLINC150 at the base commit, head = 10 intents' examples relabelled
  const dir = mkdtempSync(join(tmpdir(), "cognigy-nlu-estimate-bench-"));
  try {
    writeFileSync(
      join(dir, "cognigy-nlu.yml"),
      stringify({ cognigy: { baseUrl: "https://api-trial.cognigy.ai", project: "CLINC150" }, flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US" }, defaultLocale: "en-US" }] }),
    );
    writeBot(dir, examples, tests);
    git(dir, "init", "--quiet");
    git(dir, "add", "-A");
    git(dir, "commit", "--quiet", "-m", "CLINC150");
    const rnd = mulberry32(150);
    const picked = [...names].map((n) => ({ n, k: rnd() })).sort((a, b) => a.k - b.k).slice(0, RELABELLED).map((x) => x.n);
    const head = new Map([...examples].map(([k, v]) => [k, [...v]]));
    const targets: string[] = [];
    for (const name of picked) {
      // all but 5 of the intent's examples now carry another (random, not relabelled) intent's label
      let other = names[Math.floor(rnd() * names.length)];
      while (picked.includes(other)) other = names[Math.floor(rnd() * names.length)];
      targets.push(other);
      const ex = head.get(name) ?? [];
      head.set(name, ex.slice(0, 5));
      head.set(other, [...(head.get(other) ?? []), ...ex.slice(5)]);
    }
    writeBot(dir, head, tests);
    const { config, root } = loadConfig("cognigy-nlu.yml", dir);
    // the estimate as the Action and the CLI run it (base and head fitted at once, one on a worker thread of the built
    // dist/fit-worker.js), then on one thread in the same run: the baseline of the threaded fit
    const worker = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "fit-worker.js");
    const timed = async (env: Record<string, string>) => {
      const saved = { t: process.env.COGNIGY_NLU_FIT_THREADS, w: process.env.COGNIGY_NLU_FIT_WORKER };
      Object.assign(process.env, env);
      try {
        const t = performance.now();
        const r = await localEstimate({ cwd: root, config, baseRef: "HEAD", logger: silentLogger, event: null });
        return { r, ms: performance.now() - t };
      } finally {
        for (const [k, v] of [["COGNIGY_NLU_FIT_THREADS", saved.t], ["COGNIGY_NLU_FIT_WORKER", saved.w]] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    };
    // one-thread run first: it also warms the file cache and the JIT for the threaded run's main thread
    const single = await timed({ COGNIGY_NLU_FIT_THREADS: "1" });
    const threaded = existsSync(worker) ? await timed({ COGNIGY_NLU_FIT_WORKER: worker }) : undefined;
    const est = (threaded ?? single).r;
    const estMs = (threaded ?? single).ms;
    if (threaded) {
      // every prediction (text, expected, predicted, score) but its own scoring time
      const key = (ps: typeof est.head | undefined) => JSON.stringify((ps ?? []).map(({ ms: _ms, ...p }) => p));
      const same = key(threaded.r.head) === key(single.r.head) && key(threaded.r.base) === key(single.r.base);
      console.log(
        `local estimate, base and head fitted at once (${availableParallelism()} cores): ${(threaded.ms / 1000).toFixed(1)} s vs ${(single.ms / 1000).toFixed(1)} s on one thread in the same run (${(single.ms / threaded.ms).toFixed(2)}× faster); predictions ${same ? "identical" : "DIFFER"}`,
      );
    } else console.log("dist/fit-worker.js not built (npm run build): the estimate timed on one thread only");
    if (!est.base) throw new Error(`no base: ${est.noBaseReason}`);
    const cmp = comparePaired(est.base, est.head, { baseRef: "HEAD", engine: "local" });
    const lost = losers(cmp);
    const rank = new Map(lost.map(([n], i) => [n, i + 1]));
    const found = picked.filter((n) => rank.has(n));
    const inTop = picked.filter((n) => (rank.get(n) ?? Infinity) <= RELABELLED).length;
    const gate = gateComparison(cmp, config.gate);
    console.log(
      `local estimate on CLINC150 (${est.examples.base} base / ${est.examples.head} head examples, ${est.head.length} tests): ${(estMs / 1000).toFixed(1)} s (read base ${(est.ms.readBase / 1000).toFixed(2)} s, train both ${(est.ms.train / 1000).toFixed(1)} s, score ${(est.ms.score / 1000).toFixed(2)} s) = ${(estMs / fitMs).toFixed(2)}× one classifier fit measured above`,
    );
    console.log(`  macro F1 ${cmp.base.metrics.macroF1.toFixed(3)} → ${cmp.head.metrics.macroF1.toFixed(3)}, McNemar p ${cmp.significance.pValue.toExponential(1)}, ${cmp.flipped.toWrong.length} right→wrong / ${cmp.flipped.toRight.length} wrong→right; gate ${gate.passed ? "passed" : "failed"}`);
    console.log(`  relabelled intents among the losers: ${found.length}/${RELABELLED}; in the ${RELABELLED} biggest losers: ${inTop}/${RELABELLED}; also hurt (their examples' new labels): ${targets.filter((n) => rank.has(n)).length}/${RELABELLED}`);
    console.log(`  biggest losers: ${lost.slice(0, 12).map(([n, v]) => `${n}${picked.includes(n) ? "*" : ""} ${v.toFixed(2)}`).join(", ")} (* relabelled)`);
    if (found.length < RELABELLED) console.log(`  MISSED: ${picked.filter((n) => !rank.has(n)).join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
