// Import modes, the export format, training tasks, isTrainingOutOfDate, and nlu/scores from the real classifier.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Api, importFile, importForm, loadAndTrain, SMALL, start } from "./helpers.js";

let api: Api;
beforeEach(async () => {
  api = await start();
});
afterEach(() => api.emu.close());

const exportJson = async (flowId: string, localeId: string) => api.ok("POST", `/flows/${flowId}/intents/export`, { localeId, format: "json" });
// biome-ignore lint/suspicious/noExplicitAny: exported intents are inspected freely
const byName = (items: any[]): Record<string, any> => Object.fromEntries(items.map((i) => [i.name, i]));

describe("import and export", () => {
  it("exports a bare JSON array in the documented format", async () => {
    const ids = await api.ids();
    const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(importFile({ A: ["a one", "a two"] }, { A: { defaultReply: { text: "hi" }, custom: 1 } }), ids.localeId, "overwrite"));
    expect(t).toMatchObject({ status: "queued", type: "importIntents" });
    expect((await api.waitTask(t._id)).status).toBe("done");
    const out = await exportJson(ids.flowId, ids.localeId);
    expect(Array.isArray(out)).toBe(true);
    expect(out[0]).toEqual({
      name: "A",
      description: "",
      exampleSentences: ["a one", "a two"],
      rules: [],
      tags: [],
      condition: "",
      disambiguationSentence: "",
      childFeatures: false,
      biasTowardsParentOrChildIntents: "parents",
      parent: "",
      defaultReply: { text: "hi" },
      entryPoint: "",
      isRejectIntent: false,
      isDisabled: false,
      overrideIntentDefaultRepliesAsExamples: "",
      confirmationSentences: [],
      custom: 1,
    });
    const csv = await api.call("POST", `/flows/${ids.flowId}/intents/export`, { localeId: ids.localeId, format: "csv" });
    expect(csv.headers.get("content-type")).toMatch(/csv/);
    expect(csv.text).toBe("A,exampleSentence,a one\nA,exampleSentence,a two\nA,defaultReply,hi\n");
    expect((await api.call("POST", `/flows/${ids.flowId}/intents/export`, { format: "json" })).status).toBe(400);
  });

  it("modes: skip keeps existing intents, overwrite replaces them, merge unions; others are kept", async () => {
    const ids = await api.ids();
    const run = async (file: string, mode: string) => {
      const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(file, ids.localeId, mode));
      expect((await api.waitTask(t._id)).status).toBe("done");
      return byName(await exportJson(ids.flowId, ids.localeId));
    };
    await run(importFile({ A: ["a1", "a2"], B: ["b1"] }), "overwrite");
    let s = await run(importFile({ A: ["new"], C: ["c1"] }), "skip");
    expect(s.A.exampleSentences).toEqual(["a1", "a2"]);
    expect(s.C.exampleSentences).toEqual(["c1"]);
    s = await run(importFile({ A: ["a2", "a3"] }, { A: { tags: ["t"] } }), "merge");
    expect(s.A.exampleSentences).toEqual(["a1", "a2", "a3"]);
    expect(s.A.tags).toEqual(["t"]);
    s = await run(importFile({ A: ["only"] }), "overwrite");
    expect(s.A.exampleSentences).toEqual(["only"]);
    expect(Object.keys(s).sort()).toEqual(["A", "B", "C"]);
    expect((await api.call("POST", `/flows/${ids.flowId}/intents/import`, importForm("[]", ids.localeId, "replace"))).status).toBe(400);
  });

  it("reads CSV files; a broken file fails the task with a reason", async () => {
    const ids = await api.ids();
    const csv = 'OrderPizza,exampleSentence,I would like a large pizza\nOrderPizza,defaultReply,Your pizza is on its way\nCancelOrder,exampleSentence,"please cancel, my order"\n';
    const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(csv, ids.localeId, "overwrite", "intents.csv"));
    expect((await api.waitTask(t._id)).status).toBe("done");
    const out = byName(await exportJson(ids.flowId, ids.localeId));
    expect(out.CancelOrder.exampleSentences).toEqual(["please cancel, my order"]);
    const bad = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm("[{]", ids.localeId, "overwrite"));
    const done = await api.waitTask(bad._id);
    expect(done.status).toBe("error");
    expect(done.failReason).toMatch(/^Import failed: the file is not valid JSON/);
  });
});

describe("training and scores", () => {
  it("the same sentences give the same scores on every emulator, whatever order they were inserted in", async () => {
    const reversed = Object.fromEntries(Object.entries(SMALL).reverse().map(([k, v]) => [k, [...v].reverse()]));
    const other = await start();
    try {
      const probes = ["cancel my pizza", "are you open late", "one pepperoni", "tell me a joke"];
      const scores = async (a: Api, data: Record<string, string[]>) => {
        const ids = await loadAndTrain(a, data);
        const out: Record<string, number>[] = [];
        for (const sentence of probes) {
          const r = await a.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence });
          out.push(Object.fromEntries(r.map((x: { name: string; score: number }) => [x.name, x.score])));
        }
        return out;
      };
      expect(await scores(other, reversed)).toEqual(await scores(api, SMALL));
    } finally {
      await other.emu.close();
    }
  });

  it("task lifecycle queued → active → done with progress; flips isTrainingOutOfDate", async () => {
    const ids = await api.ids();
    const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(importFile(SMALL), ids.localeId, "overwrite"));
    await api.waitTask(t._id);
    expect((await api.ok("GET", `/flows/${ids.flowId}`)).isTrainingOutOfDate).toBe(true);
    const before = await api.call("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "pizza" });
    expect(before.status).toBeGreaterThanOrEqual(400);
    expect(before.status).toBeLessThan(500);
    const tr = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    expect(tr).toMatchObject({ status: "queued", type: "trainIntents", parameters: { flowId: ids.flowId, localeId: ids.localeId } });
    const statuses = new Set<string>();
    let last: { status: string; currentStep: number; totalStep: number; name: string };
    do {
      last = await api.ok("GET", `/tasks/${tr._id}`);
      statuses.add(last.status);
      expect(last.currentStep).toBeLessThanOrEqual(last.totalStep);
    } while (last.status !== "done" && last.status !== "error");
    expect(last).toMatchObject({ status: "done", currentStep: 100, totalStep: 100, name: "trainIntents", failReason: null });
    expect(statuses.has("queued") || statuses.has("active")).toBe(true);
    expect((await api.ok("GET", `/flows/${ids.flowId}`)).isTrainingOutOfDate).toBe(false);
    const list = await api.ok("GET", `/tasks?projectId=${ids.projectId}`);
    expect(list.items[0]._id).toBe(tr._id); // newest first
    // Any sentence change marks the flow out of date again.
    const intents = await api.ok("GET", `/flows/${ids.flowId}/intents`);
    await api.ok("POST", `/flows/${ids.flowId}/intents/${intents.items[0]._id}/sentences`, { text: "a brand new one", localeId: ids.localeId });
    expect((await api.ok("GET", `/flows/${ids.flowId}`)).isTrainingOutOfDate).toBe(true);
  });

  it("scores: every intent, sorted by score, probabilities in [0,1], right intent on top", async () => {
    const ids = await loadAndTrain(api);
    const r = await api.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "could I get a pizza" });
    expect(r).toHaveLength(3);
    expect(r[0]).toMatchObject({ name: "OrderPizza", negated: false, confirmationSentence: null, confirmationSentences: null, disambiguationSentence: null, flow: ids.flowRef, description: "" });
    expect(r[0].id).toMatch(/^[0-9a-f-]{36}$/);
    for (let i = 1; i < r.length; i++) expect(r[i - 1].score).toBeGreaterThanOrEqual(r[i].score);
    for (const x of r) expect(x.score).toBeGreaterThanOrEqual(0);
    expect(r.reduce((a: number, x: { score: number }) => a + x.score, 0)).toBeCloseTo(1, 3);
    const hours = await api.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "are you open on monday" });
    expect(hours[0].name).toBe("OpeningHours");
    const badRef = await api.call("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: "nope", localeReferenceId: ids.localeRef, sentence: "x" });
    expect(badRef.status).toBe(400);
  });

  it("the model is the data when training starts; a queued training sees an earlier import; later edits need a new training", async () => {
    await api.emu.close();
    api = await start({ taskDelayMs: 400 });
    const ids = await api.ids();
    // Not awaited: the training queues behind the import of the same flow and learns its data.
    const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(importFile(SMALL), ids.localeId, "overwrite"));
    const tr = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    expect((await api.waitTask(t._id)).status).toBe("done");
    expect((await api.waitTask(tr._id, ["active", "done"])).status).toBe("active");
    // Added while the training is active: not part of this model.
    await api.ok("POST", `/flows/${ids.flowId}/intents`, { name: "Weather" });
    const w = (await api.ok("GET", `/flows/${ids.flowId}/intents?filter=Weather`)).items[0];
    await api.ok("PATCH", `/flows/${ids.flowId}/intents/${w._id}/sentences`, {
      operations: ["what is the weather", "will it rain today", "is it sunny outside", "weather forecast please"].map((text) => ({ op: "create", value: { text, slots: [], localeReference: ids.localeId } })),
    });
    expect((await api.waitTask(tr._id)).status).toBe("done");
    expect((await api.ok("GET", `/flows/${ids.flowId}`)).isTrainingOutOfDate).toBe(true);
    const score = () => api.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "will it rain" });
    expect((await score()).map((x: { name: string }) => x.name).sort()).toEqual(["CancelOrder", "OpeningHours", "OrderPizza"]);
    const tr2 = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    await api.waitTask(tr2._id);
    expect((await score())[0].name).toBe("Weather");
    expect((await api.ok("GET", `/flows/${ids.flowId}`)).isTrainingOutOfDate).toBe(false);
  });

  it("disabled intents are not trained; reject intents are trained but never returned", async () => {
    const ids = await api.ids();
    const data = { ...SMALL, Chitchat: ["tell me a joke", "how are you", "you are funny", "what's your name", "do you like music", "sing a song"] };
    const file = importFile(data, { OpeningHours: { isDisabled: true }, Chitchat: { isRejectIntent: true } });
    const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(file, ids.localeId, "overwrite"));
    await api.waitTask(t._id);
    const tr = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    await api.waitTask(tr._id);
    const r = await api.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "tell me a joke please" });
    expect(r.map((x: { name: string }) => x.name).sort()).toEqual(["CancelOrder", "OrderPizza"]);
    expect(r[0].score).toBeLessThan(0.5); // the reject class took the probability mass
  });

  it("trainings of one flow run one after the other; cancel moves to cancelled", async () => {
    await api.emu.close();
    api = await start({ taskDelayMs: 200 });
    const ids = await api.ids();
    const a = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    const b = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    await api.waitTask(a._id, ["active"]);
    expect((await api.ok("GET", `/tasks/${b._id}`)).status).toBe("queued");
    expect(await api.ok("POST", `/tasks/${b._id}/cancel`)).toEqual({});
    expect(["cancelling", "cancelled"]).toContain((await api.ok("GET", `/tasks/${b._id}`)).status);
    expect((await api.waitTask(b._id)).status).toBe("cancelled");
    expect((await api.waitTask(a._id)).status).toBe("done");
  });
});
