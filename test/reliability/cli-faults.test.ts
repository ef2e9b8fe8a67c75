// The CLI end to end under the emulator's own fault switches, as the acceptance check runs it: `cognigy-nlu emulator
// --faults …` as one process, `cognigy-nlu release` runs against it as others (real sleeps, real Retry-After).
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { type DumpedState, startEmulator } from "../../src/emulator/index.js";
import { ensureCli, FULL } from "./dist.js";
import { recordFigures } from "./figures.js";
import { API_KEY, botV2, releaseInProcess, runCli, sameData, tempDir, writeRepo } from "./harness.js";
import { LeakScanner } from "./leak-scan.js";

const SPEC = FULL ? "429:0.15,500:0.05,drop:0.02,seed=4" : "429:0.15,500:0.05,drop:0.02,retryafter=0,seed=4";
const RUNS = FULL ? 3 : 1;

let cli: string;
let work: string;
let repo: string;
let emptyDump: DumpedState;
let intended: DumpedState;
let emu: ChildProcess;
let url = "";
let emuLog = "";
const rows: string[] = [];

beforeAll(async () => {
  cli = ensureCli();
  work = tempDir("cnlu-cli-faults-");
  repo = writeRepo(join(work, "repo"), botV2());
  // intended: a clean release of the same data on a fresh seeded emulator
  const clean = await startEmulator({ port: 0, apiKey: API_KEY, rateLimit: 0, taskDelayMs: 150, seed: loadConfig(join(repo, "cognigy-nlu.yml")).config });
  emptyDump = clean.dumpState();
  const r = await releaseInProcess(repo, clean, join(work, "out-clean"));
  if (r.report?.status !== "success") throw new Error(r.log);
  intended = clean.dumpState();
  await clean.close();
  emu = spawn(process.execPath, [cli, "emulator", "--port", "0", "--seed", "cognigy-nlu.yml", "--api-key", API_KEY, "--rate-limit", "0", "--faults", SPEC], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  emu.stdout?.setEncoding("utf8").on("data", (c: string) => (emuLog += c));
  emu.stderr?.setEncoding("utf8").on("data", (c: string) => (emuLog += c));
  // waits for the URL however slow the start is (an exit of the emulator or the hook timeout ends the wait)
  while (!url && emu.exitCode === null && emu.signalCode === null) {
    url = /http:\/\/127\.0\.0\.1:\d+/.exec(emuLog)?.[0] ?? "";
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  url ||= /http:\/\/127\.0\.0\.1:\d+/.exec(emuLog)?.[0] ?? "";
  if (!url) throw new Error(`the emulator printed no URL: ${emuLog}`);
});

afterAll(() => {
  emu?.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
  recordFigures("cli-faults", { full: FULL, spec: SPEC, rows });
  if (rows.length) process.stdout.write(`CLI releases under --faults ${SPEC}:\n${rows.map((r) => `  ${r}`).join("\n")}\n`);
});

async function state(): Promise<DumpedState> {
  const res = await fetch(`${url}/__emulator/state`, { headers: { "x-api-key": API_KEY } });
  return (await res.json()) as DumpedState;
}

describe("node dist/cli.js release against `cognigy-nlu emulator --faults`", () => {
  it.each(Array.from({ length: RUNS }, (_, i) => [i + 1] as const))("run %i completes or fails cleanly, consistent, no key in the output", async (n) => {
    const before = await state();
    const r = await runCli(cli, ["release", "--base-url", url, "--rate-limit", "0", "--out", join(work, `out-${n}`)], repo, { timeoutMs: 240_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect([0, 1], out).toContain(r.code);
    expect(out).not.toMatch(/unexpected failure/);
    if (r.code === 1) expect(out).toMatch(/release failed at \w+: /);
    const after = await state();
    const where = sameData(after, intended) ? "intended" : sameData(after, before) ? "before" : "mixed";
    rows.push(`run ${n}: exit ${r.code}, ${Math.round(r.ms / 1000)} s, state ${where}${sameData(before, emptyDump) ? " (from an empty flow)" : ""}`);
    if (r.code === 0) expect(where, out).toBe("intended");
    if (where === "mixed") expect(out, "a mixed state needs the backup snapshot in the output").toMatch(/backup: snapshot \S+ \([0-9a-f]{24}\)/);
    expect(new LeakScanner([API_KEY]).addText("release", out).addPath(join(work, `out-${n}`)).report()).toEqual([]);
  });

  it(`at least ${Math.min(2, RUNS)} of ${RUNS} releases complete under 15% 429 / 5% 5xx / 2% drops (the acceptance bar)`, () => {
    const ok = rows.filter((r) => r.includes("exit 0")).length;
    expect(ok).toBeGreaterThanOrEqual(Math.min(2, RUNS));
  });
});
