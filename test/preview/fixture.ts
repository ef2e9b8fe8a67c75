// A bot repository on disk under git (main = what production was released from, a PR branch on top), the emulator
// seeded with main's flows, and helpers to read production and the project's flows as a user would.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import { loadConfig } from "../../src/config/load.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { parsePreviewTag } from "../../src/pipeline/preview.js";
import type { PipelineDeps } from "../../src/pipeline/types.js";
import { type CliRun, runMain } from "../cli-main.js";

export const KEY = "preview-test-key-3c9a71d2";

export interface Intent {
  name: string;
  examples: string[];
  tests: string[];
}

function topic(name: string, words: string[], k = 12, t = 4): Intent {
  const frames = ["tell me about the {a} and {b}", "i need help with {a} {b}", "what is the {a} for {b}", "{a} {b} please", "can you check {a} with {b}", "show me {a} or {b}"];
  const testFrames = ["any news on {a} {b}", "question about {a} plus {b}", "{a} then {b}", "looking for {a} {b} info"];
  const gen = (fr: string[], n: number, off: number) => {
    const out = new Set<string>();
    for (let j = 0; out.size < n; j++) {
      const a = words[(j + off) % words.length];
      const b = words[(j * 5 + 3 + off) % words.length];
      if (a !== b) out.add(fr[j % fr.length].replace("{a}", a).replace("{b}", b));
    }
    return [...out];
  };
  return { name, examples: gen(frames, k, 0), tests: gen(testFrames, t, 1) };
}

export const MAIN: Intent[] = [
  topic("OrderPizza", ["pizza", "pepperoni", "margherita", "crust", "cheese", "slice", "oven", "topping"]),
  topic("Weather", ["weather", "rain", "sunny", "forecast", "temperature", "cloudy", "storm", "snow"]),
  topic("BookFlight", ["flight", "airport", "boarding", "ticket", "plane", "departure", "runway", "luggage"]),
  topic("PlayMusic", ["song", "playlist", "album", "guitar", "concert", "band", "lyrics", "melody"]),
];
export const SUPPORT: Intent[] = [
  topic("ResetPassword", ["password", "login", "reset", "locked", "credentials", "account", "username", "signin"]),
  topic("Refund", ["refund", "money", "return", "charge", "payment", "invoice", "receipt", "reimburse"]),
];

export function writeIntents(root: string, dir: string, intents: readonly Intent[]): void {
  mkdirSync(join(root, dir, "intents"), { recursive: true });
  mkdirSync(join(root, dir, "tests"), { recursive: true });
  for (const i of intents) writeFileSync(join(root, dir, "intents", `${i.name}.yml`), stringify({ intent: i.name, examples: i.examples, tests: i.tests }, { lineWidth: 0 }));
}

/** cognigy-nlu.yml with these flows (name → folder) and a gate the small bots pass. */
export function writeConfig(root: string, baseUrl: string, flows: Record<string, string>): void {
  writeFileSync(
    join(root, "cognigy-nlu.yml"),
    stringify({
      cognigy: { baseUrl, project: "Test Bot", rateLimit: 0 },
      flows: Object.entries(flows).map(([name, dir]) => ({ name, dir, locales: { "en-US": "en-US" }, defaultLocale: "en-US" })),
      checks: { minExamples: { error: 1, warning: 1 }, rules: { "test-leakage": "warning", "duplicate-across": "warning" } },
      gate: { macroF1: 0.3, macroPrecision: 0.3, minIntentF1: 0, minTestsPerIntent: 1, maxRegression: 0.02 },
    }),
  );
}

export function git(root: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 15)));

export interface Repo {
  root: string;
  emu: Emulator;
  client: CognigyClient;
  logger: RecordingLogger;
  deps: PipelineDeps;
  /** The RunConfig of the config file in the working tree now (re-read on every call). */
  run(over?: Partial<RunConfig>): RunConfig;
  close(): Promise<void>;
}

/** main: Main's intents, committed; the emulator seeded with main's config (flow Main only). */
export async function repo(): Promise<Repo> {
  const root = mkdtempSync(join(tmpdir(), "cnlu-preview-"));
  writeIntents(root, "training-data/main", MAIN);
  writeConfig(root, "http://127.0.0.1:9", { Main: "training-data/main" });
  git(root, "init", "-q");
  git(root, "symbolic-ref", "HEAD", "refs/heads/main");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "main");
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: loadConfig(join(root, "cognigy-nlu.yml")).config, rateLimit: 0, taskDelayMs: 5 });
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: shortSleep });
  const logger = new RecordingLogger();
  return {
    root,
    emu,
    client,
    logger,
    deps: { client, logger },
    run(over = {}) {
      const { config, path } = loadConfig(join(root, "cognigy-nlu.yml"));
      config.cognigy.baseUrl = emu.url;
      return { config, configPath: path, root, apiKey: KEY, out: join(root, "out"), format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false, ...over };
    },
    async close() {
      await emu.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The production flow Main as the emulator holds it (intents, sentences, settings, trained model). */
export function production(r: Repo): string {
  return JSON.stringify(r.emu.dumpState().projects[0].flows.find((f) => f.name === "Main"));
}

/** Every flow of the project: name and its preview tag, if any. */
export async function flows(r: Repo): Promise<{ name: string; tag?: ReturnType<typeof parsePreviewTag> }[]> {
  const p = await r.client.resolveProject("Test Bot");
  const out = [];
  for (const f of await r.client.listFlows(p._id)) out.push({ name: f.name, tag: parsePreviewTag((await r.client.getFlow(f._id)).description) });
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The CLI entry in-process (exit code, stdout, stderr), with `env` over this process's environment. */
export function cli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runMain(args, { ...process.env, ...env });
}
