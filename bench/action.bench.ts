// The packaged Action: bundle size of dist/index.js and its cold start with no inputs, against bare `node -e ''` in the same run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const MAX_BYTES = 3 * 1024 * 1024;
const MAX_COLD_MS = 300;

function timeNode(args: string[], cwd: string): number {
  const t0 = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, args, { cwd, stdio: "ignore", env: { PATH: process.env.PATH ?? "" } });
  } catch {
    // a run with no inputs may end with a failure status: only the time counts
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function bench(): Promise<void> {
  const dist = join(root, "dist", "index.js");
  const bytes = statSync(dist).size;
  const empty = mkdtempSync(join(tmpdir(), "cnlu-bench-"));
  try {
    const bare: number[] = [];
    const repo: number[] = [];
    const noConfig: number[] = [];
    // Interleaved so that machine load hits both sides alike.
    for (let i = 0; i < RUNS; i++) {
      bare.push(timeNode(["-e", ""], root));
      repo.push(timeNode([dist], root));
      noConfig.push(timeNode([dist], empty));
    }
    const b = median(bare);
    const r = median(repo);
    const n = median(noConfig);
    console.log(`dist/index.js: ${(bytes / 1024).toFixed(0)} KB (${((bytes / MAX_BYTES) * 100).toFixed(0)}% of the 3 MB budget)`);
    console.log(`bare node -e '':                           median ${b.toFixed(0)} ms over ${RUNS} runs`);
    console.log(`node dist/index.js, no inputs, repo root:  median ${r.toFixed(0)} ms → +${(r - b).toFixed(0)} ms over bare node (${(r / b).toFixed(2)}×; budget +${MAX_COLD_MS} ms)`);
    console.log(`node dist/index.js, no inputs, no config:  median ${n.toFixed(0)} ms → +${(n - b).toFixed(0)} ms over bare node (${(n / b).toFixed(2)}×)`);
    if (bytes > MAX_BYTES) console.log("OVER BUDGET: bundle size");
    if (r - b > MAX_COLD_MS) console.log("OVER BUDGET: cold start");
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}
