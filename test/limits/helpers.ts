// Shared set-up of the limits tests: a two-flow bot (Main, Shared) in the emulator, a client, a run config, and the
// write calls the emulator saw (writesSince, from the pipeline test helpers).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import type { Config } from "../../src/config/schema.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { config, intent } from "../pipeline/helpers.js";

/** The write calls the emulator saw since a request number (shared with the pipeline tests). */
export { writesSince } from "../pipeline/helpers.js";

export const KEY = "limits-test-key-51b7c0";
const open: Emulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

/** `n` intents of `k` distinct examples each in every given locale. */
export function intents(n: number, k: number, prefix = "I", locales: readonly string[] = ["en-US"]) {
  return Array.from({ length: n }, (_, i) =>
    intent(
      `${prefix}${i}`,
      Object.fromEntries(locales.map((l) => [l, Array.from({ length: k }, (_, j) => `${prefix.toLowerCase()} ${l} topic ${i} phrasing number ${j}`)])),
    ),
  );
}

/** Main and Shared, each in the given locales (YAML key = Cognigy locale name), in a fresh emulator. */
export async function setup(cfgOver: Record<string, unknown> = {}, emuLimits?: Record<string, number>, locales: readonly string[] = ["en-US"]) {
  const map = Object.fromEntries(locales.map((l) => [l, l]));
  const cfg: Config = config({
    flows: [
      { name: "Main", dir: "training-data/main", locales: map, defaultLocale: locales[0] },
      { name: "Shared", dir: "training-data/shared", locales: map, defaultLocale: locales[0] },
    ],
    checks: { minExamples: "off", nearDuplicate: "off", maxExamples: "off", leakage: "off" },
    evaluate: { split: 0 },
    ...cfgOver,
  });
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 5, limits: emuLimits });
  open.push(emu);
  cfg.cognigy.baseUrl = emu.url;
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 0, baseBackoffMs: 1, maxBackoffMs: 2 });
  const out = mkdtempSync(join(tmpdir(), "cnlu-limits-"));
  const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false };
  const logger = new RecordingLogger();
  const project = await client.resolveProject("Test Bot");
  const [main, shared] = [await client.resolveFlow(project._id, "Main"), await client.resolveFlow(project._id, "Shared")];
  const all = await client.listLocales(project._id);
  const loc = Object.fromEntries(locales.map((l) => [l, all.find((x) => x.name === l)!]));
  return { emu, client, run, cfg, logger, deps: { client, logger }, project, main, shared, loc };
}

/** Fills a flow × locale through the intent import: `n` intents of `k` sentences (`prefix` keeps texts apart). */
export async function fill(c: Awaited<ReturnType<typeof setup>>, flowId: string, localeId: string, n: number, k: number, prefix: string): Promise<void> {
  const list = Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, exampleSentences: Array.from({ length: k }, (_, j) => `${prefix} filler ${i} number ${j}`) }));
  const task = await c.client.importIntents(flowId, { localeId, mode: "merge", intents: list });
  await c.client.waitForTask(task._id);
}

