// End to end: the pipeline steps against the embedded emulator (small generated bots, fast task delays).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import type { Config } from "../../src/config/schema.js";
import type { Dataset, IntentDoc } from "../../src/dataset/types.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { UserError } from "../../src/errors.js";
import { RecordingLogger } from "../../src/logger.js";
import { renderSummary } from "../../src/report/markdown.js";
import { MANAGED_TAG } from "../../src/pipeline/diff.js";
import type { DriftResult } from "../../src/pipeline/drift.js";
import { mergeReports } from "../../src/pipeline/merge.js";
import { planFlows } from "../../src/pipeline/plan.js";
import { resolveTargets } from "../../src/pipeline/resolve.js";
import { runCheck, runEvaluate, runRelease } from "../../src/pipeline/run.js";
import { syncFlows } from "../../src/pipeline/sync.js";
import { trainFlows } from "../../src/pipeline/train.js";
import type { PipelineDeps } from "../../src/pipeline/types.js";
import { config, dataset, intent, smallBot, utt, writesSince } from "./helpers.js";

const KEY = "pipeline-test-key-7f3a91";
const open: Emulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

/** Real waits, but short: the emulator's tasks move on real time. */
const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 15)));

async function setup(opts: { cfg?: Record<string, unknown>; bot?: ReturnType<typeof smallBot>; clock?: { now: () => number; sleep: (ms: number) => Promise<void> } } = {}) {
  const cfg: Config = config({ checks: { minExamples: { error: 1, warning: 1 } }, gate: { macroF1: 0.5, macroPrecision: 0.5, minIntentF1: 0, minTestsPerIntent: 1 }, ...(opts.cfg ?? {}) });
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 10 });
  open.push(emu);
  cfg.cognigy.baseUrl = emu.url;
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: opts.clock?.sleep ?? shortSleep, now: opts.clock?.now });
  const out = mkdtempSync(join(tmpdir(), "cnlu-pipe-"));
  const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false };
  const bot = opts.bot ?? smallBot();
  const ds = dataset(cfg, bot.intents, bot.tests);
  const logger = new RecordingLogger();
  const deps: PipelineDeps = { client, logger };
  return { emu, client, run, ds, deps, logger };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

async function plan(c: Ctx, ds: Dataset = c.ds) {
  return planFlows(c.run, c.deps, { dataset: ds, targets: await resolveTargets(c.run.config, ds, c.client) });
}

async function sync(c: Ctx, ds: Dataset = c.ds) {
  return syncFlows(c.run, c.deps, { plan: await plan(c, ds) });
}

function flowState(emu: Emulator) {
  return emu.dumpState().projects[0].flows[0];
}

function withIntents(ds: Dataset, intents: IntentDoc[]): Dataset {
  return { ...ds, flows: [{ ...ds.flows[0], intents }] };
}

describe("plan and sync against the emulator", () => {
  it("first sync uploads every example (tests never), tags intents, and a re-plan is empty", async () => {
    const c = await setup();
    const p = await plan(c);
    expect(p.plan.totals.createIntents).toBe(4);
    expect(p.plan.totals.addSentences).toBe(32);
    const r = await syncFlows(c.run, c.deps, { plan: p });
    expect(r.applied).toBe(true);
    expect(r.perIntent.IntentA).toEqual({ accepted: 9, rejected: 0 });
    const f = flowState(c.emu);
    expect(f.intents.map((i) => i.name)).toEqual(["IntentA", "IntentB", "IntentC", "IntentD"]);
    expect(f.intents[0].tags).toContain(MANAGED_TAG);
    const uploaded = f.intents.flatMap((i) => i.sentences["en-US"].map((s) => s.text));
    expect(uploaded).toHaveLength(32);
    for (const i of c.ds.flows[0].intents) for (const t of i.tests["en-US"]) expect(uploaded).not.toContain(t.text);
    const again = await plan(c);
    expect(again.plan.empty).toBe(true);
    const noop = await syncFlows(c.run, c.deps, { plan: again });
    expect(noop.applied).toBe(false);
    expect(noop.writeCalls).toBe(0);
  });

  it("a one-sentence change is planned alone and costs at most 3 write calls; whitespace/case edits do not churn", async () => {
    const c = await setup();
    await sync(c);
    const edited = structuredClone(c.ds);
    edited.flows[0].intents[1].examples["en-US"].push(utt("a brand new sentence about the weather tomorrow"));
    edited.flows[0].intents[0].examples["en-US"][0].text = `  ${edited.flows[0].intents[0].examples["en-US"][0].text.toUpperCase()}!  `;
    const p = await plan(c, edited);
    expect(p.plan.totals).toEqual({ createIntents: 0, updateIntents: 0, deleteIntents: 0, addSentences: 1, removeSentences: 0, unchanged: 32 });
    expect(p.plan.flows[0].addSentences).toEqual([{ intent: "IntentB", locale: "en-US", text: "a brand new sentence about the weather tomorrow" }]);
    const mark = c.emu.requestLog.length;
    const r = await syncFlows(c.run, c.deps, { plan: p });
    const writes = writesSince(c.emu, mark);
    expect(writes.length).toBeLessThanOrEqual(3);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(r.writeCalls).toBe(writes.length);
    expect((await plan(c, edited)).plan.empty).toBe(true);
  });

  it("deletes intents it owns when their file goes, leaves hand-made ones unless prune: true", async () => {
    const c = await setup({ cfg: { sync: { maxDeletions: 100, backup: "off" } } });
    await sync(c);
    const flowId = (await resolveTargets(c.run.config, c.ds, c.client))[0].flowId;
    await c.client.createIntent(flowId, { name: "HandMade", tags: [] });
    const fewer = withIntents(c.ds, c.ds.flows[0].intents.slice(1));
    const p = await plan(c, fewer);
    expect(p.plan.flows[0].deleteIntents).toEqual([{ intent: "IntentA" }]);
    expect(p.plan.flows[0].unmanagedIntents).toEqual(["HandMade"]);
    await syncFlows(c.run, c.deps, { plan: p });
    expect(flowState(c.emu).intents.map((i) => i.name)).toEqual(["HandMade", "IntentB", "IntentC", "IntentD"]);
    c.run.config.flows[0].prune = true;
    const pruned = await plan(c, { ...fewer, flows: [{ ...fewer.flows[0], flow: c.run.config.flows[0] }] });
    expect(pruned.plan.flows[0].deleteIntents).toEqual([{ intent: "HandMade" }]);
  });

  it("adopts an existing hand-made intent of the same name: updates its fields and tags it", async () => {
    const c = await setup();
    const flowId = (await resolveTargets(c.run.config, c.ds, c.client))[0].flowId;
    await c.client.createIntent(flowId, { name: "IntentA", description: "old text", tags: ["legacy"], isDisabled: true });
    c.ds.flows[0].intents[0].description = "pizza orders";
    const p = await plan(c);
    expect(p.plan.flows[0].updateIntents).toEqual([
      {
        intent: "IntentA",
        fields: { description: { from: "old text", to: "pizza orders" }, tags: { from: ["legacy"], to: [MANAGED_TAG] }, isDisabled: { from: true, to: false } },
      },
    ]);
    const r = await syncFlows(c.run, c.deps, { plan: p });
    expect(r.backup?.kind).toBe("snapshot");
    expect(r.perIntent.IntentA).toEqual({ accepted: 9, rejected: 0 });
    const a = flowState(c.emu).intents.find((i) => i.name === "IntentA");
    expect(a).toMatchObject({ description: "pizza orders", tags: [MANAGED_TAG], isDisabled: false });
    expect((await plan(c)).plan.empty).toBe(true);
  });

  it("refuses a plan that deletes more than maxDeletions unless forced, and backs up before deleting", async () => {
    const c = await setup();
    await sync(c);
    const trimmed = structuredClone(c.ds);
    for (const i of trimmed.flows[0].intents) i.examples["en-US"] = i.examples["en-US"].slice(0, 6);
    const p = await plan(c, trimmed);
    expect(p.flows[0].deletions).toBe(8);
    expect(p.flows[0].deletionLimit).toBe(3);
    const mark = c.emu.requestLog.length;
    await expect(syncFlows(c.run, c.deps, { plan: p })).rejects.toThrow(/refusing to sync flow Main: the plan deletes 8 sentences.*10% of the flow's 32 sentences = 3/);
    expect(writesSince(c.emu, mark)).toEqual([]);
    const forced = await syncFlows({ ...c.run, force: true }, c.deps, { plan: p });
    expect(forced.backup?.kind).toBe("snapshot");
    expect(forced.backup?.name).toMatch(/^cognigy-nlu-backup-abcdef1-\d{8}T\d{6}$/);
    expect(c.emu.dumpState().projects[0].snapshots).toEqual([forced.backup?.name]);
    expect(flowState(c.emu).intents.every((i) => i.sentences["en-US"].length === 6)).toBe(true);
  });

  it("an interrupted sync fails clearly, and re-running it completes the intended state", async () => {
    const c = await setup();
    c.emu.faults.queue({ match: /PATCH \/flows\/[^/]+\/intents\/[^/]+\/sentences/, kind: "drop", times: 1000 });
    const err = await syncFlows(c.run, c.deps, { plan: await plan(c) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/sync of flow Main stopped/);
    c.emu.faults.clear();
    const rest = await plan(c);
    expect(rest.plan.empty).toBe(false);
    await syncFlows(c.run, c.deps, { plan: rest });
    expect((await plan(c)).plan.empty).toBe(true);
    const expected = c.ds.flows[0].intents.map((i) => ({ name: i.name, texts: i.examples["en-US"].map((u) => u.text).sort() }));
    expect(flowState(c.emu).intents.map((i) => ({ name: i.name, texts: i.sentences["en-US"].map((s) => s.text) }))).toEqual(expected);
  });

  it("sync.strategy import uploads a first sync with the multipart import", async () => {
    const c = await setup({ cfg: { sync: { strategy: "import" } } });
    const mark = c.emu.requestLog.length;
    const r = await sync(c);
    expect(r.strategy).toBe("import");
    expect(writesSince(c.emu, mark).filter((w) => w.includes("/intents/import"))).toHaveLength(1);
    expect((await plan(c)).plan.empty).toBe(true);
    expect(flowState(c.emu).intents.flatMap((i) => i.sentences["en-US"])).toHaveLength(32);
  });
});

describe("train against the emulator", () => {
  it("applies the flow threshold, trains each locale and records the tasks", async () => {
    const c = await setup({ cfg: { flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US" }, defaultLocale: "en-US", threshold: { lower: 0.3, upper: 0.7 } }] } });
    await sync(c);
    const targets = await resolveTargets(c.run.config, c.ds, c.client);
    const t = await trainFlows(c.run, c.deps, { targets });
    expect(t.threshold).toEqual({ lower: 0.3, upper: 0.7 });
    expect(t.tasks).toHaveLength(1);
    expect(t.tasks[0]).toMatchObject({ flow: "Main", locale: "en-US", status: "done" });
    expect(flowState(c.emu).settings.intentThreshold).toEqual({ lower: 0.3, upper: 0.7 });
    expect(flowState(c.emu).isTrainingOutOfDate).toBe(false);
  });

  it("a task error fails the step with the flow, locale, task id and failReason", async () => {
    const c = await setup();
    await sync(c);
    c.emu.faults.queue({ match: "/intents/train", kind: "taskerror" });
    const targets = await resolveTargets(c.run.config, c.ds, c.client);
    const err = (await trainFlows(c.run, c.deps, { targets }).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/^train: flow Main, locale en-US: training task [0-9a-f]{24} failed: .+/);
  });

  it("a stuck task times out with its id (virtual clock)", async () => {
    let t = Date.now();
    const clock = {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
        await new Promise((r) => setImmediate(r));
      },
    };
    const c = await setup({ clock, cfg: { train: { timeoutSeconds: 5 } } });
    await sync(c);
    c.emu.faults.queue({ match: "/intents/train", kind: "taskstuck" });
    const targets = await resolveTargets(c.run.config, c.ds, c.client);
    const err = (await trainFlows(c.run, { ...c.deps, now: clock.now }, { targets }).catch((e: unknown) => e)) as UserError;
    expect(err.message).toMatch(/training task [0-9a-f]{24} did not finish within 5 s/);
  });
});

describe("release, gate, promote and rollback", () => {
  it("passes the gate and promotes a snapshot named after the commit, pinning the endpoint", async () => {
    const c = await setup({ cfg: { promote: { endpoints: ["Main Endpoint"] } } });
    const audit: string[] = [];
    const report = await runRelease(c.run, { ...c.deps, dataset: c.ds, audit: (e) => audit.push(`${e.step}:${e.outcome}`) });
    expect(report.error).toBeUndefined();
    expect(report.status).toBe("success");
    expect(report.gate?.passed).toBe(true);
    expect(report.metrics?.total).toBe(14);
    expect(report.metrics?.macroF1).toBeGreaterThan(0.5);
    expect(report.promotion?.snapshotName).toMatch(/^cognigy-nlu-abcdef1-\d{8}T\d{4}$/);
    expect(report.promotion?.endpoints?.[0].name).toBe("Main Endpoint");
    const state = c.emu.dumpState().projects[0];
    expect(state.snapshots).toContain(report.promotion?.snapshotName);
    expect(state.endpoints[0].entrypoint).toBe(`snapshot:${report.promotion?.snapshotName}`);
    expect(audit).toEqual(["validate:success", "plan:success", "backup:success", "sync:success", "train:success", "evaluate:success", "gate:success", "promote:success"]);
    expect(report.timings.map((t) => t.step)).toEqual(["validate", "plan", "backup", "sync", "train", "evaluate", "gate", "promote"]);
    expect(report.requests?.total).toBeGreaterThan(10);
    expect(report.predictions).toHaveLength(14);
  });

  it("a failed gate rolls the flow back to exactly its state before the run", async () => {
    const c = await setup();
    const first = await runRelease(c.run, { ...c.deps, dataset: c.ds });
    expect(first.status).toBe("success");
    const before = flowState(c.emu);
    const edited = structuredClone(c.ds);
    edited.flows[0].intents[0].examples["en-US"].push(utt("an extra pizza sentence for the rollback"));
    edited.flows[0].intents.push(intent("IntentNew", { "en-US": ["brand new topic one", "brand new topic two", "brand new topic three"] }, { "en-US": ["brand new topic"] }));
    // a test the model must get wrong, so a perfect-score gate fails
    edited.flows[0].intents[0].tests["en-US"].push(utt("sunny weather forecast with rain and snow"));
    const strict = { ...c.run, config: { ...c.run.config, gate: { ...c.run.config.gate, macroF1: 0.999, macroPrecision: 0.999 } } };
    const report = await runRelease(strict, { ...c.deps, dataset: edited });
    expect(report.error).toBeUndefined();
    expect(report.status).toBe("failure");
    expect(report.gate?.passed).toBe(false);
    expect(report.gate?.reasons[0]).toMatch(/^macro F1 0\.\d{3} is below the required 0\.999$/);
    expect(report.promotion).toMatchObject({ promoted: false, rolledBack: true });
    expect(report.summary).toMatch(/release failed/);
    expect(flowState(c.emu)).toEqual(before);
  });

  it("keeps the trained state with onGateFailure: keep (and still fails)", async () => {
    const c = await setup({ cfg: { promote: { onGateFailure: "keep" }, gate: { macroF1: 0.999 } } });
    c.ds.flows[0].intents[0].tests["en-US"].push(utt("sunny weather forecast with rain and snow"));
    const report = await runRelease(c.run, { ...c.deps, dataset: c.ds });
    expect(report.status).toBe("failure");
    expect(report.promotion).toEqual({ promoted: false, rolledBack: false });
    expect(flowState(c.emu).intents).toHaveLength(4);
  });

  it("merged shard reports equal the unsharded report", async () => {
    const c = await setup();
    await runRelease(c.run, { ...c.deps, dataset: c.ds });
    const whole = await runEvaluate(c.run, { ...c.deps, dataset: c.ds });
    const shards = [];
    for (const i of [1, 2, 3]) shards.push({ name: `s${i}`, report: await runEvaluate({ ...c.run, shard: { index: i, count: 3 } }, { ...c.deps, dataset: c.ds }) });
    expect(shards.map((s) => s.report.metrics?.total)).toEqual([4, 5, 5]);
    expect(shards[0].report.gate).toBeUndefined();
    const { report: merged } = mergeReports([shards[2], shards[0], shards[1]]);
    const strip = (m: typeof merged.metrics) => ({ ...m, latencyMs: undefined, shard: undefined });
    expect(strip(merged.metrics)).toEqual(strip(whole.metrics));
    expect(merged.predictions?.map((p) => [p.text, p.predicted])).toEqual(whole.predictions?.map((p) => [p.text, p.predicted]));
  });

  it("a test leaked into the training examples does not stop the release: it is left out of the evaluation", async () => {
    const c = await setup();
    const a = c.ds.flows[0].intents[0];
    a.tests["en-US"].push(utt(a.examples["en-US"][0].text, "en-US", a.file));
    const report = await runRelease(c.run, { ...c.deps, dataset: c.ds });
    expect(report.findings.filter((f) => f.rule === "test-leakage").map((f) => f.severity)).toEqual(["warning"]);
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(report.status).toBe("success");
    expect(report.metrics?.total).toBe(14);
    expect(report.evaluation?.excluded).toEqual({ count: 1, reason: "1 that leaked into the training examples (test-leakage)" });
    expect(report.evaluation?.testsPerIntent.IntentA).toBe(3);
  });

  it("check without an API key validates only and does not fail", async () => {
    const c = await setup();
    const report = await runCheck({ ...c.run, apiKey: undefined }, { logger: c.logger, dataset: c.ds });
    expect(report.status).toBe("success");
    expect(report.summary).toMatch(/no API key/);
    expect(report.plan).toBeUndefined();
  });

  it("check with a key plans and evaluates the current model, leaving out intents it does not have yet", async () => {
    const c = await setup();
    await runRelease(c.run, { ...c.deps, dataset: c.ds });
    const edited = structuredClone(c.ds);
    edited.flows[0].intents.push(intent("IntentNew", { "en-US": ["brand new topic one", "brand new topic two", "brand new topic three"] }, { "en-US": ["brand new topic"] }));
    const report = await runCheck(c.run, { ...c.deps, dataset: edited });
    expect(report.error).toBeUndefined();
    expect(report.plan?.totals.createIntents).toBe(1);
    // the PR's data is judged in a preview flow (trained on it), so the new intent's test is scored too
    expect(report.evaluation).toMatchObject({ model: "trained-now", subject: "head", engine: "cognigy" });
    expect(report.metrics?.perIntent.IntentNew?.support).toBe(1);
    expect(report.comparison?.base.engine).toBe("cognigy");
    expect(report.gate?.passed).toBe(true);
    expect(report.status).toBe("success");
  });
});

describe("the held-out split against Cognigy's state", () => {
  /** Every flow sentence in Cognigy now (en-US). */
  function inCognigy(emu: Emulator): string[] {
    return flowState(emu).intents.flatMap((i) => i.sentences["en-US"].map((x) => x.text));
  }
  const noTests = () => smallBot(4, 10, 0);

  it("an adopted bot (every example in Cognigy, no tests): empty plan, nothing held out or scored, the gate names the intents without tests", async () => {
    const c = await setup({ bot: noTests() });
    // the bot as `pull` adopts it: every example already uploaded
    const whole = { ...c.run, config: { ...c.run.config, evaluate: { ...c.run.config.evaluate, split: 0 } } };
    await syncFlows(whole, c.deps, { plan: await planFlows(whole, c.deps, { dataset: c.ds }) });
    expect(inCognigy(c.emu)).toHaveLength(40);
    const p = await plan(c);
    expect(p.plan.totals).toMatchObject({ addSentences: 0, removeSentences: 0, unchanged: 40 });
    expect(p.plan.empty).toBe(true);
    expect(p.flows[0].split.keptInCognigy).toBeGreaterThan(0);
    const report = await runRelease(c.run, { ...c.deps, dataset: c.ds });
    expect(report.error).toBeUndefined();
    expect(report.plan?.empty).toBe(true);
    expect(report.evaluation?.heldOutBySplit).toBe(0);
    expect(report.evaluation?.splitKeptInCognigy).toBe(p.flows[0].split.keptInCognigy);
    const examples = new Set(c.ds.flows[0].intents.flatMap((i) => i.examples["en-US"].map((u) => u.text)));
    expect(report.predictions?.length).toBe(2); // the two out-of-scope tests only
    for (const x of report.predictions ?? []) expect(examples.has(x.text)).toBe(false);
    expect(report.gate?.passed).toBe(false);
    expect(report.gate?.reasons).toContain("intent IntentA has 0 test utterances, at least 1 required");
    expect(inCognigy(c.emu)).toHaveLength(40);
  });

  it("a release scores only what it did not upload; a candidate added in Cognigy by hand stays there and stops being a test", async () => {
    const c = await setup({ bot: noTests() });
    const first = await runRelease(c.run, { ...c.deps, dataset: c.ds });
    expect(first.error).toBeUndefined();
    const live = new Set(inCognigy(c.emu));
    const heldOut = (first.predictions ?? []).filter((x) => x.expected !== null).map((x) => x.text);
    expect(heldOut.length).toBe(first.evaluation?.heldOutBySplit);
    expect(heldOut.length).toBeGreaterThan(3);
    expect(live.size + heldOut.length).toBe(40);
    for (const t of heldOut) expect(live.has(t)).toBe(false);
    // someone adds one held-out sentence in the Cognigy UI
    const target = (await resolveTargets(c.run.config, c.ds, c.client))[0];
    const name = (first.predictions ?? []).find((x) => x.text === heldOut[0])?.expected as string;
    const id = (await c.client.listIntents(target.flowId)).find((i) => i.name === name)?._id as string;
    await c.client.batchSentences(target.flowId, id, [{ op: "create", value: { text: heldOut[0], localeId: target.locales[0].locale._id } }]);
    const p = await plan(c);
    expect(p.plan.totals.removeSentences).toBe(0);
    expect(p.plan.empty).toBe(true);
    const second = await runRelease(c.run, { ...c.deps, dataset: c.ds });
    expect(second.error).toBeUndefined();
    const scored = (second.predictions ?? []).map((x) => x.text);
    expect(scored).not.toContain(heldOut[0]);
    expect(second.evaluation?.heldOutBySplit).toBe(heldOut.length - 1);
    const after = new Set(inCognigy(c.emu));
    expect(after.has(heldOut[0])).toBe(true);
    for (const t of scored) expect(after.has(t)).toBe(false);
    // evaluate on its own reads the same state and agrees
    const alone = await runEvaluate(c.run, { ...c.deps, dataset: c.ds });
    expect(alone.predictions?.map((x) => x.text)).toEqual(scored);
  });
});

describe("drift in check mode", () => {
  it("reports what was changed in Cognigy and not in git from the plan's read (no extra requests), in the summary; fail-on-drift fails", async () => {
    const c = await setup();
    expect((await runRelease(c.run, { ...c.deps, dataset: c.ds, baseDataset: c.ds })).status).toBe("success");
    const clean = await runCheck(c.run, { ...c.deps, dataset: c.ds, baseDataset: c.ds });
    expect((clean.drift as DriftResult).clean).toBe(true);
    expect(clean.status).toBe("success");
    // someone adds a sentence in the Cognigy UI
    const target = (await resolveTargets(c.run.config, c.ds, c.client))[0];
    const id = (await c.client.listIntents(target.flowId)).find((i) => i.name === "IntentB")?._id as string;
    await c.client.batchSentences(target.flowId, id, [{ op: "create", value: { text: "will it snow in the mountains", localeId: target.locales[0].locale._id } }]);
    const mark = c.emu.requestLog.length;
    const report = await runCheck(c.run, { ...c.deps, dataset: c.ds, baseDataset: c.ds });
    // one intent listing and one export per locale: drift reuses the plan's read
    expect(c.emu.requestLog.slice(mark).filter((e) => e.path.includes(target.flowId) && /\/intents\/export/.test(e.path))).toHaveLength(1);
    const d = report.drift as DriftResult;
    expect(d.clean).toBe(false);
    expect(d.flows[0].addedSentences).toEqual([{ intent: "IntentB", locale: "en-US", text: "will it snow in the mountains" }]);
    // the plan removes the UI's sentence, so the PR's state differs from production: a preview is trained and compared
    expect(report.timings.map((t) => t.step)).toEqual(["validate", "plan", "drift", "preview", "train", "evaluate", "evaluate-base", "gate", "cleanup"]);
    expect(report.status).toBe("success");
    expect(report.summary).toMatch(/drift: 1 sentence\(s\) added in Cognigy and not in git/);
    const md = renderSummary(report);
    expect(md).toContain("#### Drift (changed in Cognigy, not in git)");
    expect(md).toContain("| Main | IntentB | en-US | added | will it snow in the mountains |");
    const strict = await runCheck({ ...c.run, failOnDrift: true }, { ...c.deps, dataset: c.ds, baseDataset: c.ds });
    expect(strict.status).toBe("failure");
    expect(strict.gate?.passed).toBe(true);
    expect(strict.summary).toMatch(/^check failed: .*drift: 1 sentence\(s\) added in Cognigy and not in git \(fail-on-drift\)/);
  });
});
