// drift end to end: edits made through the API (as in the Cognigy UI) show up as added, removed, edited sentences and intents.
import { afterEach, describe, expect, it } from "vitest";
import { type DriftResult, driftMarkdown, runDrift } from "../../src/pipeline/drift.js";
import { pairEdits } from "../../src/pipeline/drift/compare.js";
import { textSimilarity } from "../../src/pipeline/drift.js";
import { type Setup, setup, smallBot, syncAndTrain } from "../backup/helpers.js";

const open: Setup[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

describe("pairEdits", () => {
  it("pairs the most similar removed/added texts at or above the threshold, each once", () => {
    const p = pairEdits(["book a table for two", "cancel it"], ["book a table for three", "something else"], textSimilarity, 0.8);
    expect(p.pairs).toEqual([{ from: "book a table for two", to: "book a table for three", similarity: expect.any(Number) }]);
    expect(p.pairs[0]!.similarity).toBeGreaterThanOrEqual(0.8);
    expect(p.removed).toEqual(["cancel it"]);
    expect(p.added).toEqual(["something else"]);
  });
});

describe("runDrift", () => {
  it("is clean right after a sync", async () => {
    const s = await setup();
    open.push(s);
    await syncAndTrain(s, { train: false });
    const r = await runDrift(s.run, s.deps);
    expect(r.status).toBe("success");
    expect((r.drift as DriftResult).clean).toBe(true);
    expect(r.summary).toMatch(/no drift/);
  });

  it("reports what was changed in Cognigy and not in git; fail-on-drift fails", async () => {
    const bot = smallBot();
    const s = await setup({ intents: bot });
    open.push(s);
    await syncAndTrain(s, { train: false });
    const c = s.client;
    const project = await c.resolveProject("Test Bot");
    const flow = (await c.listFlows(project._id))[0]!;
    const locale = (await c.listLocales(project._id))[0]!;
    const intents = await c.listIntents(flow._id);
    const id = (n: string) => intents.find((i) => i.name === n)!._id;
    // Weather: one sentence added, one removed, one edited (delete + similar add)
    const weather = await c.listSentences(flow._id, id("Weather"));
    const gone = weather.find((x) => x.text === "forecast please")!;
    const edited = weather.find((x) => x.text === "tell me about the weather")!;
    await c.batchSentences(flow._id, id("Weather"), [
      { op: "delete", id: gone._id },
      { op: "delete", id: edited._id },
      { op: "create", value: { text: "tell me about the weather today", localeId: locale._id } },
      { op: "create", value: { text: "will it hail tomorrow", localeId: locale._id } },
    ]);
    // a new intent made in the UI, an intent deleted in the UI, a field changed
    const created = await c.createIntent(flow._id, { name: "SmallTalk" });
    await c.batchSentences(flow._id, created._id, [{ op: "create", value: { text: "how are you", localeId: locale._id } }]);
    await c.deleteIntent(flow._id, id("PlayMusic"));
    await c.updateIntent(flow._id, id("BookFlight"), { isDisabled: true, localeId: locale._id });

    const r = await runDrift({ ...s.run, failOnDrift: true }, s.deps);
    const d = r.drift as DriftResult;
    expect(d.clean).toBe(false);
    const f = d.flows[0]!;
    expect(f.editedSentences).toEqual([{ intent: "Weather", locale: "en-US", from: "tell me about the weather", to: "tell me about the weather today", similarity: expect.any(Number) }]);
    expect(f.addedSentences).toEqual([{ intent: "Weather", locale: "en-US", text: "will it hail tomorrow" }]);
    expect(f.removedSentences).toEqual([{ intent: "Weather", locale: "en-US", text: "forecast please" }]);
    expect(f.addedIntents).toEqual([{ intent: "SmallTalk", sentences: 1, owned: false }]);
    expect(f.removedIntents).toEqual([{ intent: "PlayMusic" }]);
    expect(f.changedIntents).toEqual([{ intent: "BookFlight", fields: { isDisabled: { live: true, git: false } } }]);
    expect(d.totals).toEqual({ addedIntents: 1, removedIntents: 1, changedIntents: 1, addedSentences: 1, removedSentences: 1, editedSentences: 1 });
    expect(r.status).toBe("failure");
    expect(r.error?.message).toMatch(/fail-on-drift/);

    const md = driftMarkdown(d);
    expect(md).toContain("| Main | Weather | en-US | edited | tell me about the weather → tell me about the weather today |");
    expect(md).toContain("| Main | SmallTalk | | intent added in Cognigy | 1 sentence(s) |");
    expect(md).toContain("| Main | PlayMusic | | intent missing in Cognigy | |");

    // without fail-on-drift the same drift is reported but does not fail
    expect((await runDrift(s.run, s.deps)).status).toBe("success");
  });
});
