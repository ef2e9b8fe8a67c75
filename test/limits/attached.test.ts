// The emulator's caps count a flow with its attached flows, per locale: a write into an attached flow is refused when a
// flow that attaches it would go over (Cognigy's answer: a 400 problem, code 1005), and one locale never uses up
// another's cap. Everything over HTTP, with the documented caps (10,000 sentences, 2,500 intents per flow).
import { describe, expect, it } from "vitest";
import { CognigyApiError, CognigyTaskError } from "../../src/cognigy/errors.js";
import { fill, KEY, setup } from "./helpers.js";

const ops = (n: number, p: string, localeId: string) => Array.from({ length: n }, (_, i) => ({ op: "create" as const, value: { text: `${p} ${i}`, localeId } }));

async function raw(url: string, method: string, path: string, body: unknown) {
  const res = await fetch(`${url}/new/v2.0${path}`, { method, headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("emulator: a write into an attached flow is checked against the flows that attach it", () => {
  it("3,000 sentences into Shared (attached to Main at 8,000) are refused whole, like a write into Main itself; 2,000 fit exactly", async () => {
    const c = await setup({}, undefined, ["en-US", "de-DE"]);
    expect(c.emu.core.limits).toMatchObject({ flowSentences: 10_000, flowIntents: 2_500 });
    const en = c.loc["en-US"]._id;
    const de = c.loc["de-DE"]._id;
    await fill(c, c.main._id, en, 40, 200, "main"); // Main: 8,000 in en-US
    expect((await raw(c.emu.url, "PATCH", `/flows/${c.main._id}`, { attachedFlows: [c.shared._id] })).status).toBe(200);

    // One import of 3,000 into Shared: the task fails with the cap named, Shared stays empty.
    const list = Array.from({ length: 15 }, (_, i) => ({ name: `S${i}`, exampleSentences: Array.from({ length: 200 }, (_, j) => `shared ${i} text ${j}`) }));
    const task = await c.client.importIntents(c.shared._id, { localeId: en, mode: "merge", intents: list });
    const failed = await c.client.waitForTask(task._id).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CognigyTaskError);
    expect((failed as Error).message).toMatch(/at most 10000 example sentences per locale; Flow 'Main', which attaches this Flow, has 8000 and 3000 would be added/);
    expect(await c.client.listIntents(c.shared._id)).toEqual([]);

    // Batches into Shared: 2,000 fit (Main + Shared = 10,000), the next one is refused with the same problem shape.
    const [s1, s2, s] = [await c.client.createIntent(c.shared._id, { name: "S1" }), await c.client.createIntent(c.shared._id, { name: "S2" }), await c.client.createIntent(c.shared._id, { name: "S3" })];
    for (let i = 0; i < 20; i++) await c.client.batchSentences(c.shared._id, (i < 10 ? s1 : s2)._id, ops(100, `batch ${i}`, en));
    const over = await raw(c.emu.url, "PATCH", `/flows/${c.shared._id}/intents/${s._id}/sentences`, { operations: [{ op: "create", value: { text: "one more", slots: [], localeReference: en } }] });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ status: 400, code: 1005, title: "Bad Request" });
    expect(over.body.detail).toBe("A Flow (including its attached Flows) can have at most 10000 example sentences per locale; Flow 'Main', which attaches this Flow, has 10000 and 1 would be added");
    const single = await raw(c.emu.url, "POST", `/flows/${c.shared._id}/intents/${s._id}/sentences`, { localeId: en, text: "single one" });
    expect([single.status, single.body.code]).toEqual([400, 1005]);
    // the same shape as a write into Main itself
    const [mi] = await c.client.listIntents(c.main._id);
    const own = await raw(c.emu.url, "POST", `/flows/${c.main._id}/intents/${mi._id}/sentences`, { localeId: en, text: "into main" });
    expect(own.body).toMatchObject({ status: 400, code: 1005, detail: "A Flow (including its attached Flows) can have at most 10000 example sentences per locale; it has 10000 and 1 would be added" });

    // Per locale: de-DE has its own cap — 3,000 into Shared in de-DE are accepted.
    const t2 = await c.client.importIntents(c.shared._id, { localeId: de, mode: "merge", intents: list });
    await c.client.waitForTask(t2._id);
    expect((await c.client.exportIntents(c.shared._id, de)).reduce((n, e) => n + e.exampleSentences.length, 0)).toBe(3000);
    // Detached, Shared counts alone again (2,000 in en-US) and can grow.
    expect((await raw(c.emu.url, "PATCH", `/flows/${c.main._id}`, { attachedFlows: [] })).status).toBe(200);
    await c.client.batchSentences(c.shared._id, s._id, ops(1, "now fits", en));
  });

  it("an intent created in an attached flow counts against the attaching flow's intent cap", async () => {
    const c = await setup({}, { flowIntents: 3 });
    c.emu.core.store.flows.get(c.main._id)!.attachedFlows = [c.shared.referenceId]; // attached by referenceId, as some tenants list them
    await c.client.createIntent(c.main._id, { name: "A" });
    await c.client.createIntent(c.shared._id, { name: "B" });
    await c.client.createIntent(c.shared._id, { name: "C" });
    const e = await c.client.createIntent(c.shared._id, { name: "D" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CognigyApiError);
    expect((e as CognigyApiError).status).toBe(400);
    expect((e as CognigyApiError).detail).toBe("A Flow (including its attached Flows) can have at most 3 Intents; Flow 'Main', which attaches this Flow, has 3 and 1 would be added");
    const batch = await c.client.batchIntents(c.shared._id, [{ op: "create", value: { name: "E" } }]).catch((x: unknown) => x);
    expect((batch as CognigyApiError).status).toBe(400);
    expect((await c.client.listIntents(c.shared._id)).map((i) => i.name).sort()).toEqual(["B", "C"]);
  });

  it("attaching a flow that would put the attaching flow over a cap is refused; attaching within the caps is not", async () => {
    const c = await setup({}, { flowSentences: 50 }, ["en-US", "de-DE"]);
    const en = c.loc["en-US"]._id;
    await fill(c, c.main._id, en, 3, 10, "main"); // 30
    await fill(c, c.shared._id, en, 3, 7, "shared"); // 21 → 51 together
    const refused = await raw(c.emu.url, "PATCH", `/flows/${c.main._id}`, { attachedFlows: [c.shared._id] });
    expect(refused).toMatchObject({ status: 400, body: { code: 1005, detail: "A Flow (including its attached Flows) can have at most 50 example sentences per locale; it has 30 and 21 would be added" } });
    expect((await c.client.getFlow(c.main._id)).attachedFlows).toEqual([]);
    // a new flow attaching both at creation is refused the same way
    const created = await raw(c.emu.url, "POST", "/flows", { projectId: c.project._id, name: "Both", attachedFlows: [c.main._id, c.shared._id] });
    expect([created.status, created.body.code]).toEqual([400, 1005]);
    expect((await c.client.listFlows(c.project._id)).map((f) => f.name).sort()).toEqual(["Main", "Shared"]);
    // 20 in Shared's de-DE do not touch en-US's count: once Shared is down to 14 in en-US (44 together), the attachment goes through
    await fill(c, c.shared._id, c.loc["de-DE"]._id, 2, 10, "de");
    const [s0] = await c.client.listIntents(c.shared._id);
    await c.client.deleteIntent(c.shared._id, s0._id);
    expect((await raw(c.emu.url, "PATCH", `/flows/${c.main._id}`, { attachedFlows: [c.shared._id] })).status).toBe(200);
  });

  it("the intent import is refused whole when one intent would hold more than the per-intent cap", async () => {
    const c = await setup({}, { intentSentences: 5 });
    const en = c.loc["en-US"]._id;
    const task = await c.client.importIntents(c.main._id, {
      localeId: en,
      mode: "merge",
      intents: [
        { name: "Ok", exampleSentences: ["a", "b"] },
        { name: "Big", exampleSentences: ["1", "2", "3"] },
        { name: "Big", exampleSentences: ["4", "5", "6", "3"] }, // merged into the first: 6 distinct
      ],
    });
    const e = await c.client.waitForTask(task._id).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/at most 5 example sentences per locale; 'Big' would have 6/);
    expect(await c.client.listIntents(c.main._id)).toEqual([]);
  });
});
