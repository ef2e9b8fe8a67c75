// pull end to end: a 150-intent CLINC150 flow (the vendored slice) pulled into an empty repository and over an existing
// one, then plan → empty.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import { loadConfig } from "../../src/config/load.js";
import type { RunConfig } from "../../src/config/options.js";
import { loadDataset } from "../../src/dataset/load.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { planFlows } from "../../src/pipeline/plan.js";
import { pullFlows } from "../../src/pipeline/pull.js";
import { syncFlows } from "../../src/pipeline/sync.js";
import { setup, syncAndTrain, writeBot } from "../backup/helpers.js";
import { clincSlice, writeRepository } from "../datasets.js";

const KEY = "pull-test-key-0c9e33d1";
let emu: Emulator;
let client: CognigyClient;
let tmp: string;
let source: string;
const logger = new RecordingLogger();
const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 15)));

function runFor(root: string, over: Partial<RunConfig> = {}): RunConfig {
  const { config, path } = loadConfig(join(root, "cognigy-nlu.yml"));
  if (emu) config.cognigy.baseUrl = emu.url;
  config.cognigy.rateLimit = 0;
  return { config, configPath: path, root, apiKey: KEY, out: join(root, "out"), format: "text", dryRun: false, force: true, debug: false, ...over };
}

async function plan(root: string) {
  const run = runFor(root);
  return planFlows(run, { client, logger }, { dataset: loadDataset({ config: run.config, root }) });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "cnlu-pull-"));
  source = join(tmp, "source");
  // the CLINC150 slice: 150 intents (12 to 120 examples each, 4,500 in all) with 3 held-out tests per intent
  const d = clincSlice();
  const byIntent = new Map<string, number>();
  const tests = d.test.filter(([, i]) => (byIntent.set(i, (byIntent.get(i) ?? 0) + 1).get(i) ?? 0) <= 3);
  const written = writeRepository(source, [...d.train, ...d.val], tests);
  if (written.intents !== 150) throw new Error(`the CLINC150 slice has ${written.intents} intents, not 150`);
  const run = runFor(source);
  emu = await startEmulator({ port: 0, apiKey: KEY, seed: run.config, rateLimit: 0, taskDelayMs: 5, logRequests: false });
  client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: shortSleep });
  run.config.cognigy.baseUrl = emu.url;
  const p = await planFlows(run, { client, logger }, { dataset: loadDataset({ config: run.config, root: source }) });
  await syncFlows(run, { client, logger }, { plan: p });
});

afterAll(async () => {
  await emu?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("pull (150 CLINC150 intents from the vendored slice)", () => {
  it("re-pull over the repository is a no-op that keeps comments and tests, and plan stays empty", async () => {
    const file = join(source, "training-data/main/intents/accept_reservations.yml");
    writeFileSync(file, `# owned by the bookings team\n${readFileSync(file, "utf8")}`);
    const before = Object.fromEntries(readdirSync(join(source, "training-data/main/intents")).map((f) => [f, readFileSync(join(source, "training-data/main/intents", f), "utf8")]));
    const r = await pullFlows(runFor(source), { client, logger });
    expect(r.flows[0]?.intents).toBe(150);
    // CLINC150 repeats a few examples within an intent: Cognigy holds each normalised text once
    const inCognigy = (await plan(source)).plan.totals.unchanged;
    expect(inCognigy).toBeGreaterThan(4450);
    expect(r.flows[0]?.sentences).toBe(inCognigy);
    expect(r.flows[0]?.created).toEqual([]);
    expect(r.flows[0]?.updated).toEqual([]);
    for (const [f, text] of Object.entries(before)) expect(readFileSync(join(source, "training-data/main/intents", f), "utf8")).toBe(text);
    expect((await plan(source)).plan.empty).toBe(true);
  });

  it("pulls a CLINC150-sized flow into an empty repository: one stable file per intent, then plan → empty", async () => {
    const target = join(tmp, "target");
    mkdirSync(join(target, "training-data/main/intents"), { recursive: true });
    // the pulled files have no held-out tests (Cognigy has none), and the default evaluate.split never holds out (so
    // never deletes) a sentence Cognigy already has: evaluation must come from tests added later
    writeFileSync(join(target, "cognigy-nlu.yml"), readFileSync(join(source, "cognigy-nlu.yml"), "utf8"));
    const r = await pullFlows(runFor(target), { client, logger });
    expect(r.flows[0]?.created).toHaveLength(150);
    const files = readdirSync(join(target, "training-data/main/intents")).sort();
    expect(files).toContain("accept_reservations.yml");
    const doc = parse(readFileSync(join(target, "training-data/main/intents/accept_reservations.yml"), "utf8"));
    expect(doc.intent).toBe("accept_reservations");
    expect(doc.examples).toEqual(parse(readFileSync(join(source, "training-data/main/intents/accept_reservations.yml"), "utf8")).examples);
    expect(doc.tags).toBeUndefined(); // the ownership tag is the tool's, not the file's
    const p = await plan(target);
    expect(p.plan.totals).toMatchObject({ createIntents: 0, updateIntents: 0, deleteIntents: 0, addSentences: 0, removeSentences: 0, unchanged: r.flows[0]?.sentences });
    expect(p.plan.empty).toBe(true);
    // a second pull changes nothing
    const again = await pullFlows(runFor(target), { client, logger });
    expect(again.flows[0]?.created).toEqual([]);
    expect(again.flows[0]?.updated).toEqual([]);
    expect(existsSync(join(target, "training-data/main/tests"))).toBe(false);
  });
});

describe("pull round trip with the default evaluate.split", () => {
  it("an adopted bot (no tests in the repository) plans no change: the split never removes what Cognigy has", async () => {
    const s = await setup();
    try {
      await syncAndTrain(s, { train: false });
      const root = mkdtempSync(join(tmpdir(), "cnlu-adopt-"));
      writeBot(root, [], s.cfg);
      const run: RunConfig = { ...s.run, root, configPath: join(root, "cognigy-nlu.yml") };
      expect(run.config.evaluate.split).toBeGreaterThan(0);
      const r = await pullFlows(run, s.deps);
      expect(r.flows[0]?.created).toHaveLength(4);
      const p = await planFlows(run, s.deps, { dataset: loadDataset({ config: run.config, root }) });
      expect(p.plan.totals).toMatchObject({ addSentences: 0, removeSentences: 0, deleteIntents: 0, unchanged: 32 });
      expect(p.plan.empty).toBe(true);
      expect(p.flows[0]?.split.heldOut).toBe(0);
      expect(p.flows[0]?.split.keptInCognigy).toBeGreaterThan(0);
      rmSync(root, { recursive: true, force: true });
    } finally {
      await s.close();
    }
  });
});
