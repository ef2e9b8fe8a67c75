// Caps count per flow × locale in all three layers, with the documented caps: two locales of 6,000 sentences in one
// flow are within the 10,000 cap, 11,000 in one locale are not — in validate, in the plan (with the sentences already
// in Cognigy and in attached flows, refused before any write), and in the emulator.
import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { ConfigError } from "../../src/errors.js";
import { planFlows } from "../../src/pipeline/plan.js";
import { resolveTargets } from "../../src/pipeline/resolve.js";
import { syncFlows } from "../../src/pipeline/sync.js";
import { config, dataset, flowData } from "../pipeline/helpers.js";
import { fill, intents, setup, writesSince } from "./helpers.js";

const LOCALES = ["de-DE", "en-US"];
const twoLocales = () =>
  config({ flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US", "de-DE": "de-DE" }, defaultLocale: "en-US" }], checks: { nearDuplicate: "off", maxExamples: "off" } });
const flowLimits = (cfg: ReturnType<typeof config>, ds: ReturnType<typeof dataset>) => runChecks(ds, cfg.checks, cfg.limits).filter((f) => f.rule === "flow-limit");

describe("per flow × locale: validate", () => {
  it("6,000 sentences in each of two locales are within the 10,000 cap; 11,000 in one locale are not, named with the cap, the count and file:line", () => {
    const cfg = twoLocales();
    expect(cfg.limits.flowSentences).toBe(10_000);
    expect(flowLimits(cfg, dataset(cfg, intents(30, 200, "I", LOCALES)))).toEqual([]);
    const en = intents(55, 200, "E", ["en-US"]); // 11,000 in en-US
    const ds = dataset(cfg, [...en, ...intents(5, 200, "D", ["de-DE"])]); // + 1,000 in de-DE
    const found = flowLimits(cfg, ds);
    expect(found).toHaveLength(1);
    // example 10,001 in file order: the first of the 51st intent file by name (E0, E1, E10, …)
    const byFile = [...en].sort((a, b) => (a.file < b.file ? -1 : 1));
    expect(found[0]).toMatchObject({ severity: "error", locale: "en-US", file: byFile[50].file, line: byFile[50].examples["en-US"][0].line });
    expect(found[0].message).toBe(
      "flow 'Main' has 11,000 example sentences in en-US, more than Cognigy's cap of 10,000 per flow and locale (limits.flowSentences; attached flows count too); example 10,001 is here",
    );
  });
});

describe("per flow × locale: plan and sync", () => {
  it("6,000 per locale plan and sync into the emulator (which agrees); 11,000 in one locale are refused before any write", async () => {
    const c = await setup({ checks: { minExamples: "off", nearDuplicate: "off" } }, undefined, LOCALES);
    const cfg = c.run.config;
    const ok = dataset(cfg, intents(30, 200, "I", LOCALES));
    const p = await planFlows(c.run, c.deps, { dataset: ok, targets: await resolveTargets(cfg, ok, c.client) });
    expect(p.flows[0].counts?.sentences).toEqual({ "de-DE": 6000, "en-US": 6000 });
    await syncFlows(c.run, c.deps, { plan: p });
    for (const l of LOCALES) expect((await c.client.exportIntents(c.main._id, c.loc[l]._id)).reduce((n, e) => n + e.exampleSentences.length, 0)).toBe(6000);

    // 5,000 more in en-US only (11,000): refused, no write; de-DE's 6,000 are not the reason.
    const more = dataset(cfg, [...intents(30, 200, "I", LOCALES), ...intents(25, 200, "X", ["en-US"])]);
    const p2 = await planFlows(c.run, c.deps, { dataset: more, targets: await resolveTargets(cfg, more, c.client) });
    expect(p2.flows[0].counts?.sentences).toEqual({ "de-DE": 6000, "en-US": 11000 });
    const mark = c.emu.requestLog.length;
    const err = await syncFlows(c.run, c.deps, { plan: p2 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^refusing to sync: flow Main would hold 11,000 sentences in en-US, more than Cognigy's cap of 10,000 \(limits\.flowSentences\) — /);
    expect((err as Error).message).not.toMatch(/de-DE/);
    expect(writesSince(c.emu, mark)).toEqual([]);
    // Sent past the plan, the emulator refuses the same 5,000 in en-US and takes them in de-DE (its own 10,000).
    const refused = await fill(c, c.main._id, c.loc["en-US"]._id, 25, 200, "x").catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/at most 10000 example sentences per locale; it has 6000 and 5000 would be added/);
    await fill(c, c.main._id, c.loc["de-DE"]._id, 20, 200, "x");
    expect((await c.client.exportIntents(c.main._id, c.loc["de-DE"]._id)).reduce((n, e) => n + e.exampleSentences.length, 0)).toBe(10_000);
  });

  it("counts what Cognigy already holds and the attached flow's sentences per locale: over in en-US only, refused before any write", async () => {
    const c = await setup({ checks: { minExamples: "off", nearDuplicate: "off" } }, undefined, LOCALES);
    const cfg = c.run.config;
    // Cognigy: 500 hand-made en-US sentences in Main; Shared (attached to Main) holds 600 in en-US and 5,000 in de-DE.
    await fill(c, c.main._id, c.loc["en-US"]._id, 5, 100, "hand");
    await fill(c, c.shared._id, c.loc["en-US"]._id, 3, 200, "shen");
    await fill(c, c.shared._id, c.loc["de-DE"]._id, 25, 200, "shde");
    c.emu.core.store.flows.get(c.main._id)!.attachedFlows = [c.shared._id];
    // The files: 9,000 en-US and 4,000 de-DE in Main — each under 10,000 alone.
    const files = dataset(cfg, [...intents(20, 200, "B", LOCALES), ...intents(25, 200, "E", ["en-US"])]);
    expect(flowLimits(cfg, files)).toEqual([]);
    const p = await planFlows(c.run, c.deps, { dataset: files, targets: await resolveTargets(cfg, files, c.client) });
    // en-US: 9,000 + 500 + 600 = 10,100; de-DE: 4,000 + 5,000 = 9,000
    expect(p.flows[0].counts).toMatchObject({ intents: 5 + 45 + 28, sentences: { "en-US": 10_100, "de-DE": 9_000 } });
    const mark = c.emu.requestLog.length;
    const err = await syncFlows(c.run, c.deps, { plan: p }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^refusing to sync: flow Main would hold 10,100 sentences in en-US incl\. 1 attached flow, more than Cognigy's cap of 10,000 \(limits\.flowSentences\) — /);
    expect(writesSince(c.emu, mark)).toEqual([]);
  });

  it("a sync into a flow attached to one outside the plan counts that flow: over in its locale is refused before any write, another locale goes through", async () => {
    const c = await setup({ checks: { minExamples: "off", nearDuplicate: "off" } }, undefined, LOCALES);
    const cfg = c.run.config;
    await fill(c, c.main._id, c.loc["en-US"]._id, 40, 200, "main"); // Main (not in this plan) holds 8,000 in en-US …
    c.emu.core.store.flows.get(c.main._id)!.attachedFlows = [c.shared._id]; // … and attaches Shared
    const only = (ds: ReturnType<typeof dataset>) => ({ ...ds, flows: [flowData(cfg, ds.flows[0].intents, [], 1)] });
    // 3,000 en-US into Shared: Main would hold 11,000 → refused before any write.
    const over = only(dataset(cfg, intents(15, 200, "S", ["en-US"])));
    const p = await planFlows(c.run, c.deps, { dataset: over, targets: await resolveTargets(cfg, over, c.client) });
    expect(p.flows[0].counts?.attachedBy).toEqual([{ name: "Main", intents: 55, sentences: { "de-DE": 0, "en-US": 11_000 } }]);
    const mark = c.emu.requestLog.length;
    const err = await syncFlows(c.run, c.deps, { plan: p }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^refusing to sync: flow Main, which attaches flow Shared, would hold 11,000 sentences in en-US, more than Cognigy's cap of 10,000 \(limits\.flowSentences\) — /);
    expect(writesSince(c.emu, mark)).toEqual([]);
    // 3,000 de-DE into Shared: Main's de-DE count is 3,000 — the plan passes and the emulator takes it.
    const de = only(dataset(cfg, intents(15, 200, "S", ["de-DE"])));
    const p2 = await planFlows(c.run, c.deps, { dataset: de, targets: await resolveTargets(cfg, de, c.client) });
    await syncFlows(c.run, c.deps, { plan: p2 });
    expect((await c.client.exportIntents(c.shared._id, c.loc["de-DE"]._id)).reduce((n, e) => n + e.exampleSentences.length, 0)).toBe(3000);
  });

  it("two YAML keys that map to one Cognigy locale are refused (they would share its cap and overwrite each other)", async () => {
    const c = await setup({}, undefined, ["en-US"]);
    const cfg = config({ flows: [{ name: "Main", dir: "training-data/main", locales: { en: "en-US", "en-US": "en-US" }, defaultLocale: "en" }] });
    const ds = dataset(cfg, intents(1, 1, "I", ["en"]));
    const err = await resolveTargets(cfg, ds, c.client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe("flow Main: YAML keys en and en-US map to the same Cognigy locale 'en-US'");
  });
});
