// Renamed and new intents in the paired comparison: a PR that renames an intent and mislabels a batch in another must
// fail naming the hurt intent (the rename must not read as a gain that hides the loss), in both engines; tests of a new
// intent are left out of the comparison and counted.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import type { Config } from "../../src/config/schema.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { comparePaired } from "../../src/pipeline/compare.js";
import { mergeReports } from "../../src/pipeline/merge.js";
import { detectRenames, examplesOf, labelKey } from "../../src/pipeline/renames.js";
import { runCheck, runRelease } from "../../src/pipeline/run.js";
import { renderHtml } from "../../src/report/html.js";
import { renderPrComment, renderSummary } from "../../src/report/markdown.js";
import { Redactor } from "../../src/report/redact.js";
import type { Prediction, Report } from "../../src/report/types.js";
import { config, dataset } from "./helpers.js";
import { addIntent, bot, gitRepo, mislabel, rename } from "./pr-bot.js";

const GATE = { macroF1: 0.3, macroPrecision: 0.3, minIntentF1: 0, minTestsPerIntent: 1, maxRegression: 0.02 };
const CHECKS = { minExamples: { error: 1, warning: 1 }, rules: { "test-leakage": "warning", "duplicate-across": "warning" } };

function localRun(root: string, cfg: Config): RunConfig {
  const out = mkdtempSync(join(tmpdir(), "cnlu-renames-out-"));
  return { config: cfg, configPath: join(root, "cognigy-nlu.yml"), root, out, format: "text", dryRun: false, force: false, debug: false, check: { baseRef: "main" } };
}

describe("detectRenames", () => {
  const ex = (...names: [string, string[]][]) => examplesOf(names.map(([name, texts]) => ({ name, texts: { "en-US": texts } })));

  it("maps an intent whose examples are mostly another's that the head no longer has", () => {
    const base = ex(["Old", ["a b", "c d", "e f", "g h"]], ["Keep", ["x y"]]);
    const head = ex(["New", ["A  b", "c d", "e f", "new one"]], ["Keep", ["x y"]]);
    expect(detectRenames("Main", base, head)).toEqual([{ flow: "Main", from: "Old", to: "New", overlap: 0.75 }]);
  });

  it("needs more than half on both sides: a split maps to the part that kept most, a mere borrower is new", () => {
    const base = ex(["Old", ["1", "2", "3", "4", "5"]]);
    // Big kept 3 of Old's 5 (all of its own); Small took 2 (all of its own, but not most of Old)
    const split = ex(["Big", ["1", "2", "3"]], ["Small", ["4", "5"]]);
    expect(detectRenames("Main", base, split).map((r) => r.to)).toEqual(["Big"]);
    // half of New's examples were Old's: not more than half
    expect(detectRenames("Main", base, ex(["New", ["1", "2", "3", "x", "y", "z"]]))).toEqual([]);
    // an intent still in the head is never a rename source
    expect(detectRenames("Main", base, ex(["Old", ["1"]], ["New", ["1", "2", "3", "4", "5"]]))).toEqual([]);
  });
});

describe("comparePaired with the base's intents", () => {
  const p = (text: string, expected: string | null, predicted: string | null): Prediction => ({ flow: "Main", locale: "en-US", text, expected, predicted, score: 0.9, ms: 1 });

  it("counts the base's old name as the new one, and leaves out tests of intents the base cannot predict", () => {
    const head = [p("a", "New", "New"), p("b", "New", "New"), p("c", "Fresh", "Fresh"), p("d", "Keep", "Keep"), p("e", null, null)];
    const base = [p("a", "New", "Old"), p("b", "New", "Old"), p("c", "Fresh", "Keep"), p("d", "Keep", "Keep"), p("e", null, null)];
    const naive = comparePaired(base, head, { baseRef: "main", engine: "local" });
    expect(naive.flipped.toRight).toHaveLength(3); // the rename and the new intent read as gains
    const c = comparePaired(base, head, {
      baseRef: "main",
      engine: "local",
      renames: [{ flow: "Main", from: "Old", to: "New", overlap: 1 }],
      baseLabels: new Map([[labelKey("Main", "en-US"), new Set(["Old", "Keep"])]]),
    });
    expect(c.flipped.toRight).toEqual([]);
    expect(c.delta.macroF1).toBe(0);
    expect(c.head.metrics.total).toBe(4);
    expect(c.newIntents).toEqual({ tests: 1, intents: ["Fresh"] });
    expect(c.renamed).toEqual([{ flow: "Main", from: "Old", to: "New", overlap: 1 }]);
    expect(c.excluded).toBe(0);
  });
});

describe("a PR that renames one intent and mislabels a batch in another", () => {
  it("local estimate: fails naming the hurt intent; the rename is mapped, not a gain", async () => {
    const cfg = config({ checks: CHECKS, gate: GATE });
    const ds = dataset(cfg, bot());
    const repo = gitRepo(ds);
    repo.commit(rename(mislabel(ds), "IntentC", "IntentZ"), "rename-and-mislabel");
    const r = await runCheck(localRun(repo.root, cfg), { logger: new RecordingLogger() });
    expect(r.error).toBeUndefined();
    expect(r.evaluation?.engine).toBe("local");
    expect(r.gate?.reasons[0]).toMatch(/intents that lost: IntentA/);
    expect(r.gate?.passed).toBe(false);
    expect(r.status).toBe("failure");
    expect(r.comparison?.renamed).toEqual([{ flow: "Main", from: "IntentC", to: "IntentZ", overlap: 1 }]);
    expect(r.comparison?.newIntents).toBeUndefined();
    expect(r.comparison?.delta.perIntent.IntentZ).toBeCloseTo(0, 6);
    expect(r.comparison?.flipped.toRight.filter((f) => f.expected === "IntentZ")).toEqual([]);
    expect(r.summary).toMatch(/1 renamed intent mapped \(IntentC → IntentZ\)/);
    const comment = renderPrComment(r, { redactor: new Redactor() });
    expect(comment).toContain("renamed intent mapped: IntentC → IntentZ");
  });

  it("local estimate: tests of a new intent are not compared, counted and shown; the loss still fails", async () => {
    const cfg = config({ checks: CHECKS, gate: GATE });
    const ds = dataset(cfg, bot());
    const repo = gitRepo(ds);
    repo.commit(addIntent(mislabel(ds), "IntentF"), "new-and-mislabel");
    const r = await runCheck(localRun(repo.root, cfg), { logger: new RecordingLogger() });
    expect(r.gate?.reasons[0]).toMatch(/intents that lost: IntentA/);
    expect(r.comparison?.newIntents).toEqual({ tests: 12, intents: ["IntentF"] });
    expect(r.comparison?.head.metrics.total).toBe(60);
    expect(r.metrics?.total).toBe(72); // head's own metrics keep them
    expect(r.comparison?.delta.perIntent.IntentF).toBeUndefined();
    expect(r.summary).toContain("12 tests of new/renamed intents not compared");
    const comment = renderPrComment(r, { redactor: new Redactor() });
    expect(comment).toContain("12 tests of new/renamed intents not compared (the base model cannot predict IntentF");
    expect(renderSummary(r, { redactor: new Redactor() })).toContain("12 tests of new/renamed intents not compared");
    expect(renderHtml(r, { redactor: new Redactor() }).replace(/&#47;/g, "/")).toContain("12 tests of new/renamed intents not compared");
  });

  describe("Cognigy (preview flow, emulator)", () => {
    const KEY = "renames-test-key-7c2e";
    const open: Emulator[] = [];
    afterEach(async () => {
      while (open.length) await open.pop()?.close();
    });

    it("fails naming the hurt intent; the deployed model's old name counts as the new one", async () => {
      const cfg = config({ checks: CHECKS, gate: GATE });
      const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 10 });
      open.push(emu);
      cfg.cognigy.baseUrl = emu.url;
      const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: (ms) => new Promise((res) => setTimeout(res, Math.min(ms, 15))) });
      const out = mkdtempSync(join(tmpdir(), "cnlu-renames-"));
      const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", dryRun: false, force: false, debug: false };
      const ds = dataset(cfg, bot());
      const logger = new RecordingLogger();
      expect((await runRelease(run, { client, logger, dataset: ds })).status).toBe("success");
      const r = await runCheck({ ...run, check: { pr: 11, runId: "1-1" } }, { client, logger, dataset: rename(mislabel(ds), "IntentC", "IntentZ") });
      expect(r.error).toBeUndefined();
      expect(r.evaluation).toMatchObject({ engine: "cognigy", subject: "head" });
      expect(r.gate?.reasons[0]).toMatch(/intents that lost: IntentA/);
      expect(r.gate?.passed).toBe(false);
      expect(r.status).toBe("failure");
      expect(r.comparison?.renamed?.map((x) => `${x.from}→${x.to}`)).toEqual(["IntentC→IntentZ"]);
      expect(r.comparison?.flipped.toRight.filter((f) => f.expected === "IntentZ")).toEqual([]);
    });
  });
});

describe("report merge of a sharded check", () => {
  it("pairs the shards' base predictions with the renames and the base's intents the shards recorded", () => {
    const p = (text: string, expected: string, predicted: string) => ({ flow: "Main", locale: "en-US", text, expected, predicted, score: 0.9, ms: 1 });
    const shard = (i: number, head: ReturnType<typeof p>[], base: ReturnType<typeof p>[]): Report => ({
      version: 1,
      tool: { name: "cognigy-nlu", version: "0" },
      status: "success",
      mode: "check",
      startedAt: "2026-01-01T00:00:00.000Z",
      summary: "",
      findings: [],
      timings: [],
      predictions: head,
      evaluation: { threshold: 0, testsPerIntent: {}, heldOutBySplit: 0, totalTests: 4, scored: head.length, shard: `${i}/2` },
      basePredictions: { ref: "deployed", engine: "cognigy", predictions: base, renames: [{ flow: "Main", from: "Old", to: "New", overlap: 1 }], baseLabels: { [labelKey("Main", "en-US")]: ["Keep", "Old"] } },
    });
    const { report } = mergeReports([
      { name: "a", report: shard(1, [p("a", "New", "New"), p("b", "Keep", "Keep")], [p("a", "New", "Old"), p("b", "Keep", "Keep")]) },
      { name: "b", report: shard(2, [p("c", "Fresh", "Fresh"), p("d", "Keep", "Keep")], [p("c", "Fresh", "Keep"), p("d", "Keep", "Keep")]) },
    ]);
    expect(report.comparison?.flipped.toRight).toEqual([]);
    expect(report.comparison?.renamed?.map((r) => r.to)).toEqual(["New"]);
    expect(report.comparison?.newIntents).toEqual({ tests: 1, intents: ["Fresh"] });
  });
});
