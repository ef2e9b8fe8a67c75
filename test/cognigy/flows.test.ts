// Flows as resources (cognigy-api.md §18): CognigyClient.createFlow / cloneFlow / updateFlow / deleteFlow against the emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognigyApiError, CognigyClient, type Flow, type Locale, type Project } from "../../src/cognigy/index.js";
import { configSchema } from "../../src/config/schema.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { KEY } from "./helpers.js";

let emu: Emulator;
let c: CognigyClient;
let project: Project;
let main: Flow;
let en: Locale;
let de: Locale;

const quickSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20)));

async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${emu.url}/new/v2.0${path}`, {
    method,
    headers: { "X-API-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : {} };
}

beforeAll(async () => {
  const seed = configSchema.parse({
    cognigy: { baseUrl: "http://127.0.0.1:9", project: "Flow Bot" },
    flows: [{ name: "Main", dir: "data/main", locales: { "en-US": "en-US", "de-DE": "de-DE" }, defaultLocale: "en-US" }],
  });
  emu = await startEmulator({ apiKey: KEY, seed, rateLimit: 0, taskDelayMs: 20 });
  c = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, sleep: quickSleep, timeoutMs: 10_000 });
  project = await c.resolveProject("Flow Bot");
  main = await c.resolveFlow(project._id, "Main");
  en = await c.resolveLocale(project._id, "en-US");
  de = await c.resolveLocale(project._id, "de-DE");
  await c.importIntents(main._id, {
    localeId: en._id,
    mode: "overwrite",
    intents: [
      { name: "Order", exampleSentences: ["I want a pizza", "order a pizza", "pizza please", "get me a pizza", "one pizza"] },
      { name: "Cancel", exampleSentences: ["cancel my order", "stop the order", "cancel it", "never mind", "call it off"] },
    ],
  }).then((t) => c.waitForTask(t._id));
  await c.importIntents(main._id, { localeId: de._id, mode: "overwrite", intents: [{ name: "Order", exampleSentences: ["ich will eine Pizza", "Pizza bitte"] }] }).then((t) =>
    c.waitForTask(t._id),
  );
  await c.updateFlowSettings(main._id, { intentThreshold: { lower: 0.3, upper: 0.7 } });
  await c.waitForTask((await c.train(main._id, { localeId: en._id }))._id);
  await c.waitForTask((await c.train(main._id, { localeId: de._id }))._id);
});

afterAll(async () => {
  await emu?.close();
});

describe("flows: create, clone, update, delete", () => {
  it("createFlow makes an empty flow in the project with the given name and description", async () => {
    const f = await c.createFlow(project._id, { name: "Scratch", description: "made by a test" });
    expect(f._id).toMatch(/^[0-9a-f]{24}$/);
    expect(f.name).toBe("Scratch");
    expect(f.description).toBe("made by a test");
    expect((await c.listFlows(project._id)).map((x) => x.name)).toContain("Scratch");
    expect(await c.listIntents(f._id)).toEqual([]);
    await c.deleteFlow(f._id);
  });

  it("cloneFlow copies intents, sentences in every locale and settings, under new ids, untrained", async () => {
    expect((await c.getFlow(main._id)).isTrainingOutOfDate).toBe(false);
    const copy = await c.cloneFlow(main._id);
    expect(copy._id).not.toBe(main._id);
    expect(copy.referenceId).not.toBe(main.referenceId);
    expect(copy.name).toBe("Main (copy)");
    expect(copy.isTrainingOutOfDate).toBe(true);

    const srcIntents = await c.listIntents(main._id);
    const copyIntents = await c.listIntents(copy._id);
    expect(copyIntents.map((i) => i.name).sort()).toEqual(srcIntents.map((i) => i.name).sort());
    const srcIds = new Set(srcIntents.flatMap((i) => [i._id, i.referenceId]));
    expect(copyIntents.filter((i) => srcIds.has(i._id) || srcIds.has(i.referenceId))).toEqual([]);
    const order = copyIntents.find((i) => i.name === "Order")!;
    const texts = async (localeId: string) => (await c.listSentences(copy._id, order._id, { localeId })).filter((s) => s.localeReference === localeId).map((s) => s.text).sort();
    expect(await texts(en._id)).toEqual(["I want a pizza", "get me a pizza", "one pizza", "order a pizza", "pizza please"]);
    expect(await texts(de._id)).toEqual(["Pizza bitte", "ich will eine Pizza"]);
    expect((await c.getFlowSettings(copy._id)).intentThreshold).toEqual({ lower: 0.3, upper: 0.7 });

    // the copy has no model: scoring it fails until it is trained, the source keeps scoring
    const err = await c.scores(project._id, { flowReferenceId: copy.referenceId, localeReferenceId: en.referenceId, sentence: "a pizza" }).catch((e) => e);
    expect(err).toBeInstanceOf(CognigyApiError);
    expect((err as CognigyApiError).status).toBeGreaterThanOrEqual(400);
    const src = await c.scores(project._id, { flowReferenceId: main.referenceId, localeReferenceId: en.referenceId, sentence: "a pizza" });
    expect(src[0].name).toBe("Order");
    await c.waitForTask((await c.train(copy._id, { localeId: en._id }))._id);
    const scored = await c.scores(project._id, { flowReferenceId: copy.referenceId, localeReferenceId: en.referenceId, sentence: "a pizza" });
    expect(scored[0].name).toBe("Order");
    expect(scored[0].id).toBe(order.referenceId);

    // editing the copy leaves the source alone
    await c.deleteIntent(copy._id, order._id);
    expect((await c.listIntents(main._id)).map((i) => i.name).sort()).toEqual(["Cancel", "Order"]);
    await c.deleteFlow(copy._id);
  });

  it("cloneFlow with a name and description sets them (the clone route takes no body; the client patches)", async () => {
    const copy = await c.cloneFlow(main._id, { name: "preview-pr-7", description: "PR #7 preview" });
    expect(copy.name).toBe("preview-pr-7");
    const read = await c.getFlow(copy._id);
    expect(read.name).toBe("preview-pr-7");
    expect(read.description).toBe("PR #7 preview");
    await c.deleteFlow(copy._id);
  });

  it("a second default clone gets a distinct name", async () => {
    const a = await c.cloneFlow(main._id);
    const b = await c.cloneFlow(main._id);
    expect(a.name).not.toBe(b.name);
    await c.deleteFlow(a._id);
    await c.deleteFlow(b._id);
  });

  it("updateFlow renames; deleteFlow removes the flow and its model, and a second delete is not an error", async () => {
    const copy = await c.cloneFlow(main._id);
    await c.updateFlow(copy._id, { name: "Renamed" });
    expect((await c.getFlow(copy._id)).name).toBe("Renamed");
    await c.waitForTask((await c.train(copy._id, { localeId: en._id }))._id);
    await c.deleteFlow(copy._id);
    expect((await c.listFlows(project._id)).some((f) => f._id === copy._id)).toBe(false);
    const gone = await c.getFlow(copy._id).catch((e) => e);
    expect((gone as CognigyApiError).status).toBe(404);
    const scored = await c.scores(project._id, { flowReferenceId: copy.referenceId, localeReferenceId: en.referenceId, sentence: "a pizza" }).catch((e) => e);
    expect(scored).toBeInstanceOf(CognigyApiError);
    await expect(c.deleteFlow(copy._id)).resolves.toBeUndefined();
    // the source is untouched
    expect((await c.listIntents(main._id)).length).toBe(2);
  });

  it("the emulator answers a strict 400 naming the field for unknown or missing fields", async () => {
    const unknown = await raw("POST", "/flows", { projectId: project._id, name: "X", colour: "red" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.detail).toContain("'colour'");
    const missing = await raw("POST", "/flows", { projectId: project._id });
    expect(missing.status).toBe(400);
    expect(missing.json.detail).toContain("'name'");
    const cloneBody = await raw("POST", `/flows/${main._id}/clone`, { name: "typed nowhere" });
    expect(cloneBody.status).toBe(400);
    expect(cloneBody.json.detail).toContain("'name'");
    const patch = await raw("PATCH", `/flows/${main._id}`, { title: "x" });
    expect(patch.status).toBe(400);
    expect(patch.json.detail).toContain("'title'");
    expect((await raw("DELETE", "/flows/0123456789abcdef01234567")).status).toBe(404);
  });
});
