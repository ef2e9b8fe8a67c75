// Start-up: `node dist/cli.js validate` on CLINC150 (10 domain flows) and the Action's cold start (dist/index.js, no
// inputs), against bare `node -e ''` — interleaved in one run so machine load hits every side alike; medians of wall
// time and of the child's own CPU time (user + system, the steadier figure on a busy machine).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeClincDomains } from "./clinc150.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 11);

interface Time {
  wall: number;
  cpu: number;
}

function timeNode(probe: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Time {
  const t0 = process.hrtime.bigint();
  // validate exits 1 on findings, the Action with no inputs fails: only the time counts
  const r = spawnSync(process.execPath, ["--import", probe, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28, env: { PATH: process.env.PATH ?? "", ...env } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  return { wall, cpu: Number(/cnlu-cpu=(\d+)/.exec(r.stderr ?? "")?.[1] ?? Number.NaN) / 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "cnlu-bench-startup-"));
  const cache = mkdtempSync(join(tmpdir(), "cnlu-bench-ccache-"));
  try {
    const probe = join(work, "probe.mjs");
    writeFileSync(probe, 'process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write("\\ncnlu-cpu=" + (u.user + u.system) + "\\n"); });\n');
    const p = pathToFileURL(probe).href;
    const clinc = join(work, "clinc");
    const layout = writeClincDomains(clinc, { oosTests: true });
    const cli = join(root, "dist", "cli.js");
    const action = join(root, "dist", "index.js");
    const env = { NODE_COMPILE_CACHE: cache };
    const sides: Record<string, { args: string[]; cwd: string; env: NodeJS.ProcessEnv; t: Time[] }> = {
      bare: { args: ["-e", ""], cwd: root, env: {}, t: [] },
      version: { args: [cli, "--version"], cwd: root, env, t: [] },
      validate: { args: [cli, "validate", "--format", "json"], cwd: clinc, env, t: [] },
      action: { args: [action], cwd: root, env, t: [] },
    };
    // BASE_DIST=<another build's dist/> times it alongside (before/after in one run)
    const base = process.env.BASE_DIST;
    if (base) {
      sides["validate (base)"] = { args: [join(base, "cli.js"), "validate", "--format", "json"], cwd: clinc, env, t: [] };
      sides["action (base)"] = { args: [join(base, "index.js")], cwd: root, env, t: [] };
    }
    for (const s of Object.values(sides)) timeNode(p, s.args, s.cwd, s.env); // warm the file cache and the compile cache
    for (let i = 0; i < RUNS; i++) for (const s of Object.values(sides)) s.t.push(timeNode(p, s.args, s.cwd, s.env));
    const m = (k: string) => ({ wall: median(sides[k].t.map((t) => t.wall)), cpu: median(sides[k].t.map((t) => t.cpu)) });
    const b = m("bare");
    const line = (label: string, k: string, target: string) => {
      const x = m(k);
      console.log(`  ${label.padEnd(32)} wall ${x.wall.toFixed(0).padStart(5)} ms (+${(x.wall - b.wall).toFixed(0)} over bare)   cpu ${x.cpu.toFixed(0).padStart(5)} ms (+${(x.cpu - b.cpu).toFixed(0)} over bare)${target}`);
    };
    console.log(`node ${process.version}; CLINC150 ${layout.examples + layout.tests} utterances in ${layout.flows} flows; medians of ${RUNS} interleaved runs`);
    line("bare node -e ''", "bare", "");
    line("node dist/cli.js --version", "version", "");
    line("node dist/cli.js validate", "validate", "   target ≤ 500 ms wall on a quiet machine");
    line("node dist/index.js (no inputs)", "action", "   target ≤ +200 ms over bare node");
    if (base) {
      line("BASE_DIST cli.js validate", "validate (base)", "");
      line("BASE_DIST index.js (no inputs)", "action (base)", "");
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}
