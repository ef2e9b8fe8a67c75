// The emulator's REST contract: auth, prefixes, RFC-7807 errors, limits, pagination, intents, sentences, batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, KEY, start } from "./helpers.js";

let api: Api;
let ids: Awaited<ReturnType<Api["ids"]>>;

beforeAll(async () => {
  api = await start();
  ids = await api.ids();
});
afterAll(() => api.emu.close());

const problemShape = (j: Record<string, unknown>, status: number, code: number) => {
  expect(j).toMatchObject({ type: "about:blank", status, code, details: {} });
  expect(typeof j.title).toBe("string");
  expect(typeof j.detail).toBe("string");
  expect(typeof j.instance).toBe("string");
  expect(j.traceId).toMatch(/^api--[0-9a-f-]{36}$/);
};

describe("auth and prefixes", () => {
  it("answers 401 RFC-7807 without a key and with a wrong key", async () => {
    const none = await api.call("GET", "/projects", undefined, { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toMatch(/json/);
    problemShape(none.json, 401, 401);
    expect(none.json.instance).toBe("/new/v2.0/projects");
    const wrong = await api.call("GET", "/projects", undefined, { key: "nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(KEY);
  });

  it("serves /new/v2.0 and /v2.0, with the header or the api_key query", async () => {
    const a = await api.call("GET", "/projects");
    const b = await api.call("GET", `/projects?api_key=${KEY}`, undefined, { key: null, prefix: "/v2.0" });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.json).toEqual(a.json);
  });

  it("never records the key in the request log", async () => {
    await api.call("GET", `/projects?api_key=${KEY}&limit=5`, undefined, { key: null });
    const e = api.emu.requestLog.at(-1)!;
    expect(e.path).toBe("/new/v2.0/projects?limit=5");
    expect(e.hasApiKey).toBe(true);
    expect(JSON.stringify(api.emu.requestLog)).not.toContain(KEY);
  });
});

describe("errors and limits", () => {
  it("404 (1002) for unknown routes and ids, 405 (1013) for wrong methods, 400 for malformed ObjectIds", async () => {
    const unknown = await api.call("GET", "/nothing-here");
    problemShape(unknown.json, 404, 1002);
    const missing = await api.call("GET", "/flows/0123456789abcdef01234567");
    problemShape(missing.json, 404, 1002);
    const method = await api.call("PUT", "/projects");
    problemShape(method.json, 405, 1013);
    expect(method.headers.get("allow")).toBe("GET");
    const bad = await api.call("GET", "/flows/not-an-id");
    problemShape(bad.json, 400, 1005);
  });

  it("400 (1000) when a required argument is missing", async () => {
    const r = await api.call("GET", "/flows");
    problemShape(r.json, 400, 1000);
    const p = await api.call("PATCH", `/flows/${ids.flowId}/intents/${ids.flowId}`, { name: "x" });
    expect(p.status).toBe(404);
  });

  it("413 for JSON bodies over 60 kB", async () => {
    const big = { operations: [{ op: "create", value: { name: "x", description: "y".repeat(61 * 1024) } }] };
    const r = await api.call("PATCH", `/flows/${ids.flowId}/intents`, big);
    problemShape(r.json, 413, 413);
    const ops = Array.from({ length: 100 }, (_, n) => ({ op: "create", value: { name: `fits${n}`, description: "y".repeat(500) } }));
    const fine = await api.call("PATCH", `/flows/${ids.flowId}/intents`, { operations: ops });
    expect(JSON.stringify({ operations: ops }).length).toBeGreaterThan(50 * 1024);
    expect(fine.status).toBe(200);
    await api.ok("PATCH", `/flows/${ids.flowId}/intents`, { operations: fine.json.created.map((id: string) => ({ op: "delete", id })) });
  });

  it("a GET with a body gets a non-JSON CloudFront 403", async () => {
    const http = await import("node:http");
    const url = new URL(`${api.B}/projects`);
    const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "GET", headers: { "x-api-key": KEY, "content-type": "application/json", "content-length": "2" } }, (r) => {
        let body = "";
        r.on("data", (c) => (body += c));
        r.on("end", () => resolve({ status: r.statusCode!, type: String(r.headers["content-type"]), body }));
      });
      req.on("error", reject);
      req.end("{}");
    });
    expect(res.status).toBe(403);
    expect(res.type).toMatch(/html/);
    expect(() => JSON.parse(res.body)).toThrow();
  });

  it("400 for invalid JSON bodies", async () => {
    const r = await api.call("POST", `/flows/${ids.flowId}/intents`, "{not json");
    problemShape(r.json, 400, 1005);
  });
});

describe("projects, flows, locales", () => {
  it("lists the seeded entities with the documented shapes", async () => {
    const p = await api.ok("GET", "/projects");
    expect(p).toMatchObject({ total: 1, nextCursor: null, previousCursor: null });
    expect(p.items[0]).toMatchObject({ name: "Pizza Bot", _id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const f = await api.ok("GET", `/flows/${ids.flowId}`);
    expect(f).toMatchObject({ name: "Main", isTrainingOutOfDate: false, attachedFlows: [], localeReference: ids.localeId });
    expect(f.referenceId).toMatch(/^[0-9a-f-]{36}$/);
    const l = await api.ok("GET", `/locales/${ids.localeId}`);
    expect(l).toMatchObject({ name: "en-US", primary: true, nluLanguage: "en-US" });
  });

  it("reads and patches flow settings (intentThreshold)", async () => {
    const s = await api.ok("GET", `/flows/${ids.flowId}/settings`);
    expect(s.intentThreshold).toEqual({ lower: expect.any(Number), upper: expect.any(Number) });
    expect(await api.ok("PATCH", `/flows/${ids.flowId}/settings`, { intentThreshold: { lower: 0.3, upper: 0.7 } })).toEqual({});
    expect((await api.ok("GET", `/flows/${ids.flowId}/settings`)).intentThreshold).toEqual({ lower: 0.3, upper: 0.7 });
    const bad = await api.call("PATCH", `/flows/${ids.flowId}/settings`, { intentThreshold: { lower: 0.9, upper: 0.1 } });
    expect(bad.status).toBe(400);
  });
});

describe("intents and sentences", () => {
  it("creates, reads, patches (localeId required) and deletes an intent", async () => {
    const created = await api.call("POST", `/flows/${ids.flowId}/intents`, { name: "Greet", tags: ["smalltalk"] });
    expect(created.status).toBe(201);
    const i = created.json;
    expect(i).toMatchObject({ name: "Greet", tags: ["smalltalk"], isRejectIntent: false, isDisabled: false, rules: [], parentIntentId: null });
    const dup = await api.call("POST", `/flows/${ids.flowId}/intents`, { name: "Greet" });
    expect(dup.status).toBe(409);
    expect(dup.json.code).toBe(1004);
    const noLocale = await api.call("PATCH", `/flows/${ids.flowId}/intents/${i._id}`, { description: "d" });
    expect(noLocale.status).toBe(400);
    expect(noLocale.json.code).toBe(1000);
    expect(await api.ok("PATCH", `/flows/${ids.flowId}/intents/${i._id}`, { description: "hello", localeId: ids.localeId })).toEqual({});
    expect((await api.ok("GET", `/flows/${ids.flowId}/intents/${i._id}`)).description).toBe("hello");
    expect(await api.ok("DELETE", `/flows/${ids.flowId}/intents/${i._id}`)).toEqual({});
    expect((await api.call("GET", `/flows/${ids.flowId}/intents/${i._id}`)).status).toBe(404);
  });

  it("batch PATCH: ≤ 100 operations, all or nothing, created/updated/deleted ids", async () => {
    const ops = Array.from({ length: 101 }, (_, n) => ({ op: "create", value: { name: `x${n}` } }));
    const over = await api.call("PATCH", `/flows/${ids.flowId}/intents`, { operations: ops });
    expect(over.status).toBe(400);
    expect(over.json.detail).toBe("Only 100 operations per batch call allowed");
    const r = await api.ok("PATCH", `/flows/${ids.flowId}/intents`, { operations: ops.slice(0, 100) });
    expect(r.created).toHaveLength(100);
    // One bad operation: nothing is applied.
    const bad = await api.call("PATCH", `/flows/${ids.flowId}/intents`, {
      operations: [
        { op: "update", id: r.created[0], value: { name: "renamed" } },
        { op: "delete", id: "0123456789abcdef01234567" },
      ],
    });
    expect(bad.status).toBe(404);
    expect((await api.ok("GET", `/flows/${ids.flowId}/intents/${r.created[0]}`)).name).toBe("x0");
    const mixed = await api.ok("PATCH", `/flows/${ids.flowId}/intents`, {
      operations: [
        { op: "update", id: r.created[0], value: { name: "renamed", isDisabled: true } },
        ...r.created.slice(1).map((id: string) => ({ op: "delete", id })),
      ],
    });
    expect(mixed.updated).toEqual([r.created[0]]);
    expect(mixed.deleted).toHaveLength(99);
    await api.ok("PATCH", `/flows/${ids.flowId}/intents`, { operations: [{ op: "delete", id: r.created[0] }] });
    expect((await api.ok("GET", `/flows/${ids.flowId}/intents`)).total).toBe(0);
  });

  it("sentences: create, list per locale, patch, delete, batch", async () => {
    const i = await api.ok("POST", `/flows/${ids.flowId}/intents`, { name: "Thanks" });
    const base = `/flows/${ids.flowId}/intents/${i._id}/sentences`;
    const s = await api.call("POST", base, { text: "thank you", localeId: ids.localeId });
    expect(s.status).toBe(201);
    expect(s.json).toMatchObject({ text: "thank you", localeReference: ids.localeId, slots: [] });
    expect((await api.call("POST", base, { text: "thanks" })).status).toBe(400);
    const b = await api.ok("PATCH", base, {
      operations: [
        { op: "create", value: { text: "thanks a lot", slots: [], localeReference: ids.localeId } },
        { op: "update", id: s.json._id, value: { text: "thank you so much" } },
      ],
    });
    // the typed form only (IBatchSentencesRestOperationSet): the single POST's localeId is refused, naming the field
    const wrong = await api.call("PATCH", base, { operations: [{ op: "create", value: { text: "cheers", localeId: ids.localeId } }] });
    expect(wrong.status).toBe(400);
    expect(wrong.json.detail).toContain("'operations[0].value.localeId'");
    const noSlots = await api.call("PATCH", base, { operations: [{ op: "create", value: { text: "cheers", localeReference: ids.localeId } }] });
    expect(noSlots.status).toBe(400);
    expect(noSlots.json.detail).toContain("'operations[0].value.slots'");
    expect(b.created).toHaveLength(1);
    expect(b.updated).toEqual([s.json._id]);
    const list = await api.ok("GET", `${base}?preferredLocaleId=${ids.localeId}`);
    expect(list.items.map((x: { text: string }) => x.text)).toEqual(["thank you so much", "thanks a lot"]);
    expect((await api.call("DELETE", `${base}/${b.created[0]}`)).status).toBe(200);
    expect((await api.ok("GET", base)).total).toBe(1);
    await api.ok("DELETE", `/flows/${ids.flowId}/intents/${i._id}`);
  });
});

describe("pagination", () => {
  it("caps limit at 100 (default 25), follows nextCursor, supports skip and sort", async () => {
    const ops = Array.from({ length: 100 }, (_, n) => ({ op: "create", value: { name: `p${String(n).padStart(3, "0")}` } }));
    await api.ok("PATCH", `/flows/${ids.flowId}/intents`, { operations: ops });
    await api.ok("PATCH", `/flows/${ids.flowId}/intents`, { operations: ops.slice(0, 30).map((o, n) => ({ ...o, value: { name: `q${n}` } })) });
    const first = await api.ok("GET", `/flows/${ids.flowId}/intents`);
    expect(first.items).toHaveLength(25);
    expect(first.total).toBe(130);
    const capped = await api.ok("GET", `/flows/${ids.flowId}/intents?limit=500`);
    expect(capped.items).toHaveLength(100);
    expect(capped.previousCursor).toBeNull();
    const seen: string[] = [];
    let url = `/flows/${ids.flowId}/intents?limit=40`;
    for (;;) {
      const page = await api.ok("GET", url);
      seen.push(...page.items.map((x: { name: string }) => x.name));
      if (!page.nextCursor) break;
      url = `/flows/${ids.flowId}/intents?limit=40&next=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);
    const skip = await api.ok("GET", `/flows/${ids.flowId}/intents?limit=10&skip=125`);
    expect(skip.items).toHaveLength(5);
    const sorted = await api.ok("GET", `/flows/${ids.flowId}/intents?limit=3&sort=name:desc`);
    expect(sorted.items.map((x: { name: string }) => x.name)).toEqual(["q9", "q8", "q7"]);
    const prev = await api.ok("GET", `/flows/${ids.flowId}/intents?limit=3&sort=name:desc&previous=${encodeURIComponent((await api.ok("GET", `/flows/${ids.flowId}/intents?limit=3&skip=3&sort=name:desc`)).previousCursor)}`);
    expect(prev.items.map((x: { name: string }) => x.name)).toEqual(["q9", "q8", "q7"]);
    expect((await api.call("GET", `/flows/${ids.flowId}/intents?limit=0`)).status).toBe(400);
    expect((await api.call("GET", `/flows/${ids.flowId}/intents?next=garbage`)).status).toBe(400);
    const all = await api.ok("GET", `/flows/${ids.flowId}/intents?limit=100`);
    const rest = await api.ok("GET", `/flows/${ids.flowId}/intents?limit=100&skip=100`);
    for (const chunk of [all.items, rest.items]) {
      await api.ok("PATCH", `/flows/${ids.flowId}/intents`, { operations: chunk.map((x: { _id: string }) => ({ op: "delete", id: x._id })) });
    }
  });
});
