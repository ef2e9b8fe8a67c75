// One rate budget per runner and host: processes share it through a state file (RUNNER_TEMP), created safely.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BudgetFile, defaultMargin, RequestBudget, runnerBudget } from "../../src/cognigy/budget.js";
import { CognigyClient } from "../../src/cognigy/client.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { runRelease } from "../../src/pipeline/run.js";
import { config, dataset, smallBot } from "../pipeline/helpers.js";
import { fakeClock } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const open: Emulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

const tmp = () => mkdtempSync(join(tmpdir(), "cnlu-budget-"));

describe("the shared state file", () => {
  it("two budgets (two processes) on one file never put more than `limit` requests into a window + margin, and print progress", async () => {
    const dir = tmp();
    const clock = fakeClock(1_000_000);
    const logger = new RecordingLogger();
    const make = () => new RequestBudget({ limit: 10, windowMs: 1000, marginMs: 50, now: clock.now, sleep: clock.sleep, file: new BudgetFile("api.example:443", dir, logger), logger });
    const a = make();
    const b = make();
    const starts: number[] = [];
    for (let i = 0; i < 60; i++) {
      await (i % 3 === 0 ? b : a).acquire();
      starts.push(clock.t);
      clock.t += 7;
    }
    for (const s of starts) expect(starts.filter((x) => x >= s && x < s + 1050).length).toBeLessThanOrEqual(10);
    expect(logger.lines.some((l) => l.level === "info" && /^rate limit: 10\/10 used, waiting [\d.]+ s$/.test(l.message))).toBe(true);
    expect(a.inWindow()).toBeLessThanOrEqual(10);
    expect(logger.lines.filter((l) => l.level === "warn")).toEqual([]);
  });

  it("keys the file by host under RUNNER_TEMP, mode 0600, and leaves no lock or temp file behind", async () => {
    const dir = tmp();
    const b = runnerBudget({ baseUrl: "https://api-trial.cognigy.ai/x", limit: 5, env: { RUNNER_TEMP: dir } });
    await b.acquire();
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cognigy-nlu-rate-[0-9a-f]{16}\.json$/);
    expect(statSync(join(dir, files[0])).mode & 0o777).toBe(0o600);
    const other = new BudgetFile("api-app.cognigy.ai", dir);
    expect(other.path).not.toBe(join(dir, files[0]));
    expect(defaultMargin(300_000)).toBe(5000);
    expect(defaultMargin(1000)).toBe(250);
  });

  it("never follows a symlink planted at the state path: warns once and counts this process's requests only", async () => {
    const dir = tmp();
    const target = join(dir, "victim.txt");
    writeFileSync(target, "keep me");
    const file = new BudgetFile("api.example", dir, new RecordingLogger());
    symlinkSync(target, file.path);
    const logger = new RecordingLogger();
    const clock = fakeClock();
    const b = new RequestBudget({ limit: 2, now: clock.now, sleep: clock.sleep, file: new BudgetFile("api.example", dir, logger), logger });
    await b.acquire();
    await b.acquire();
    await b.acquire();
    expect(clock.sleeps).toHaveLength(1); // the local window still holds it to 2 per window
    expect(logger.lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([expect.stringMatching(/not sharing the request window .* it is a symbolic link/)]);
    expect(existsSync(target) && statSync(target).size).toBe(7);
  });

  it("ignores a state file others can write", async () => {
    const dir = tmp();
    const file = new BudgetFile("api.example", dir);
    writeFileSync(file.path, JSON.stringify({ v: 1, times: [], pausedUntil: 9e15 }));
    chmodSync(file.path, 0o666);
    const logger = new RecordingLogger();
    const clock = fakeClock();
    const b = new RequestBudget({ limit: 5, now: clock.now, sleep: clock.sleep, file: new BudgetFile("api.example", dir, logger), logger });
    expect(await b.acquire()).toBe(0); // the planted pause is not obeyed
    expect(logger.text()).toMatch(/others can write it/);
  });
});

/** Starts a worker; `ready` resolves once it is loaded, `go()` lets it start, `done` resolves with its output. */
function startWorker(env: Record<string, string>) {
  const p = spawn(process.execPath, ["--import", "tsx", join(here, "fixtures", "score-worker.ts")], { cwd: root, env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  p.stdout.on("data", (d) => {
    out += d;
    if (out.startsWith("ready\n")) markReady();
  });
  p.stderr.on("data", (d) => (err += d));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => p.on("close", (code) => resolve({ code, out: out.replace(/^ready\n/, ""), err })));
  return { ready, done, go: () => p.stdin.write("go\n") };
}

describe("two processes of one job", () => {
  it("finish a 600-request evaluation against an emulator enforcing the limit, with no 429", async () => {
    const KEY = "shared-budget-key-90c1e2";
    const cfg = config({ checks: { minExamples: { error: 1, warning: 1 } }, gate: { macroF1: 0, macroPrecision: 0, minIntentF1: 0, minTestsPerIntent: 0 } });
    // the window scaled down: 20 requests per second instead of 1,000 per 5 minutes (600 requests take ≥ 30 s)
    const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, rateWindowMs: 1000, taskDelayMs: 5 });
    open.push(emu);
    cfg.cognigy.baseUrl = emu.url;
    const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0 });
    const bot = smallBot();
    const out = tmp();
    await runRelease(
      { config: cfg, configPath: join(out, "c.yml"), root: out, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false },
      { client, logger: new RecordingLogger(), dataset: dataset(cfg, bot.intents, bot.tests) },
    );
    const project = await client.resolveProject("Test Bot");
    const flow = await client.resolveFlow(project._id, "Main");
    const locale = (await client.listLocales(project._id))[0];
    emu.rateLimiter.limit = 20;
    const mark = emu.requestLog.length;
    const env = {
      URL: emu.url,
      KEY,
      PROJECT: project._id,
      FLOW_REF: flow.referenceId,
      LOCALE_REF: locale.referenceId,
      N: "300",
      LIMIT: "20",
      WINDOW_MS: "1000",
      MARGIN_MS: "250",
      RUNNER_TEMP: tmp(),
    };
    const workers = [startWorker(env), startWorker(env)];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const [a, b] = await Promise.all(workers.map((w) => w.done));
    expect(a.err + b.err).toBe("");
    const results = [a, b].map((r) => JSON.parse(r.out.trim()) as { scored: number; waitedMs: number; progress: number });
    expect(results.map((r) => r.scored)).toEqual([300, 300]);
    const log = emu.requestLog.slice(mark);
    expect(log.filter((e) => e.path.endsWith("/nlu/scores") && e.status === 200)).toHaveLength(600);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    // both had to wait for the shared window, and said so at the default level
    expect(results.every((r) => r.waitedMs > 0 && r.progress > 0)).toBe(true);
  }, 120_000);
});
