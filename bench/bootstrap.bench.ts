// Benchmark: the paired bootstrap interval of the macro F1 delta (bootstrapMacroF1Delta, 1,000 resamples) against the
// implementation it replaced (test/pipeline/bootstrap-reference.ts), on a small bot (155 paired predictions, 16 intents:
// a PR check's size) and a large one (3,000 pairs, 150 intents). Each measurement runs in a fresh process: its first
// call (cold: what a check pays, as it calls it once) and, after 5 more, the median of 15 calls (warm). Old and new
// interleaved so that machine load hits both alike; medians over the runs, and the intervals checked to be the same.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bootstrapMacroF1Delta } from "../src/pipeline/compare.js";
import { referenceBootstrap, syntheticPairs } from "../test/pipeline/bootstrap-reference.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const SETTLE = 5;
const WARM = 15;
const CASES = { small: [155, 16], large: [3000, 150] } as const;
type Case = keyof typeof CASES;
type Impl = "old" | "new";

interface ChildResult {
  cold: number;
  warm: number;
  interval: [number, number];
}


const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function child(impl: Impl, c: Case): void {
  const [n, intents] = CASES[c];
  const pairs = syntheticPairs(n, intents, 7);
  const f = impl === "old" ? referenceBootstrap : bootstrapMacroF1Delta;
  let t0 = performance.now();
  const interval = f(pairs);
  const cold = performance.now() - t0;
  for (let i = 0; i < SETTLE; i++) f(pairs);
  const warm: number[] = [];
  for (let i = 0; i < WARM; i++) {
    t0 = performance.now();
    f(pairs);
    warm.push(performance.now() - t0);
  }
  const res: ChildResult = { cold, warm: median(warm), interval };
  process.stdout.write(`${JSON.stringify(res)}\n`);
}

function runChild(impl: Impl, c: Case): ChildResult {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_BOOTSTRAP_CHILD: `${impl}:${c}` },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`child ${impl}:${c} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as ChildResult;
}

export async function bench(): Promise<void> {
  for (const c of Object.keys(CASES) as Case[]) {
    const got: Record<Impl, ChildResult[]> = { old: [], new: [] };
    for (let i = 0; i < RUNS; i++) for (const impl of ["old", "new"] as const) got[impl].push(runChild(impl, c));
    const [o, n] = [got.old[0].interval, got.new[0].interval];
    if (!Object.is(o[0], n[0]) || !Object.is(o[1], n[1])) throw new Error(`intervals differ: old [${o}], new [${n}]`);
    const [pairs, intents] = CASES[c];
    const row = (k: "cold" | "warm") => {
      const old = median(got.old.map((r) => r[k]));
      const now = median(got.new.map((r) => r[k]));
      return `${k} ${old.toFixed(2)} → ${now.toFixed(2)} ms (${(old / now).toFixed(1)}×)`;
    };
    console.log(`${pairs} pairs, ${intents} intents (median of ${RUNS} processes): ${row("cold")}; ${row("warm")}; interval [${n.map((x) => x.toFixed(4)).join(", ")}] both`);
  }
}

if (process.env.BENCH_BOOTSTRAP_CHILD) {
  const [impl, c] = process.env.BENCH_BOOTSTRAP_CHILD.split(":") as [Impl, Case];
  child(impl, c);
}
