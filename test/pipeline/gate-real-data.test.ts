// The default per-intent gate rules on real data, over the emulator (docs/checks.md, "The gate"): a noisy intent in
// HWU64 is a warning and the release promotes; a batch of CLINC150 examples moved to the wrong intent fails it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import { loadConfig } from "../../src/config/load.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { runRelease } from "../../src/pipeline/run.js";
import { renderSummary } from "../../src/report/markdown.js";
import { clincSlice, hwuSlice, type Row, writeRepository } from "../datasets.js";

const KEY = "gate-real-data-key-5e2b";
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});
const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 15)));

/** Writes the rows as a repository whose gate is the default one except `gate` (YAML lines), and releases it. */
async function release(train: Row[], test: Row[], gate: string[] = []) {
  const root = mkdtempSync(join(tmpdir(), "cnlu-gate-real-"));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  writeRepository(root, train, test);
  const path = join(root, "cognigy-nlu.yml");
  // the kit's relaxed gate goes; the checks stay relaxed (not what this test is about)
  const head = readFileSync(path, "utf8").replace(/gate:[\s\S]*$/, "");
  writeFileSync(path, `${head}${gate.length ? `gate:\n${gate.map((l) => `  ${l}\n`).join("")}` : ""}`);
  const { config } = loadConfig(path, root);
  const emu: Emulator = await startEmulator({ port: 0, apiKey: KEY, seed: config, rateLimit: 0, taskDelayMs: 10 });
  cleanup.push(() => emu.close());
  config.cognigy.baseUrl = emu.url;
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: shortSleep });
  const run: RunConfig = { config, configPath: path, root, apiKey: KEY, out: join(root, "out"), format: "text", commit: "0123456789abcdef", dryRun: false, force: false, debug: false };
  const logger = new RecordingLogger();
  const report = await runRelease(run, { client, logger });
  return { report, config, logger };
}

/** CLINC150's 25 intents the slice holds whole (100 training + 20 validation examples, 30 tests each). */
function clincWhole(): { train: Row[]; test: Row[] } {
  const s = clincSlice();
  const n = new Map<string, number>();
  for (const [, i] of s.train) n.set(i, (n.get(i) ?? 0) + 1);
  const whole = new Set([...n].filter(([, c]) => c > 20).map(([i]) => i));
  return { train: [...s.train, ...s.val].filter(([, i]) => whole.has(i)), test: s.test.filter(([, i]) => whole.has(i)) };
}

/** `share` of `from`'s training examples relabelled as `to` (a batch pasted into the wrong file). */
function move(rows: Row[], from: string, to: string, share: number): Row[] {
  const mine = rows.filter(([, i]) => i === from);
  const moved = new Set(mine.slice(0, Math.round(mine.length * share)));
  return rows.map((r) => (moved.has(r) ? ([r[0], to] as Row) : r));
}

describe("the default per-intent gate on real data (emulator)", () => {
  it("HWU64: intents below 0.5 F1 (general_quirky and others) are warnings; the release promotes", async () => {
    const { train, test } = hwuSlice();
    // 15 examples per intent give a macro F1 near 0.74: the macro thresholds are lowered, the per-intent rules are the defaults
    const { report, config, logger } = await release(train, test, ["macroF1: 0.6", "macroPrecision: 0.6"]);
    expect(config.gate.minIntentF1).toBeUndefined();
    expect(config.gate.maxConfusion).toBe(0.5);
    expect(report.error).toBeUndefined();
    expect(report.gate?.passed).toBe(true);
    expect(report.promotion?.promoted).toBe(true);
    const low = Object.entries(report.metrics?.perIntent ?? {}).filter(([, m]) => m.f1 < 0.5);
    expect(low.map(([n]) => n)).toContain("general_quirky");
    // every such intent is named in a warning, on the console and in the report
    expect(report.gate?.warnings?.length).toBe(low.length);
    for (const [name] of low) expect(report.gate?.warnings?.some((w) => w.startsWith(`intent ${name} F1 `))).toBe(true);
    expect(logger.lines.some((l) => /! intent general_quirky F1 0\.\d\d is below 0\.50/.test(l.message))).toBe(true);
    expect(renderSummary(report)).toMatch(/^- ⚠️ intent general\\_quirky F1 0\.\d\d is below 0\.50 \(3 tests\)/m);
  }, 120_000);

  it("CLINC150: the clean data passes the full default gate; with 96 of calendar's 120 examples filed under calendar_update it fails and rolls back", async () => {
    const { train, test } = clincWhole();
    const clean = await release(train, test);
    expect(clean.report.gate?.passed).toBe(true);
    expect(clean.report.gate?.checks.find((c) => c.name === "maxConfusion")?.passed).toBe(true);

    const broken = await release(move(train, "calendar", "calendar_update", 0.8), test);
    expect(broken.report.gate?.passed).toBe(false);
    expect(broken.report.gate?.reasons).toHaveLength(1);
    expect(broken.report.gate?.reasons[0]).toMatch(/^intent calendar: \d+ of its 30 tests are predicted as calendar_update \(more than 0\.50 with 95% confidence\)/);
    // macro F1 alone would have promoted it
    expect(broken.report.metrics?.macroF1).toBeGreaterThan(broken.config.gate.macroF1);
    expect(broken.report.promotion?.promoted).not.toBe(true);
    expect(broken.report.promotion?.rolledBack).toBe(true);
  }, 180_000);
});
