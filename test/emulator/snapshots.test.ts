// Snapshots (cap, package, 409, download, upload, restore), endpoints pinning, learning sentences, OData analytics.
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Api, importFile, importForm, type Json, KEY, loadAndTrain, start } from "./helpers.js";

let api: Api;
beforeEach(async () => {
  api = await start();
});
afterEach(() => api.emu.close());

async function snapshot(projectId: string, name: string) {
  const t = await api.ok("POST", "/snapshots", { projectId, name, description: `d ${name}` });
  expect(t).toMatchObject({ status: "queued", type: "createSnapshot" });
  expect((await api.waitTask(t._id)).status).toBe("done");
  const list = await api.ok("GET", `/snapshots?projectId=${projectId}&limit=100`);
  return list.items.find((s: { name: string }) => s.name === name);
}

async function packageAndLink(id: string): Promise<string> {
  const p = await api.ok("POST", `/snapshots/${id}/package`);
  expect((await api.waitTask(p._id)).status).toBe("done");
  return (await api.ok("POST", `/snapshots/${id}/downloadlink`)).downloadLink;
}

describe("snapshots", () => {
  it("lists newest first and refuses an 11th snapshot; delete is a task", async () => {
    const { projectId } = await api.ids();
    for (let i = 0; i < 10; i++) await snapshot(projectId, `s${i}`);
    const list = await api.ok("GET", `/snapshots?projectId=${projectId}`);
    expect(list.total).toBe(10);
    expect(list.items[0].name).toBe("s9");
    expect(list.items[9].name).toBe("s0");
    expect(list.items[0]).toMatchObject({ description: "d s9", isPackaged: false, packageExpiresAt: null, hash: expect.any(String) });
    const full = await api.call("POST", "/snapshots", { projectId, name: "s10" });
    expect(full.status).toBe(400);
    expect(full.json.detail).toMatch(/maximum of 10 snapshots/);
    const del = await api.ok("DELETE", `/snapshots/${list.items[9]._id}`);
    expect(del.type).toBe("deleteSnapshot");
    await api.waitTask(del._id);
    expect((await api.call("GET", `/snapshots/${list.items[9]._id}`)).status).toBe(404);
    await snapshot(projectId, "s10");
  });

  it("downloadlink answers 409 until packaged, then a link that streams the package", async () => {
    const { projectId } = await api.ids();
    const s = await snapshot(projectId, "first");
    const early = await api.call("POST", `/snapshots/${s._id}/downloadlink`);
    expect(early.status).toBe(409);
    expect(early.json.code).toBe(1004);
    const link = await packageAndLink(s._id);
    const got = await api.ok("GET", `/snapshots/${s._id}`);
    expect(got.isPackaged).toBe(true);
    expect(got.packageExpiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(link.startsWith(`${api.emu.url}/`)).toBe(true);
    const r = await fetch(link);
    expect(r.status).toBe(200);
    const buf = Buffer.from(await r.arrayBuffer());
    expect(Number(r.headers.get("content-length"))).toBe(buf.length);
    expect(buf.subarray(0, 6).toString()).toBe("CSNAP1");
    const again = Buffer.from(await (await fetch(link)).arrayBuffer());
    expect(createHash("sha256").update(again).digest("hex")).toBe(createHash("sha256").update(buf).digest("hex"));
  });

  it("pads packages to packagePadBytes, streamed", async () => {
    await api.emu.close();
    api = await start({ packagePadBytes: 3 * 1024 * 1024 + 7 });
    const { projectId } = await api.ids();
    const s = await snapshot(projectId, "big");
    const r = await fetch(await packageAndLink(s._id));
    let n = 0;
    for await (const c of r.body as unknown as AsyncIterable<Uint8Array>) n += c.length;
    expect(n).toBe(3 * 1024 * 1024 + 7);
  });

  it("restore replaces flows, intents, sentences, settings and models exactly", async () => {
    const ids = await loadAndTrain(api);
    await api.ok("PATCH", `/flows/${ids.flowId}/settings`, { intentThreshold: { lower: 0.2, upper: 0.8 } });
    const before = api.emu.dumpState();
    const s = await snapshot(ids.projectId, "before-change");
    const scoreBefore = await api.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "cancel it" });
    // Change everything.
    const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(importFile({ OrderPizza: ["x"], Extra: ["y z"] }), ids.localeId, "overwrite"));
    await api.waitTask(t._id);
    const tr = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    await api.waitTask(tr._id);
    await api.ok("PATCH", `/flows/${ids.flowId}/settings`, { intentThreshold: { lower: 0.5, upper: 0.5 } });
    expect(api.emu.dumpState()).not.toEqual({ ...before, projects: before.projects.map((p) => ({ ...p, snapshots: ["before-change"] })) });
    const r = await api.ok("POST", `/snapshots/${s._id}/restore`, { projectId: ids.projectId });
    expect(r.type).toBe("restoreSnapshot");
    expect((await api.waitTask(r._id)).status).toBe("done");
    const after = api.emu.dumpState();
    expect(after).toEqual({ ...before, projects: before.projects.map((p) => ({ ...p, snapshots: ["before-change"] })) });
    const scoreAfter = await api.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "cancel it" });
    expect(scoreAfter).toEqual(scoreBefore);
  });

  it("upload of a downloaded package creates the snapshot in another emulator, restorable there", async () => {
    const ids = await loadAndTrain(api);
    const s = await snapshot(ids.projectId, "portable");
    const pkg = Buffer.from(await (await fetch(await packageAndLink(s._id))).arrayBuffer());
    const other = await start();
    try {
      const o = await other.ids();
      const fd = new FormData();
      fd.set("projectId", o.projectId);
      fd.set("file", new Blob([pkg]), "portable.csnap");
      const up = await other.ok("POST", "/snapshots/upload", fd);
      expect(up.type).toBe("uploadSnapshot");
      expect((await other.waitTask(up._id)).status).toBe("done");
      const snaps = await other.ok("GET", `/snapshots?projectId=${o.projectId}`);
      expect(snaps.items.map((x: { name: string }) => x.name)).toEqual(["portable"]);
      const r = await other.ok("POST", `/snapshots/${snaps.items[0]._id}/restore`, { projectId: o.projectId });
      expect((await other.waitTask(r._id)).status).toBe("done");
      const flows = (a: Api) => a.emu.dumpState().projects[0].flows;
      expect(flows(other)).toEqual(flows(api));
      const bad = new FormData();
      bad.set("projectId", o.projectId);
      bad.set("file", new Blob(["not a package"]), "x.csnap");
      const t = await other.ok("POST", "/snapshots/upload", bad);
      const done = await other.waitTask(t._id);
      expect(done.status).toBe("error");
      expect(done.failReason).toMatch(/^Snapshot upload failed: /);
    } finally {
      await other.emu.close();
    }
  });
});

describe("endpoints", () => {
  it("one endpoint per seeded flow; entrypoint pinning to a snapshot and back", async () => {
    const ids = await api.ids();
    const list = await api.ok("GET", `/endpoints?projectId=${ids.projectId}`);
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ name: "Main Endpoint", channel: "rest", flowId: ids.flowRef, localeId: ids.localeRef });
    const e = await api.ok("GET", `/endpoints/${list.items[0]._id}`);
    expect(e.entrypoint).toBe(ids.projectId);
    const s = await snapshot(ids.projectId, "pin");
    expect(await api.ok("PATCH", `/endpoints/${e._id}`, { entrypoint: s._id })).toEqual({});
    expect((await api.ok("GET", `/endpoints/${e._id}`)).entrypoint).toBe(s._id);
    expect((await api.call("PATCH", `/endpoints/${e._id}`, { entrypoint: "0123456789abcdef01234567" })).status).toBe(400);
    await api.ok("PATCH", `/endpoints/${e._id}`, { entrypoint: ids.projectId });
    expect(api.emu.dumpState().projects[0].endpoints[0].entrypoint).toBe("project");
  });
});

describe("learning sentences and analytics", () => {
  it("lists seeded learning sentences per intent, paginated", async () => {
    const ids = await loadAndTrain(api);
    const ls = api.emu.seedLearningSentences("Main", [
      { sentence: "pizza now", intent: "OrderPizza", createdAt: "2024-05-01T10:00:00Z" },
      { sentence: "stop it", intent: "CancelOrder" },
      { sentence: "large pizza", intent: "OrderPizza", confirmedCount: 2 },
    ]);
    expect(ls).toHaveLength(3);
    const pizza = (await api.ok("GET", `/flows/${ids.flowId}/intents?filter=OrderPizza`)).items[0];
    // by default intentId is not a filter (the official client never sends it); list items are typed without intent or date
    const page = await api.ok("GET", `/flows/${ids.flowId}/intents/learningsentences?intentId=${pizza._id}&flowReferenceId=${ids.flowRef}&limit=1`);
    expect(page.total).toBe(3);
    expect(page.items[0]).toEqual({ _id: ls[0], sentence: "pizza now", confirmedCount: 0, rejectedCount: 0 });
    expect(page.nextCursor).not.toBeNull();
    const dated = await api.ok("GET", `/flows/${ids.flowId}/intents/learningsentences/${ls[0]}`);
    expect(dated.createdAt).toBe(1714557600);
    const one = await api.ok("GET", `/flows/${ids.flowId}/intents/learningsentences/${ls[2]}`);
    expect(one).toMatchObject({ sentence: "large pizza", confirmedCount: 2, lastChangedBy: expect.any(String) });
    // a server that filters by intent (the switch)
    api.emu.core.opts.learningSentencesByIntent = true;
    expect((await api.ok("GET", `/flows/${ids.flowId}/intents/learningsentences?intentId=${pizza._id}&flowReferenceId=${ids.flowRef}`)).total).toBe(2);
    api.emu.core.opts.learningSentencesByIntent = false;
    expect((await api.call("DELETE", `/flows/${ids.flowId}/intents/learningsentences/${ls[2]}`)).status).toBe(204);
    expect((await api.ok("GET", `/flows/${ids.flowId}/intents/learningsentences`)).total).toBe(2);
  });

  it("serves OData Analytics with $filter on timestamp, $top, $skip, $orderby", async () => {
    api.emu.seedAnalytics([
      { inputText: "old", intent: "OrderPizza", intentScore: 0.9, timestamp: "2024-01-01T00:00:00Z", flowName: "Main" },
      { inputText: "new 1", intent: "CancelOrder", intentScore: 0.8, timestamp: "2024-03-01T00:00:00Z" },
      { inputText: "new 2", intent: null, intentScore: null, timestamp: "2024-03-02T00:00:00Z" },
    ]);
    const q = (s: string) => fetch(`${api.emu.url}/odata/v2.0/Analytics?${s}&apikey=${KEY}`).then(async (r) => ({ status: r.status, json: (await r.json()) as Json }));
    const r = await q(`$filter=${encodeURIComponent("timestamp gt '2024-02-01T00:00:00Z'")}`);
    expect(r.status).toBe(200);
    expect(r.json.value.map((x: { inputText: string }) => x.inputText)).toEqual(["new 1", "new 2"]);
    expect(r.json.value[0]).toMatchObject({ intent: "CancelOrder", intentScore: 0.8, localeName: "en-US", flowName: "Main", timestamp: "2024-03-01T00:00:00.000Z" });
    const top = await q("$orderby=timestamp%20desc&$top=1&$skip=1");
    expect(top.json.value.map((x: { inputText: string }) => x.inputText)).toEqual(["new 1"]);
    expect((await fetch(`${api.emu.url}/odata/v2.0/Analytics`)).status).toBe(401);
    expect((await q("$filter=garbage")).status).toBe(400);
  });
});
