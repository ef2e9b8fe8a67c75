// Shared by the backup / pull / drift / harvest tests: a YAML repository on disk, the emulator, a client, sync + train.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import { type Config, configSchema } from "../../src/config/schema.js";
import { loadDataset } from "../../src/dataset/load.js";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { planFlows } from "../../src/pipeline/plan.js";
import { resolveTargets } from "../../src/pipeline/resolve.js";
import { syncFlows } from "../../src/pipeline/sync.js";
import { trainFlows } from "../../src/pipeline/train.js";
import type { PipelineDeps } from "../../src/pipeline/types.js";

export const KEY = "backup-test-key-5e1d77a0";

export interface BotIntent {
  name: string;
  examples: string[];
  tests?: string[];
  description?: string;
}

/** Four well separated intents with `k` examples and 2 tests each. */
export function smallBot(k = 8): BotIntent[] {
  const topics: [string, string[]][] = [
    ["OrderPizza", ["pizza", "pepperoni", "margherita", "crust", "cheese", "slice", "large pizza", "pizza order"]],
    ["Weather", ["weather", "rain", "sunny", "forecast", "temperature", "cloudy", "storm", "snow"]],
    ["BookFlight", ["flight", "airport", "boarding", "ticket", "plane", "departure", "gate", "luggage"]],
    ["PlayMusic", ["music", "song", "playlist", "album", "guitar", "concert", "band", "lyrics"]],
  ];
  const frames = ["tell me about the {a}", "i need help with {a} today", "what about {a} now", "{a} please", "can you check the {a} for me", "show me {a} options", "is there any {a} left", "my {a} question", "about {a} again", "quick question on {a}", "find {a} near me", "i love {a}"];
  return topics.map(([name, words]) => ({
    name,
    examples: Array.from({ length: k }, (_, j) => (frames[j % frames.length] as string).replace("{a}", words[j % words.length] as string)),
    tests: [`${words[2]} ${words[5]} question`, `anything on ${words[3]}`],
  }));
}

export function makeConfig(over: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    cognigy: { baseUrl: "http://127.0.0.1:9", project: "Test Bot", rateLimit: 0 },
    flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US" }, defaultLocale: "en-US" }],
    checks: { minExamples: { error: 1, warning: 1 } },
    ...over,
  });
}

/** Writes intents/*.yml (and cognigy-nlu.yml) the way a user would. */
export function writeBot(root: string, intents: readonly BotIntent[], cfg: Config, flowDir = "training-data/main"): void {
  const dir = join(root, flowDir, "intents");
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(root, flowDir, "tests"), { recursive: true });
  for (const i of intents) {
    const doc: Record<string, unknown> = { intent: i.name };
    if (i.description) doc.description = i.description;
    doc.examples = i.examples;
    if (i.tests?.length) doc.tests = i.tests;
    writeFileSync(join(dir, `${i.name}.yml`), stringify(doc, { lineWidth: 0 }));
  }
  writeFileSync(join(root, "cognigy-nlu.yml"), stringify({ cognigy: { baseUrl: cfg.cognigy.baseUrl, project: cfg.cognigy.project }, flows: cfg.flows.map((f) => ({ name: f.name, dir: f.dir, locales: f.locales, defaultLocale: f.defaultLocale })) }));
}

const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 15)));

export interface Setup {
  emu: Emulator;
  client: CognigyClient;
  run: RunConfig;
  deps: PipelineDeps;
  logger: RecordingLogger;
  root: string;
  out: string;
  cfg: Config;
  close(): Promise<void>;
}

export async function setup(opts: { intents?: BotIntent[]; cfg?: Record<string, unknown>; emu?: Partial<EmulatorOptions>; write?: boolean } = {}): Promise<Setup> {
  const cfg = makeConfig(opts.cfg);
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 5, ...(opts.emu ?? {}) });
  cfg.cognigy.baseUrl = emu.url;
  const root = mkdtempSync(join(tmpdir(), "cnlu-bk-"));
  if (opts.write !== false) writeBot(root, opts.intents ?? smallBot(), cfg);
  const out = join(root, "out");
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 3, baseBackoffMs: 1, maxBackoffMs: 5, sleep: shortSleep });
  const run: RunConfig = { config: cfg, configPath: join(root, "cognigy-nlu.yml"), root, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false };
  const logger = new RecordingLogger();
  return {
    emu,
    client,
    run,
    deps: { client, logger },
    logger,
    root,
    out,
    cfg,
    async close() {
      await emu.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Syncs the repository on disk into the emulator and trains it (what a release does before its gate). */
export async function syncAndTrain(s: Setup, opts: { train?: boolean } = {}): Promise<void> {
  const ds = loadDataset({ config: s.run.config, root: s.root });
  const targets = await resolveTargets(s.run.config, ds, s.client);
  const plan = await planFlows(s.run, s.deps, { dataset: ds, targets });
  await syncFlows({ ...s.run, force: true }, s.deps, { plan });
  if (opts.train !== false) await trainFlows(s.run, s.deps, { targets });
}
