// The reliability harness: a small bot in two versions, emulators started from a saved "before" state, whole release runs
// (in process with a short injected sleep, or `node dist/cli.js release` as a child), and the state comparison that
// classifies every run as completed / failed cleanly / inconsistent.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { CognigyClient } from "../../src/cognigy/client.js";
import { resolveRunConfig, type RunConfig } from "../../src/config/options.js";
import { type DumpedState, type Emulator, type RequestLogEntry, startEmulator } from "../../src/emulator/index.js";
import type { PersistedState } from "../../src/emulator/state.js";
import { consoleLogger, type Logger } from "../../src/logger.js";
import { runRelease } from "../../src/pipeline/run.js";
import type { RunDeps } from "../../src/pipeline/types.js";
import { Redactor } from "../../src/report/redact.js";
import type { Report } from "../../src/report/types.js";
import { writeReportFiles } from "../../src/report/write.js";

export const API_KEY = "reliability-api-key-6e1f0c2d9b8a";
export const FLOW_DIR = "training-data/main";

const TOPICS: Record<string, string[]> = {
  OrderPizza: ["pizza", "pepperoni", "margherita", "crust", "cheese", "slice", "oven", "topping"],
  Weather: ["weather", "rain", "sunny", "forecast", "temperature", "cloudy", "storm", "snow"],
  BookFlight: ["flight", "airport", "boarding", "plane", "departure", "luggage", "runway", "pilot"],
  PlayMusic: ["music", "song", "playlist", "album", "guitar", "concert", "band", "lyrics"],
  BankBalance: ["bank", "account", "balance", "deposit", "savings", "statement", "overdraft", "branch"],
  DoctorVisit: ["doctor", "appointment", "clinic", "medicine", "nurse", "hospital", "fever", "checkup"],
  TrackParcel: ["parcel", "package", "courier", "tracking", "shipment", "delivery", "postage", "label"],
};
const FRAMES = ["tell me about the {a} and {b}", "i need help with {a} {b}", "what is the {a} for {b}", "{a} {b} please", "can you check {a} with {b}", "show me {a} or {b}", "is there any {a} {b}", "my {a} needs {b}", "about {a} and the {b}", "quick question on {a} {b}", "find {a} near {b}", "i love {a} and {b}"];

function examples(name: string, n: number, from = 0): string[] {
  const w = TOPICS[name];
  return Array.from({ length: n }, (_, i) => {
    const j = i + from;
    return FRAMES[j % FRAMES.length].replace("{a}", w[j % w.length]).replace("{b}", w[(j * 3 + 1) % w.length]);
  });
}

function tests(name: string): string[] {
  const w = TOPICS[name];
  return [`${w[2]} ${w[5]} question`, `${w[3]} ${w[6]} issue`];
}

export interface BotVersion {
  intents: Record<string, { examples: string[]; description?: string }>;
}

/** v1: six intents (the state before). */
export function botV1(): BotVersion {
  const names = ["OrderPizza", "Weather", "BookFlight", "PlayMusic", "BankBalance", "DoctorVisit"];
  return { intents: Object.fromEntries(names.map((n) => [n, { examples: examples(n, 10) }])) };
}

/** v2: one intent added, one deleted, sentences added and removed, a description changed (every kind of write). */
export function botV2(): BotVersion {
  const v = botV1();
  delete v.intents.DoctorVisit;
  v.intents.TrackParcel = { examples: examples("TrackParcel", 10) };
  v.intents.OrderPizza.examples.push(...examples("OrderPizza", 3, 10));
  v.intents.Weather.examples.splice(0, 2);
  v.intents.BookFlight.description = "Book or change a flight";
  return v;
}

/** v3: another target (for two different concurrent releases). */
export function botV3(): BotVersion {
  const v = botV1();
  v.intents.PlayMusic.examples = examples("PlayMusic", 12, 3);
  v.intents.BankBalance.description = "Balances and statements";
  v.intents.TrackParcel = { examples: examples("TrackParcel", 8, 2) };
  return v;
}

/** v4: changes to other intents than v2 touches (the two runs' batches do not conflict). */
export function botV4(): BotVersion {
  const v = botV1();
  v.intents.PlayMusic.examples = examples("PlayMusic", 12, 3);
  v.intents.BankBalance.description = "Balances and statements";
  return v;
}

export function configYaml(over: { trainTimeout?: number; timeoutSeconds?: number; extra?: string } = {}): string {
  return `cognigy:
  baseUrl: http://127.0.0.1:9
  project: Reliability Bot
  rateLimit: 0
  timeoutSeconds: ${over.timeoutSeconds ?? 30}
flows:
  - name: Main
    dir: ${FLOW_DIR}
    locales: { en-US: en-US }
    defaultLocale: en-US
checks:
  minExamples: { error: 1, warning: 1 }
  maxImbalance: off
  nearDuplicate: off
sync:
  maxDeletions: "50%"
train:
  timeoutSeconds: ${over.trainTimeout ?? 60}
gate:
  macroF1: 0.1
  macroPrecision: 0.1
  minIntentF1: 0
  maxRegression: 1
  minTestsPerIntent: 1
${over.extra ?? ""}`;
}

/** Writes a repository for a bot version (cognigy-nlu.yml + one file per intent). */
export function writeRepo(dir: string, bot: BotVersion, config = configYaml(), extraFiles: Record<string, string> = {}): string {
  rmSync(join(dir, FLOW_DIR), { recursive: true, force: true });
  mkdirSync(join(dir, FLOW_DIR, "intents"), { recursive: true });
  mkdirSync(join(dir, FLOW_DIR, "tests"), { recursive: true });
  writeFileSync(join(dir, "cognigy-nlu.yml"), config);
  const q = (s: string) => JSON.stringify(s);
  for (const [name, i] of Object.entries(bot.intents)) {
    const desc = i.description ? `description: ${q(i.description)}\n` : "";
    writeFileSync(
      join(dir, FLOW_DIR, "intents", `${name}.yml`),
      `intent: ${name}\n${desc}examples:\n${i.examples.map((e) => `  - ${q(e)}\n`).join("")}tests:\n${tests(name).map((t) => `  - ${q(t)}\n`).join("")}`,
    );
  }
  for (const [rel, text] of Object.entries(extraFiles)) writeFileSync(join(dir, rel), text);
  return dir;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The NLU data a release is about (no snapshot names, task or training state): what must be "before" or "intended". */
export function dataOf(d: DumpedState): unknown {
  return d.projects.map((p) => ({
    name: p.name,
    locales: p.locales,
    flows: p.flows.map((f) => ({ name: f.name, settings: f.settings, intents: f.intents })),
    endpoints: p.endpoints,
  }));
}

export function sameData(a: DumpedState, b: DumpedState): boolean {
  return JSON.stringify(dataOf(a)) === JSON.stringify(dataOf(b));
}

/** Starts an emulator on a copy of a saved state (each run gets its own file). */
export async function emulatorFrom(
  state: PersistedState,
  dir: string,
  opts: { faults?: string; taskDelayMs?: number; slowMs?: number; packagePadBytes?: number; onRequest?: (e: RequestLogEntry) => void } = {},
): Promise<Emulator> {
  const file = join(dir, `state-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(state));
  return startEmulator({
    port: 0,
    apiKey: API_KEY,
    statePath: file,
    rateLimit: 0,
    taskDelayMs: opts.taskDelayMs ?? 40,
    faults: opts.faults,
    slowMs: opts.slowMs,
    packagePadBytes: opts.packagePadBytes,
    onRequest: opts.onRequest,
  });
}

/** Client retries wait at most this long (the real policy with a short clock: Retry-After and backoff still apply). */
export const SHORT_SLEEP_MS = 5;
export const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, SHORT_SLEEP_MS)));

export interface InProcessRun {
  report?: Report;
  /** A throw out of runRelease (a bug: the pipeline should always return a report). */
  thrown?: Error;
  log: string;
  out: string;
  ms: number;
}

/** The run config for a repository against an emulator (as the CLI would resolve it). */
export function runConfigFor(repo: string, emu: Emulator, out: string): RunConfig {
  return resolveRunConfig({ baseUrl: emu.url, out, rateLimit: "0" }, { COGNIGY_API_KEY: API_KEY }, repo);
}

/** A redacting console logger writing into a string (what the CLI prints). */
export function capturedLogger(redactor: Redactor): { logger: Logger; text: () => string } {
  let buf = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      buf += String(chunk);
      cb();
    },
  });
  return { logger: consoleLogger({ stream, redact: (s) => redactor.redactSecrets(s) }), text: () => buf };
}

/** One whole release in process: the real client with a short sleep, report files written as the CLI writes them. */
export async function releaseInProcess(
  repo: string,
  emu: Emulator,
  out: string,
  o: { onStep?: (step: string) => void; timeoutMs?: number; maxRetries?: number; audit?: RunDeps["audit"] } = {},
): Promise<InProcessRun> {
  const t0 = performance.now();
  const run = runConfigFor(repo, emu, out);
  const redactor = new Redactor();
  redactor.addSecret(API_KEY);
  const { logger, text } = capturedLogger(redactor);
  const client = new CognigyClient({
    baseUrl: emu.url,
    apiKey: API_KEY,
    apiPrefix: run.config.cognigy.apiPrefix,
    timeoutMs: o.timeoutMs ?? run.config.cognigy.timeoutSeconds * 1000,
    rateLimit: 0,
    maxRetries: o.maxRetries,
    project: run.config.cognigy.project,
    logger,
    sleep: shortSleep,
  });
  try {
    const report = await runRelease(run, { client, logger, onStep: o.onStep, audit: o.audit });
    await writeReportFiles(report, out, { redactor });
    return { report, log: text(), out, ms: performance.now() - t0 };
  } catch (e) {
    return { thrown: e as Error, log: `${text()}\n${(e as Error)?.stack ?? e}`, out, ms: performance.now() - t0 };
  }
}

/** A client for a run (the real one, with the short sleep). */
export function clientFor(baseUrl: string, logger: Logger, o: { timeoutMs?: number; maxRetries?: number } = {}): CognigyClient {
  return new CognigyClient({ baseUrl, apiKey: API_KEY, timeoutMs: o.timeoutMs ?? 30_000, rateLimit: 0, maxRetries: o.maxRetries, project: "Reliability Bot", logger, sleep: shortSleep });
}

/** Requests that are not task polls (polls depend on wall time, not on the work). */
export function workRequests(emu: Emulator): number {
  return emu.requestLog.filter((e) => !(e.method === "GET" && /\/tasks\/[0-9a-f]{24}$/.test(e.path))).length;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `node dist/cli.js <args>` in `cwd` with the API key in the environment; `onSpawn` gets the child (to kill it). */
export function runCli(cli: string, args: string[], cwd: string, o: { env?: Record<string, string>; timeoutMs?: number; onSpawn?: (kill: (sig: NodeJS.Signals) => void) => void } = {}): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, COGNIGY_API_KEY: API_KEY, NO_COLOR: "1", ...(o.env ?? {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 240_000);
    o.onSpawn?.((sig) => child.kill(sig));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** The saved states every scenario starts from, and what a clean release of v2 leads to. */
export interface Baseline {
  /** Emulator state after a clean release of v1: "the state before". */
  before: PersistedState;
  beforeDump: DumpedState;
  /** State after a clean release of v2 from `before` on a fresh emulator: "the intended state". */
  intendedDump: DumpedState;
  /** Work requests of that fault-free v2 release. */
  cleanRequests: number;
  cleanMs: number;
}

export async function makeBaseline(work: string): Promise<Baseline> {
  const repo1 = writeRepo(join(work, "v1"), botV1());
  const seed = await startEmulator({ port: 0, apiKey: API_KEY, rateLimit: 0, taskDelayMs: 40, seed: runConfigFor(repo1, { url: "http://127.0.0.1:9" } as Emulator, join(work, "o")).config });
  const r1 = await releaseInProcess(repo1, seed, join(work, "out-v1"));
  if (r1.report?.status !== "success") throw new Error(`baseline v1 release failed: ${r1.report?.summary ?? r1.thrown?.message}\n${r1.log}`);
  const before = JSON.parse(JSON.stringify(seed.state.toJSON())) as PersistedState;
  const beforeDump = seed.dumpState();
  await seed.close();
  const repo2 = writeRepo(join(work, "v2"), botV2());
  const emu = await emulatorFrom(before, work);
  const r2 = await releaseInProcess(repo2, emu, join(work, "out-v2"));
  if (r2.report?.status !== "success") throw new Error(`baseline v2 release failed: ${r2.report?.summary ?? r2.thrown?.message}\n${r2.log}`);
  const baseline = { before, beforeDump, intendedDump: emu.dumpState(), cleanRequests: workRequests(emu), cleanMs: r2.ms };
  await emu.close();
  if (sameData(baseline.beforeDump, baseline.intendedDump)) throw new Error("v1 and v2 lead to the same state: the matrix would prove nothing");
  return baseline;
}
