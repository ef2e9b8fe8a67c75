// PR checks against the emulator: the preview flow's lifecycle (tagged, deleted whatever happens, leftovers removed by
// tag only), production untouched byte for byte, the bad-PR / good-PR outcomes with Cognigy and with the local estimate,
// and `not evaluated`.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import type { Config } from "../../src/config/schema.js";
import type { Dataset, IntentDoc } from "../../src/dataset/types.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { exitCode } from "../../src/pipeline/command.js";
import { parsePreviewTag, previewDescription, previewName } from "../../src/pipeline/preview.js";
import { runCheck, runRelease } from "../../src/pipeline/run.js";
import type { PipelineDeps } from "../../src/pipeline/types.js";
import { config, dataset } from "./helpers.js";
import { bot, gen, gitRepo, mislabel, TOPICS } from "./pr-bot.js";

const KEY = "check-test-key-5e1d07";
const open: Emulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});
const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 15)));

/** The bad PR: 60% of IntentA's examples moved into IntentB. */
const badPr = (ds: Dataset) => mislabel(ds, "IntentA", "IntentB");

/** The good PR: 6 more paraphrases of IntentA. */
function goodPr(ds: Dataset): Dataset {
  const out = structuredClone(ds);
  const a = out.flows[0].intents.find((i) => i.name === "IntentA") as IntentDoc;
  const more = gen(TOPICS.IntentA, ["order a {a} with {b}", "get me {a} and {b} now"], 6, 7);
  a.examples["en-US"].push(...more.map((text, i) => ({ ...a.examples["en-US"][0], text, line: 500 + i })));
  return out;
}

const GATE = { macroF1: 0.3, macroPrecision: 0.3, minIntentF1: 0, minTestsPerIntent: 1, maxRegression: 0.02 };

async function setup(over: Record<string, unknown> = {}) {
  const cfg: Config = config({ checks: { minExamples: { error: 1, warning: 1 }, rules: { "test-leakage": "warning", "duplicate-across": "warning" } }, gate: GATE, ...over });
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 10 });
  open.push(emu);
  cfg.cognigy.baseUrl = emu.url;
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: shortSleep });
  const out = mkdtempSync(join(tmpdir(), "cnlu-check-"));
  const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false };
  const ds = dataset(cfg, bot());
  const logger = new RecordingLogger();
  const deps: PipelineDeps = { client, logger };
  return { emu, client, run, ds, deps, logger };
}
type Ctx = Awaited<ReturnType<typeof setup>>;

function production(c: Ctx): string {
  const flow = c.emu.dumpState().projects[0].flows.find((f) => f.name === "Main");
  return JSON.stringify(flow);
}
async function flowNames(c: Ctx): Promise<string[]> {
  const p = await c.client.resolveProject("Test Bot");
  return (await c.client.listFlows(p._id)).map((f) => f.name).sort();
}
async function mainId(c: Ctx): Promise<string> {
  const p = await c.client.resolveProject("Test Bot");
  return (await c.client.resolveFlow(p._id, "Main"))._id;
}
/** Write requests since `mark` that name a flow id (the production flow must never be one of them). */
function writesTo(c: Ctx, from: number, flowId: string): string[] {
  return c.emu.requestLog
    .slice(from)
    .filter((e) => /^(POST|PATCH|PUT|DELETE)$/.test(e.method) && e.path.includes(flowId) && !/\/intents\/export|\/clone$/.test(e.path))
    .map((e) => `${e.method} ${e.path}`);
}

describe("check with a key: a preview flow next to production", () => {
  it("a PR mislabelling a batch fails naming the hurt intents; production is unchanged byte for byte and the preview is gone", async () => {
    const c = await setup();
    expect((await runRelease(c.run, { ...c.deps, dataset: c.ds })).status).toBe("success");
    const before = production(c);
    const id = await mainId(c);
    const mark = c.emu.requestLog.length;
    const report = await runCheck({ ...c.run, check: { pr: 7, runId: "100-1" } }, { ...c.deps, dataset: badPr(c.ds) });
    expect(report.error).toBeUndefined();
    expect(report.status).toBe("failure");
    expect(report.evaluation).toMatchObject({ subject: "head", engine: "cognigy", flow: "Main · PR #7 preview (cognigy-nlu)" });
    expect(report.comparison?.base.engine).toBe("cognigy");
    expect(report.comparison?.delta.macroF1).toBeLessThan(-0.02);
    expect(report.comparison?.significance.pValue).toBeLessThan(0.05);
    expect(report.comparison?.delta.perIntent.IntentA).toBeLessThan(0);
    expect(report.gate?.passed).toBe(false);
    expect(report.gate?.reasons.join(" ")).toMatch(/IntentA/);
    expect(report.summary).toMatch(/^check failed: macro F1 \d\.\d{3} → \d\.\d{3} \(−\d\.\d{3}, significant\)/);
    // production: same intents, sentences, settings and trained model; never a write to it
    expect(production(c)).toBe(before);
    expect(writesTo(c, mark, id)).toEqual([]);
    expect(await flowNames(c)).toEqual(["Main"]);
    expect(report.timings.map((t) => t.step)).toEqual(["validate", "plan", "drift", "preview", "train", "evaluate", "evaluate-base", "gate", "cleanup"]);
  });

  it("a PR adding good paraphrases passes with the delta shown; the clone got only the PR's diff", async () => {
    const c = await setup();
    await runRelease(c.run, { ...c.deps, dataset: c.ds });
    const before = production(c);
    const mark = c.emu.requestLog.length;
    const report = await runCheck({ ...c.run, check: { branch: "more-pizza" } }, { ...c.deps, dataset: goodPr(c.ds) });
    expect(report.status).toBe("success");
    expect(report.gate?.passed).toBe(true);
    expect(report.comparison?.delta.macroF1).toBeGreaterThanOrEqual(-0.02);
    expect(report.evaluation?.flow).toBe("Main · more-pizza preview (cognigy-nlu)");
    expect(report.summary).toMatch(/^check passed: macro F1 \d\.\d{3} → \d\.\d{3}/);
    // incremental: one clone, then one sentence batch for IntentA (no full re-upload)
    const writes = c.emu.requestLog.slice(mark).filter((e) => /^(POST|PATCH|DELETE)$/.test(e.method) && !/export|scores/.test(e.path));
    expect(writes.filter((e) => /\/sentences$/.test(e.path))).toHaveLength(1);
    expect(writes.filter((e) => /\/clone$/.test(e.path))).toHaveLength(1);
    expect(production(c)).toBe(before);
    expect(await flowNames(c)).toEqual(["Main"]);
  });

  it("production with no intents yet: the preview is a new flow, and head faces the absolute thresholds alone", async () => {
    const c = await setup();
    const report = await runCheck({ ...c.run, check: { pr: 3 } }, { ...c.deps, dataset: c.ds });
    expect(report.error).toBeUndefined();
    expect(report.comparison).toBeUndefined();
    expect(report.metrics?.total).toBeGreaterThan(0);
    expect(report.summary).toMatch(/production has no intents yet/);
    expect(c.emu.requestLog.some((e) => e.method === "POST" && /\/flows(\?|$)/.test(e.path))).toBe(true);
    expect(await flowNames(c)).toEqual(["Main"]);
  });

  it("deletes the preview when training fails, and the local estimate stands in", async () => {
    const c = await setup();
    await runRelease(c.run, { ...c.deps, dataset: c.ds });
    const before = production(c);
    c.emu.faults.queue({ match: /\/intents\/train/, kind: "taskerror" });
    const report = await runCheck({ ...c.run, check: { pr: 9 } }, { ...c.deps, dataset: goodPr(c.ds) });
    expect(await flowNames(c)).toEqual(["Main"]);
    expect(production(c)).toBe(before);
    expect(report.evaluation?.engine).toBe("local");
    expect(report.summary).toMatch(/Cognigy failed at train/);
    expect(report.summary).toMatch(/estimate from a local model/);
  });

  it("deletes only tagged leftovers: the same PR's, and others' older than check.previewMaxAgeHours; release removes old ones too", async () => {
    const c = await setup();
    await runRelease(c.run, { ...c.deps, dataset: c.ds });
    const p = await c.client.resolveProject("Test Bot");
    const now = Date.now();
    const tag = (pr: number, hoursAgo: number) => previewDescription({ tool: "cognigy-nlu", kind: "preview", flow: "Main", owner: `pr:${pr}`, pr, run: "old", createdAt: new Date(now - hoursAgo * 3_600_000).toISOString() });
    await c.client.createFlow(p._id, { name: previewName("Main", "PR #7"), description: tag(7, 1) });
    await c.client.createFlow(p._id, { name: "Main · PR #8 preview (cognigy-nlu)", description: tag(8, 48) });
    await c.client.createFlow(p._id, { name: "Main · PR #9 preview (cognigy-nlu)", description: tag(9, 1) });
    await c.client.createFlow(p._id, { name: "Main · PR #7 preview (cognigy-nlu) ", description: "made by a person, no tag" });
    const report = await runCheck({ ...c.run, check: { pr: 7 } }, { ...c.deps, dataset: c.ds });
    expect(report.error).toBeUndefined();
    expect(await flowNames(c)).toEqual(["Main", "Main · PR #7 preview (cognigy-nlu) ", "Main · PR #9 preview (cognigy-nlu)"]);
    // a day and a half later, the next release removes PR #9's leftover (older than 24 h), never the untagged flow
    await runRelease(c.run, { ...c.deps, dataset: goodPr(c.ds), now: () => now + 36 * 3_600_000 });
    expect(await flowNames(c)).toEqual(["Main", "Main · PR #7 preview (cognigy-nlu) "]);
  });

  it("check.maxRequests bounds the scoring requests of both models; the selection is stated", async () => {
    const c = await setup({ check: { maxRequests: 40 } });
    await runRelease(c.run, { ...c.deps, dataset: c.ds });
    const mark = c.emu.requestLog.length;
    const report = await runCheck({ ...c.run, check: { pr: 5 } }, { ...c.deps, dataset: badPr(c.ds) });
    const scores = c.emu.requestLog.slice(mark).filter((e) => /\/nlu\/scores/.test(e.path)).length;
    expect(scores).toBeLessThanOrEqual(40);
    expect(report.evaluation?.selection).toMatchObject({ total: 60, evaluated: 20 });
    expect(report.evaluation?.selection?.how).toMatch(/all 12 tests of the 1 intent the PR touches|intents the PR touches/);
    // every test of the touched intents is scored
    const scoredA = report.predictions?.filter((x) => x.expected === "IntentA" || x.expected === "IntentB").length;
    expect(scoredA).toBe(20);
    expect(await flowNames(c)).toEqual(["Main"]);
  });
});

describe("not evaluated", () => {
  it("no test utterances: status `not evaluated`, no metrics, exit 1 (0 with check.allowUnevaluated); no preview was made", async () => {
    const c = await setup({ evaluate: { split: 0 } });
    await runRelease(c.run, { ...c.deps, dataset: c.ds });
    const none = structuredClone(c.ds);
    for (const i of none.flows[0].intents) i.tests = {};
    const mark = c.emu.requestLog.length;
    const report = await runCheck({ ...c.run, check: { pr: 1 } }, { ...c.deps, dataset: none });
    expect(report.status).toBe("not evaluated");
    expect(report.metrics).toBeUndefined();
    expect(report.summary).toMatch(/^check not evaluated: the training data has no test utterances/);
    expect(report.summary).not.toMatch(/0\.000/);
    expect(exitCode(report)).toBe(1);
    expect(c.emu.requestLog.slice(mark).filter((e) => e.method !== "GET" && !/export/.test(e.path))).toEqual([]);
    const allowed = await runCheck({ ...c.run, apiKey: undefined, config: { ...c.run.config, check: { ...c.run.config.check, allowUnevaluated: true } } }, { logger: c.logger, dataset: none });
    expect(allowed.status).toBe("not evaluated");
    expect(exitCode(allowed)).toBe(0);
  });
});


describe("check without a key: the local estimate", () => {
  it("a bad PR fails naming the hurt intent, a good PR passes; both say it is an estimate", async () => {
    const cfg: Config = config({ checks: { minExamples: { error: 1, warning: 1 }, rules: { "test-leakage": "warning", "duplicate-across": "warning" } }, gate: GATE });
    const ds = dataset(cfg, bot());
    const repo = gitRepo(ds);
    const out = mkdtempSync(join(tmpdir(), "cnlu-check-out-"));
    const run: RunConfig = { config: cfg, configPath: join(repo.root, "cognigy-nlu.yml"), root: repo.root, out, format: "text", dryRun: false, force: false, debug: false, check: { baseRef: "main" } };
    repo.commit(badPr(ds), "bad");
    const bad = await runCheck(run, { logger: new RecordingLogger() });
    expect(bad.error).toBeUndefined();
    expect(bad.evaluation).toMatchObject({ subject: "head", engine: "local" });
    expect(bad.comparison?.base.engine).toBe("local");
    expect(bad.comparison?.delta.macroF1).toBeLessThan(-0.02);
    expect(bad.gate?.passed).toBe(false);
    expect(bad.gate?.reasons.join(" ")).toMatch(/IntentA/);
    expect(bad.status).toBe("failure");
    expect(bad.summary).toMatch(/estimate from a local model, not Cognigy's/);
    const good = await runCheck({ ...run, check: { baseRef: "main" } }, { logger: new RecordingLogger(), dataset: goodPr(ds) });
    expect(good.comparison).toBeDefined();
    expect(good.gate?.passed).toBe(true);
    expect(good.status).toBe("success");
  });

  it("an unresolvable base: head's metrics without a comparison, saying why; never a failure for the missing key", async () => {
    const cfg: Config = config({ checks: { minExamples: { error: 1, warning: 1 } }, gate: GATE });
    const ds = dataset(cfg, bot());
    const repo = gitRepo(ds);
    const out = mkdtempSync(join(tmpdir(), "cnlu-check-out-"));
    const run: RunConfig = { config: cfg, configPath: join(repo.root, "cognigy-nlu.yml"), root: repo.root, out, format: "text", dryRun: false, force: false, debug: false, check: { baseRef: "no-such-branch" } };
    const r = await runCheck(run, { logger: new RecordingLogger(), dataset: ds });
    expect(r.status).toBe("success");
    expect(r.metrics?.total).toBe(60);
    expect(r.comparison).toBeUndefined();
    expect(r.summary).toMatch(/no comparison: the base no-such-branch could not be read/);
  });
});

describe("the preview tag", () => {
  it("is recognised only in its exact form, and names stay printable", () => {
    const d = previewDescription({ tool: "cognigy-nlu", kind: "preview", flow: "Main", owner: "pr:4", pr: 4, run: "1", createdAt: "2026-01-01T00:00:00.000Z" });
    expect(parsePreviewTag(d)).toMatchObject({ owner: "pr:4", run: "1" });
    expect(parsePreviewTag("cognigy-nlu-preview:{}")).toBeUndefined();
    expect(parsePreviewTag(`${d.replace('"tool":"cognigy-nlu"', '"tool":"other"')}`)).toBeUndefined();
    expect(parsePreviewTag("Main · PR #4 preview (cognigy-nlu)")).toBeUndefined();
    expect(parsePreviewTag(undefined)).toBeUndefined();
    expect(previewName("Main", "feat/\u001b[31mred\u202e")).toBe("Main · feat/[31mred preview (cognigy-nlu)");
  });
});
