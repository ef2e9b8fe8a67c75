// Client behaviour over HTTP: pagination, name resolution, batch chunking and batch idempotence after dropped connections.
import { ConfigError } from "../../src/errors.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchBodyBytes, chunkOperations, MAX_BODY_BYTES, type BatchOp, type IntentInput } from "../../src/cognigy/index.js";
import { drop, failure, json, jsonBody, KEY, makeClient, messages, problem, type Seen, startServer, type TestServer } from "./helpers.js";

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.close();
  for (const m of messages) expect(m).not.toContain(KEY);
});

const oid = (n: number) => n.toString(16).padStart(24, "0");

describe("pagination", () => {
  it("follows nextCursor across 3 pages with limit=100 and stops at a short page", async () => {
    const all = Array.from({ length: 237 }, (_, i) => ({ _id: oid(i + 1), name: `intent ${i}` }));
    srv.handle((q, res) => {
      const start = q.query.get("next") ? Number(q.query.get("next")!.slice(1)) : 0;
      const limit = Number(q.query.get("limit"));
      const items = all.slice(start, start + limit);
      json(res, 200, { items, total: all.length, nextCursor: `c${start + limit}`, previousCursor: null });
    });
    const { client } = makeClient(srv.url);
    const got = await client.listIntents("f1", { localeId: "l1" });
    expect(got).toEqual(all);
    expect(srv.seen).toHaveLength(3);
    expect(srv.seen.map((s) => s.query.get("next"))).toEqual([null, "c100", "c200"]);
    for (const s of srv.seen) {
      expect(s.query.get("limit")).toBe("100");
      expect(s.query.get("preferredLocaleId")).toBe("l1");
      expect(s.query.has("skip")).toBe(false);
    }
    expect(client.stats().byRoute["GET /flows/:flowId/intents"].count).toBe(3);
  });

  it("stops when nextCursor is null even after a full page", async () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ _id: oid(i), name: `n${i}` }));
    srv.handle((_q, res) => json(res, 200, { items, total: 100, nextCursor: null, previousCursor: null }));
    const { client } = makeClient(srv.url);
    expect(await client.listEndpoints("p")).toHaveLength(100);
    expect(srv.seen).toHaveLength(1);
  });
});

describe("name resolution", () => {
  const flows = [
    { _id: oid(1), referenceId: "r1", name: "Main", isTrainingOutOfDate: false },
    { _id: oid(2), referenceId: "r2", name: "Twin", isTrainingOutOfDate: false },
    { _id: oid(3), referenceId: "r3", name: "Twin", isTrainingOutOfDate: false },
  ];
  beforeAll(() => srv.handle((_q, res) => json(res, 200, { items: flows, nextCursor: null })));

  it("by exact name and by _id", async () => {
    const { client } = makeClient(srv.url);
    expect((await client.resolveFlow("p", "Main"))._id).toBe(oid(1));
    expect((await client.resolveFlow("p", oid(3))).name).toBe("Twin");
  });

  it("none: a ConfigError listing what exists (with a did-you-mean for case)", async () => {
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.resolveFlow("p", "main"));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain("flow 'main' not found in project p");
    expect(e.message).toContain("'Main', 'Twin', 'Twin'");
    expect(e.hint).toContain("did you mean 'Main'");
  });

  it("several: a ConfigError naming the ids", async () => {
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.resolveFlow("p", "Twin"));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain("ambiguous");
    expect(e.message).toContain(oid(2));
    expect(e.message).toContain(oid(3));
  });

  it("project by _id: GET by id; a 404 falls back to the list and fails clearly", async () => {
    srv.handle((q, res) => {
      if (q.path.endsWith(`/projects/${oid(7)}`)) return json(res, 200, { _id: oid(7), name: "Pizza" });
      if (q.path.startsWith("/new/v2.0/projects/")) return problem(res, 404, "project not found");
      json(res, 200, { items: [{ _id: oid(7), name: "Pizza" }], nextCursor: null });
    });
    const { client } = makeClient(srv.url);
    expect((await client.resolveProject(oid(7))).name).toBe("Pizza");
    const e = await failure(() => client.resolveProject(oid(9)));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain(`project '${oid(9)}' not found among the projects this API key can see`);
    expect(e.message).toContain("'Pizza'");
  });

  it("locales by name", async () => {
    srv.handle((_q, res) => json(res, 200, { items: [{ _id: oid(4), referenceId: "lr", name: "en-US", primary: true, nluLanguage: "en-US" }], nextCursor: null }));
    const { client } = makeClient(srv.url);
    expect((await client.resolveLocale("p", "en-US"))._id).toBe(oid(4));
    await expect(client.resolveLocale("p", "de-DE")).rejects.toThrow(/locale 'de-DE' not found.*'en-US'/);
  });
});

/** A fake intent collection that applies batch PATCHes and can drop the connection after applying one. */
function intentStore() {
  const intents: { _id: string; name: string }[] = [];
  let next = 1;
  const state = { dropAfterApply: 0, dropBeforeApply: 0, fiveHundredAfterApply: 0, creates: 0, patches: [] as Seen[] };
  const handler = (q: Seen, res: import("node:http").ServerResponse) => {
    if (q.method === "GET") return json(res, 200, { items: intents, nextCursor: null });
    if (q.method !== "PATCH") return problem(res, 405, "no");
    state.patches.push(q);
    if (state.dropBeforeApply > 0) {
      state.dropBeforeApply--;
      return drop(res);
    }
    const { operations } = jsonBody(q) as { operations: BatchOp<IntentInput>[] };
    if (operations.length > 100) return problem(res, 400, "Only 100 operations per batch call allowed");
    if (q.body.length > 61_440) return problem(res, 413, "too large");
    const out = { created: [] as string[], updated: [] as string[], deleted: [] as string[] };
    for (const op of operations) {
      if (op.op === "create") {
        state.creates++;
        const _id = oid(next++);
        intents.push({ _id, name: op.value.name! });
        out.created.push(_id);
      } else if (op.op === "delete") {
        const i = intents.findIndex((x) => x._id === op.id);
        if (i < 0) return problem(res, 404, `intent ${op.id} not found`);
        intents.splice(i, 1);
        out.deleted.push(op.id);
      } else out.updated.push(op.id);
    }
    if (state.dropAfterApply > 0) {
      state.dropAfterApply--;
      return drop(res);
    }
    if (state.fiveHundredAfterApply > 0) {
      state.fiveHundredAfterApply--;
      return problem(res, 502, "bad gateway");
    }
    json(res, 200, out);
  };
  return { intents, state, handler };
}

describe("batch PATCH", () => {
  it("splits 250 operations into calls of 100, 100, 50 and merges the results", async () => {
    const s = intentStore();
    srv.handle(s.handler);
    const { client } = makeClient(srv.url);
    const ops: BatchOp<IntentInput>[] = Array.from({ length: 250 }, (_, i) => ({ op: "create", value: { name: `I${i}` } }));
    const r = await client.batchIntents("f1", ops);
    expect(s.state.patches.map((p) => (jsonBody(p) as { operations: unknown[] }).operations.length)).toEqual([100, 100, 50]);
    expect(r.created).toHaveLength(250);
    expect(new Set(r.created).size).toBe(250);
    expect(s.intents.map((i) => i.name)).toEqual(ops.map((o) => (o.op === "create" ? o.value.name : "")));
  });

  it("splits by serialized size: every body ≤ 60 kB, order kept, each op sent once", async () => {
    const s = intentStore();
    srv.handle(s.handler);
    const { client } = makeClient(srv.url);
    const long = "x".repeat(1500);
    const ops: BatchOp<IntentInput>[] = Array.from({ length: 90 }, (_, i) => ({ op: "create", value: { name: `I${i}`, description: long } }));
    const expectedCalls = Math.ceil((batchBodyBytes(ops) - 17) / (MAX_BODY_BYTES - 17));
    await client.batchIntents("f1", ops);
    const sizes = s.state.patches.map((p) => p.body.length);
    expect(s.state.patches.length).toBeGreaterThanOrEqual(3);
    expect(s.state.patches.length).toBeLessThanOrEqual(expectedCalls + 1);
    for (const n of sizes) expect(n).toBeLessThanOrEqual(60_000);
    expect(sizes.slice(0, -1).every((n) => n > 60_000 - 1600)).toBe(true); // chunks are filled, not fragmented
    expect(s.intents.map((i) => i.name)).toEqual(ops.map((_, i) => `I${i}`));
  });

  it("multi-byte text is measured in bytes", () => {
    const ops = Array.from({ length: 40 }, (_, i) => ({ op: "create" as const, value: { text: `${i}${"ü".repeat(1000)}` } }));
    const chunks = chunkOperations(ops);
    expect(chunks.length).toBe(2);
    for (const c of chunks) expect(batchBodyBytes(c)).toBeLessThanOrEqual(60_000);
  });

  it("rejects a single operation over the limit without calling the API", async () => {
    srv.handle((_q, res) => json(res, 200, {}));
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.batchIntents("f1", [{ op: "create", value: { name: "big", description: "y".repeat(70_000) } }]));
    expect(e.message).toContain("over the 60000-byte request limit");
    expect(srv.seen).toHaveLength(0);
  });

  it("a connection dropped after the server applied the batch: re-reads, sends nothing again, no duplicates", async () => {
    const s = intentStore();
    s.state.dropAfterApply = 1;
    srv.handle(s.handler);
    const { client, logger } = makeClient(srv.url);
    const r = await client.batchIntents("f1", [
      { op: "create", value: { name: "A" } },
      { op: "create", value: { name: "B" } },
    ]);
    expect(s.state.creates).toBe(2);
    expect(s.intents.map((i) => i.name)).toEqual(["A", "B"]);
    expect(r.created).toEqual(s.intents.map((i) => i._id));
    expect(s.state.patches).toHaveLength(1);
    expect(logger.text()).toContain("2 of 2 operations were already applied");
  });

  it("a connection dropped after part of the work was applied: only the missing operations are sent, deletes of gone ids count", async () => {
    const s = intentStore();
    s.intents.push({ _id: oid(900), name: "Old" }, { _id: oid(901), name: "Older" });
    srv.handle(s.handler);
    const { client } = makeClient(srv.url);
    // first call: applied, then 502; simulate "part applied" by pre-applying C and the delete of Old by hand
    s.state.dropBeforeApply = 1;
    s.intents.push({ _id: oid(950), name: "C" });
    s.intents.splice(0, 1);
    const r = await client.batchIntents("f1", [
      { op: "create", value: { name: "C" } },
      { op: "create", value: { name: "D" } },
      { op: "delete", id: oid(900) },
      { op: "delete", id: oid(901) },
    ]);
    expect(s.state.patches).toHaveLength(2);
    expect((jsonBody(s.state.patches[1]) as { operations: unknown[] }).operations).toEqual([
      { op: "create", value: { name: "D" } },
      { op: "delete", id: oid(901) },
    ]);
    expect(s.intents.map((i) => i.name).sort()).toEqual(["C", "D"]);
    expect(r.created).toHaveLength(2);
    expect(r.created).toContain(oid(950));
    expect(r.deleted.sort()).toEqual([oid(900), oid(901)]);
  });

  it("a 502 after the server applied everything is not re-sent either", async () => {
    const s = intentStore();
    s.state.fiveHundredAfterApply = 1;
    srv.handle(s.handler);
    const { client } = makeClient(srv.url);
    await client.batchIntents("f1", [{ op: "create", value: { name: "Z" } }]);
    expect(s.state.creates).toBe(1);
    expect(s.state.patches).toHaveLength(1);
  });

  it("a connection dropped before anything was applied: the whole chunk is sent again", async () => {
    const s = intentStore();
    s.state.dropBeforeApply = 1;
    srv.handle(s.handler);
    const { client } = makeClient(srv.url);
    const r = await client.batchIntents("f1", [{ op: "create", value: { name: "A" } }]);
    expect(s.state.patches).toHaveLength(2);
    expect(s.intents.map((i) => i.name)).toEqual(["A"]);
    expect(r.created).toEqual([s.intents[0]._id]);
  });

  it("sentences: creates compared by text within their locale", async () => {
    const sentences: { _id: string; text: string; localeReference: string }[] = [];
    let dropped = false;
    let n = 0;
    srv.handle((q, res) => {
      // this server ignores preferredLocaleId: the client must tell locales apart itself
      if (q.method === "GET") return json(res, 200, { items: sentences, nextCursor: null });
      if (!dropped) {
        dropped = true;
        return drop(res); // dropped before anything was applied
      }
      const { operations } = jsonBody(q) as { operations: { op: string; value: { text: string; localeReference: string } }[] };
      for (const op of operations) sentences.push({ _id: oid(++n), text: op.value.text, localeReference: op.value.localeReference });
      json(res, 200, { created: sentences.slice(-operations.length).map((s) => s._id), updated: [], deleted: [] });
    });
    // "hello" already exists in de: it must not stand for the en create
    sentences.push({ _id: oid(500), text: "hello", localeReference: "de" });
    const { client } = makeClient(srv.url);
    const r = await client.batchSentences("f1", "i1", [
      { op: "create", value: { text: "hello", localeId: "en" } },
      { op: "create", value: { text: "hi", localeId: "en" } },
    ]);
    const patches = srv.seen.filter((s) => s.method === "PATCH");
    expect(patches).toHaveLength(2);
    expect(srv.seen.find((s) => s.method === "GET")?.query.get("preferredLocaleId")).toBe("en");
    expect(sentences.filter((s) => s.localeReference === "en").map((s) => s.text)).toEqual(["hello", "hi"]);
    expect(r.created).toHaveLength(2);
  });

  it("sentences: a delete in a locale the lists do not show is checked by id, not assumed done", async () => {
    const sentences = [
      { _id: oid(1), text: "hallo", localeReference: "de" },
      { _id: oid(2), text: "hello", localeReference: "en" },
    ];
    let dropped = false;
    srv.handle((q, res) => {
      const one = /\/sentences\/(\w+)$/.exec(q.path);
      if (q.method === "GET" && one) {
        const hit = sentences.find((s) => s._id === one[1]);
        return hit ? json(res, 200, hit) : problem(res, 404, "Sentence not found");
      }
      // lists show one locale only: the primary ("en") unless preferredLocaleId says otherwise
      if (q.method === "GET") return json(res, 200, { items: sentences.filter((s) => s.localeReference === (q.query.get("preferredLocaleId") ?? "en")), nextCursor: null });
      if (!dropped) {
        dropped = true;
        return drop(res);
      }
      const { operations } = jsonBody(q) as { operations: { op: string; id: string }[] };
      for (const op of operations) sentences.splice(sentences.findIndex((s) => s._id === op.id), 1);
      json(res, 200, { created: [], updated: [], deleted: operations.map((o) => o.id) });
    });
    const { client } = makeClient(srv.url);
    const r = await client.batchSentences("f1", "i1", [{ op: "delete", id: oid(1) }]);
    expect(srv.seen.filter((s) => s.method === "PATCH")).toHaveLength(2);
    expect(sentences.map((s) => s.text)).toEqual(["hello"]);
    expect(r.deleted).toEqual([oid(1)]);
  });
});
