// Start-up: `node dist/cli.js validate` on CLINC150 (10 domain flows) and the Action's cold start (dist/index.js, no
// inputs), against bare `node -e ''` — interleaved in one run so machine load hits every side alike; medians.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeClincDomains } from "./clinc150.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 11);

function timeNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): number {
  const t0 = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, args, { cwd, stdio: "ignore", env: { PATH: process.env.PATH ?? "", ...env } });
  } catch {
    // validate exits 1 on findings, the Action with no inputs fails: only the time counts
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "cnlu-bench-startup-"));
  const cache = mkdtempSync(join(tmpdir(), "cnlu-bench-ccache-"));
  try {
    const clinc = join(work, "clinc");
    const layout = writeClincDomains(clinc, { oosTests: true });
    const cli = join(root, "dist", "cli.js");
    const action = join(root, "dist", "index.js");
    const env = { NODE_COMPILE_CACHE: cache };
    const bare: number[] = [];
    const validate: number[] = [];
    const help: number[] = [];
    const cold: number[] = [];
    timeNode([cli, "validate"], clinc, env); // fills the compile cache where the runtime has one
    timeNode([action], root, env);
    for (let i = 0; i < RUNS; i++) {
      bare.push(timeNode(["-e", ""], root));
      validate.push(timeNode([cli, "validate", "--format", "json"], clinc, env));
      help.push(timeNode([cli, "--version"], root, env));
      cold.push(timeNode([action], root, env));
    }
    const b = median(bare);
    console.log(`node ${process.version}; CLINC150 ${layout.examples + layout.tests} utterances in ${layout.flows} flows; medians of ${RUNS} interleaved runs`);
    console.log(`  bare node -e '':                 ${b.toFixed(0)} ms`);
    console.log(`  node dist/cli.js --version:      ${median(help).toFixed(0)} ms (+${(median(help) - b).toFixed(0)} ms over bare node)`);
    console.log(`  node dist/cli.js validate:       ${median(validate).toFixed(0)} ms (target ≤ 500 ms on a quiet machine; +${(median(validate) - b).toFixed(0)} ms over bare node)`);
    console.log(`  node dist/index.js (no inputs):  ${median(cold).toFixed(0)} ms → +${(median(cold) - b).toFixed(0)} ms over bare node (target ≤ 200 ms)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}
