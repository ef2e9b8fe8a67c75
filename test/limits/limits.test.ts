// Cognigy's caps: validate names them, plan/sync refuse before any write (Cognigy's and attached flows' sentences
// counted), and the emulator refuses the same with a 400 problem.
import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { CognigyApiError } from "../../src/cognigy/errors.js";
import { configSchema } from "../../src/config/schema.js";
import { parseLimitsSpec } from "../../src/emulator/index.js";
import { planFlows } from "../../src/pipeline/plan.js";
import { resolveTargets } from "../../src/pipeline/resolve.js";
import { runPlan } from "../../src/pipeline/run.js";
import { syncFlows } from "../../src/pipeline/sync.js";
import { config, dataset, flowData, intent } from "../pipeline/helpers.js";
import { intents, KEY, setup, writesSince } from "./helpers.js";

describe("limits in validate", () => {
  it("the documented defaults: 10,000 sentences and 2,500 intents per flow, 2,000 sentences per intent", () => {
    expect(configSchema.parse({ cognigy: { baseUrl: "https://x.example", project: "P" }, flows: config().flows }).limits).toEqual({
      flowSentences: 10_000,
      flowIntents: 2_500,
      intentSentences: 2_000,
    });
  });

  it("a flow over the sentence or intent cap is an error naming the cap and the count; an intent over its cap as configured", () => {
    const cfg = config({ limits: { flowSentences: 50, flowIntents: 5, intentSentences: 8 } });
    const ds = dataset(cfg, [...intents(6, 9)]);
    const findings = runChecks(ds, cfg.checks, cfg.limits);
    const flow = findings.filter((f) => f.rule === "flow-limit");
    expect(flow.map((f) => [f.severity, f.message])).toEqual([
      ["error", "flow 'Main' has 6 intents, more than Cognigy's cap of 5 per flow (limits.flowIntents; attached flows count too); intent 6 is here"],
      ["error", "flow 'Main' has 54 example sentences in en-US, more than Cognigy's cap of 50 per flow and locale (limits.flowSentences; attached flows count too); example 51 is here"],
    ]);
    // file:line: the sixth intent, and the 51st example (the 6th of I5)
    expect(flow.map((f) => [f.file, f.line])).toEqual([
      [ds.flows[0].intents[5].file, ds.flows[0].intents[5].line],
      [ds.flows[0].intents[5].file, ds.flows[0].intents[5].examples["en-US"][5].line],
    ]);
    const perIntent = findings.filter((f) => f.rule === "intent-limit");
    expect(perIntent).toHaveLength(6);
    expect(perIntent[0]).toMatchObject({ severity: "error", intent: "I0", locale: "en-US", file: "training-data/main/intents/I0.yml" });
    expect(perIntent[0].message).toBe("intent 'I0' has 9 examples in en-US, more than Cognigy's cap of 8 per intent (limits.intentSentences)");
    const lowered = runChecks(ds, { ...cfg.checks, rules: { "intent-limit": "warning" } }, cfg.limits);
    expect(lowered.filter((f) => f.rule === "intent-limit").every((f) => f.severity === "warning")).toBe(true);
  });

  it("counts distinct normalised texts (repeats are not uploaded) and stays quiet at the cap", () => {
    const cfg = config({ limits: { flowSentences: 4, flowIntents: 1, intentSentences: 4 } });
    const ds = dataset(cfg, [intent("A", { "en-US": ["one two", "One  two", "three four", "five six", "seven eight"] })]);
    expect(runChecks(ds, cfg.checks, cfg.limits).filter((f) => f.rule === "flow-limit" || f.rule === "intent-limit")).toEqual([]);
  });
});

describe("limits in plan and sync", () => {
  it("refuses before the first write, counting sentences already in Cognigy and in attached flows", async () => {
    const c = await setup({ limits: { flowSentences: 60, flowIntents: 100, intentSentences: 2000 } });
    const project = await c.client.resolveProject("Test Bot");
    const [main, shared] = [await c.client.resolveFlow(project._id, "Main"), await c.client.resolveFlow(project._id, "Shared")];
    const locale = (await c.client.listLocales(project._id))[0];
    // 20 hand-made sentences in Main (not in the files) and 25 in the attached flow Shared.
    const hand = await c.client.createIntent(main._id, { name: "HandMade" });
    await c.client.batchSentences(main._id, hand._id, Array.from({ length: 20 }, (_, i) => ({ op: "create" as const, value: { text: `hand made ${i}`, localeId: locale._id } })));
    const other = await c.client.createIntent(shared._id, { name: "Other" });
    await c.client.batchSentences(shared._id, other._id, Array.from({ length: 25 }, (_, i) => ({ op: "create" as const, value: { text: `shared ${i}`, localeId: locale._id } })));
    c.emu.core.store.flows.get(main._id)!.attachedFlows = [shared.referenceId];

    // The files: 3 × 5 = 15 examples (under 60 alone), but 15 + 20 + 25 = 60 fits exactly …
    const cfg = c.run.config;
    const ds = dataset(cfg, intents(3, 5));
    const ok = await planFlows(c.run, c.deps, { dataset: ds, targets: await resolveTargets(cfg, ds, c.client) });
    expect(ok.flows[0].counts).toMatchObject({ intents: 5, sentences: { "en-US": 60 } });
    // … and one more does not: the sync refuses with no write call.
    const more = dataset(cfg, [...intents(3, 5), intent("Extra", { "en-US": ["one more phrasing"] })]);
    const p = await planFlows(c.run, c.deps, { dataset: more, targets: await resolveTargets(cfg, more, c.client) });
    expect(p.flows[0].counts?.sentences["en-US"]).toBe(61);
    const mark = c.emu.requestLog.length;
    await expect(syncFlows(c.run, c.deps, { plan: p })).rejects.toThrow(
      /refusing to sync: flow Main would hold 61 sentences in en-US incl\. 1 attached flow, more than Cognigy's cap of 60 \(limits\.flowSentences\)/,
    );
    expect(writesSince(c.emu, mark)).toEqual([]);
    // --force does not override a cap (Cognigy would refuse anyway).
    await expect(syncFlows({ ...c.run, force: true }, c.deps, { plan: p })).rejects.toThrow(/refusing to sync/);
    expect(writesSince(c.emu, mark)).toEqual([]);
  });

  it("runPlan fails the plan step with the cap named (intents already in Cognigy counted); a cap lowered to a warning is logged and the plan passes", async () => {
    const c = await setup({ limits: { flowSentences: 10_000, flowIntents: 2, intentSentences: 2000 } });
    const project = await c.client.resolveProject("Test Bot");
    await c.client.createIntent((await c.client.resolveFlow(project._id, "Main"))._id, { name: "HandMade" });
    const ds = dataset(c.run.config, intents(2, 2)); // within the cap in validate; 3 with the hand-made one
    const failed = await runPlan(c.run, { ...c.deps, dataset: ds });
    expect(failed.report.status).toBe("failure");
    expect(failed.report.error?.message ?? "").toMatch(/flow Main would hold 3 intents, more than Cognigy's cap of 2 \(limits\.flowIntents\)/);
    expect(failed.report.plan?.totals.createIntents).toBe(2);
    const warnRun = { ...c.run, config: { ...c.run.config, checks: { ...c.run.config.checks, rules: { "flow-limit": "warning" as const } } } };
    const warned = await runPlan(warnRun, { ...c.deps, dataset: ds });
    expect(warned.report.status).not.toBe("failure");
    expect(c.logger.lines.some((l) => l.level === "warn" && /would hold 3 intents, more than Cognigy's cap of 2 \(limits\.flowIntents\)/.test(l.message))).toBe(true);
  });
});

describe("limits during the sync", () => {
  it("examples moving between intents of a flow at its cap sync without passing the cap on the way (losers first)", async () => {
    const c = await setup({ limits: { flowSentences: 10, flowIntents: 100, intentSentences: 100 }, sync: { maxDeletions: 5 } });
    expect(c.emu.core.limits.flowSentences).toBe(10); // the emulator takes the seed config's caps
    const cfg = c.run.config;
    const a = ["alpha one", "alpha two", "alpha three", "alpha four", "alpha five"];
    const b = ["beta one", "beta two", "beta three", "beta four", "beta five"];
    const first = dataset(cfg, [intent("A", { "en-US": a }), intent("B", { "en-US": b })]);
    await syncFlows(c.run, c.deps, { plan: await planFlows(c.run, c.deps, { dataset: first, targets: await resolveTargets(cfg, first, c.client) }) });
    // two of B's examples move to A: 10 before and after, but A (first by name) would reach 12 if it went first
    const moved = dataset(cfg, [intent("A", { "en-US": [...a, "beta four", "beta five"] }), intent("B", { "en-US": b.slice(0, 3) })]);
    const p = await planFlows(c.run, c.deps, { dataset: moved, targets: await resolveTargets(cfg, moved, c.client) });
    expect(p.flows[0].counts?.sentences["en-US"]).toBe(10);
    const mark = c.emu.requestLog.length;
    await syncFlows(c.run, c.deps, { plan: p });
    const batches = writesSince(c.emu, mark).filter((w) => /\/sentences$/.test(w));
    const ids = Object.fromEntries((await c.client.listIntents(c.main._id)).map((i) => [i.name, i._id]));
    expect(batches).toEqual([`PATCH /new/v2.0/flows/${c.main._id}/intents/${ids.B}/sentences`, `PATCH /new/v2.0/flows/${c.main._id}/intents/${ids.A}/sentences`]);
    const exported = await c.client.exportIntents(c.main._id, (await c.client.listLocales(c.project._id))[0]._id);
    expect(Object.fromEntries(exported.map((e) => [e.name, e.exampleSentences.length]))).toEqual({ A: 7, B: 3 });
  });
});

describe("limits during the sync, across flows", () => {
  it("examples moving from an attached flow to the flow that attaches it (at its cap) sync the shrinking flow first", async () => {
    const c = await setup({ limits: { flowSentences: 10, flowIntents: 100, intentSentences: 100 }, sync: { maxDeletions: 5 } });
    const cfg = c.run.config;
    const two = (main: string[], shared: string[]) => ({ root: "/tmp", findings: [], flows: [flowData(cfg, [intent("A", { "en-US": main })], [], 0), flowData(cfg, [intent("B", { "en-US": shared })], [], 1)] });
    const a = ["alpha one", "alpha two", "alpha three", "alpha four", "alpha five"];
    const b = ["beta one", "beta two", "beta three", "beta four", "beta five"];
    const first = two(a, b);
    await syncFlows(c.run, c.deps, { plan: await planFlows(c.run, c.deps, { dataset: first, targets: await resolveTargets(cfg, first, c.client) }) });
    const attach = await fetch(`${c.emu.url}/new/v2.0/flows/${c.main._id}`, {
      method: "PATCH",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ attachedFlows: [c.shared._id] }),
    });
    expect(attach.status).toBe(200); // Main = 5 + Shared's 5 = 10, its cap
    const moved = two([...a, "beta four", "beta five"], b.slice(0, 3));
    const p = await planFlows(c.run, c.deps, { dataset: moved, targets: await resolveTargets(cfg, moved, c.client) });
    expect(p.flows.map((f) => [f.target.flow.name, f.counts?.sentences["en-US"]])).toEqual([
      ["Main", 10],
      ["Shared", 3],
    ]);
    await syncFlows(c.run, c.deps, { plan: p });
    const en = (await c.client.listLocales(c.project._id))[0]._id;
    expect((await c.client.exportIntents(c.main._id, en))[0].exampleSentences).toHaveLength(7);
    expect((await c.client.exportIntents(c.shared._id, en))[0].exampleSentences).toHaveLength(3);
  });
});

describe("limits in the emulator", () => {
  it("refuses sentences and intents over the caps with a 400 problem, before applying any of the batch", async () => {
    const c = await setup({}, { flowSentences: 10, flowIntents: 2, intentSentences: 6 });
    const project = await c.client.resolveProject("Test Bot");
    const main = await c.client.resolveFlow(project._id, "Main");
    const locale = (await c.client.listLocales(project._id))[0];
    const a = await c.client.createIntent(main._id, { name: "A" });
    const b = await c.client.createIntent(main._id, { name: "B" });
    const e1 = await c.client.createIntent(main._id, { name: "C" }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(CognigyApiError);
    expect((e1 as CognigyApiError).status).toBe(400);
    expect((e1 as CognigyApiError).detail).toMatch(/at most 2 Intents; it has 2 and 1 would be added/);
    const ops = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ op: "create" as const, value: { text: `${p} ${i}`, localeId: locale._id } }));
    const e2 = await c.client.batchSentences(main._id, a._id, ops(7, "a")).catch((e: unknown) => e);
    expect((e2 as CognigyApiError).detail).toMatch(/at most 6 example sentences per locale/);
    await c.client.batchSentences(main._id, a._id, ops(6, "a"));
    const e3 = await c.client.batchSentences(main._id, b._id, ops(5, "b")).catch((e: unknown) => e);
    expect((e3 as CognigyApiError).status).toBe(400);
    expect((e3 as CognigyApiError).detail).toMatch(/at most 10 example sentences per locale; it has 6 and 5 would be added/);
    expect((await c.client.listSentences(main._id, b._id, { localeId: locale._id })).length).toBe(0);
    // the raw answer is an RFC-7807 problem
    const res = await fetch(`${c.emu.url}/new/v2.0/flows/${main._id}/intents`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ name: "D" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "about:blank", title: "Bad Request", status: 400, code: 1005 });
  });

  it("takes its caps from the seed config's limits and from --limits specs", async () => {
    expect(parseLimitsSpec("flowSentences=15000, flowIntents=0")).toEqual({ flowSentences: 15000, flowIntents: 0 });
    expect(() => parseLimitsSpec("flowSentence=1")).toThrow(/NAME=N/);
    const c = await setup({ limits: { flowSentences: 3, flowIntents: 100, intentSentences: 100 } });
    expect(c.emu.core.limits).toEqual({ flowSentences: 3, flowIntents: 100, intentSentences: 100 });
  });
});
