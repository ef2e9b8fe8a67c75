// Client transport against scripted local servers: retries, backoff, Retry-After, timeouts, typed errors, headers, stats.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognigyApiError, parseRetryAfter, scrubSecrets } from "../../src/cognigy/index.js";
import { UserError } from "../../src/errors.js";
import { drop, failure, json, KEY, makeClient, messages, problem, startServer, type TestServer } from "./helpers.js";

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.close();
  expect(messages.length).toBeGreaterThan(10);
  for (const m of messages) expect(m).not.toContain(KEY);
});

const page = (items: unknown[]) => ({ items, total: items.length, nextCursor: null, previousCursor: null });

describe("retries", () => {
  it("retries 503 with full-jitter exponential backoff, then succeeds", async () => {
    let n = 0;
    srv.handle((_q, res) => (++n <= 2 ? problem(res, 503, "busy") : json(res, 200, page([{ _id: "a", name: "P" }]))));
    const { client, clock } = makeClient(srv.url);
    const projects = await client.listProjects();
    expect(projects.map((p) => p.name)).toEqual(["P"]);
    expect(srv.seen).toHaveLength(3);
    expect(clock.sleeps).toEqual([500, 1000]); // random 0.5 × 1 s, × 2 s
    const st = client.stats();
    expect(st.retries).toBe(2);
    expect(st.waitedMs).toBe(1500);
    expect(st.total).toBe(3);
    expect(st.byRoute["GET /projects"]).toMatchObject({ count: 3, errors: 2 });
  });

  it("honours Retry-After in seconds", async () => {
    let n = 0;
    srv.handle((_q, res) => (++n === 1 ? problem(res, 429, "slow down", {}, { "Retry-After": "7" }) : json(res, 200, page([]))));
    const { client, clock } = makeClient(srv.url);
    await client.listProjects();
    expect(srv.seen).toHaveLength(2);
    expect(clock.sleeps).toEqual([7000]);
  });

  it("honours Retry-After as an HTTP-date", async () => {
    const { client, clock } = makeClient(srv.url);
    let n = 0;
    srv.handle((_q, res) => (++n === 1 ? problem(res, 429, "slow down", {}, { "Retry-After": new Date(clock.t + 12_000).toUTCString() }) : json(res, 200, page([]))));
    await client.listProjects();
    expect(srv.seen).toHaveLength(2);
    expect(clock.sleeps).toEqual([12_000]);
    expect(parseRetryAfter("garbage", 0)).toBeUndefined();
  });

  it("caps backoff and Retry-After at maxBackoffMs and gives up after maxRetries", async () => {
    srv.handle((_q, res) => problem(res, 500, "boom"));
    const { client, clock } = makeClient(srv.url, { maxRetries: 5, maxBackoffMs: 3000, random: () => 0.999 });
    const e = await failure(() => client.listProjects());
    expect(e).toBeInstanceOf(CognigyApiError);
    expect(e.status).toBe(500);
    expect(srv.seen).toHaveLength(6);
    expect(clock.sleeps).toEqual([999, 1998, 2997, 2997, 2997]);
    for (const s of clock.sleeps) expect(s).toBeLessThanOrEqual(3000);

    srv.handle((_q, res) => problem(res, 429, "later", {}, { "Retry-After": "3600" }));
    const b = makeClient(srv.url, { maxRetries: 2, maxBackoffMs: 3000 });
    await failure(() => b.client.listProjects());
    expect(b.clock.sleeps).toEqual([3000, 3000]);
  });

  it.each([400, 401, 403, 404, 409, 501])("does not retry %i", async (status) => {
    srv.handle((_q, res) => problem(res, status, `no ${status}`));
    const { client, clock } = makeClient(srv.url);
    const e = await failure(() => client.getFlow("f1"));
    expect(e).toBeInstanceOf(CognigyApiError);
    expect(e).toBeInstanceOf(UserError);
    expect(e.status).toBe(status);
    expect(srv.seen).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("retries a dropped connection on an idempotent GET", async () => {
    let n = 0;
    srv.handle((_q, res) => (++n === 1 ? drop(res) : json(res, 200, { _id: "f1", name: "Main" })));
    const { client } = makeClient(srv.url);
    expect((await client.getFlow("f1")).name).toBe("Main");
    expect(srv.seen).toHaveLength(2);
  });

  it("times out a silent server with status 0 and says how long it waited", async () => {
    srv.handle(() => {
      /* never answers */
    });
    const { client } = makeClient(srv.url, { timeoutMs: 150, maxRetries: 1 });
    const e = await failure(() => client.getFlow("f1"));
    expect(e).toBeInstanceOf(CognigyApiError);
    expect(e.status).toBe(0);
    expect(e.message).toContain("GET /flows/:flowId");
    expect(e.message).toContain("timed out after 0.15 s");
    expect(srv.seen).toHaveLength(2);
  });

  it("reports a refused connection as a network error naming method and route", async () => {
    const { client, clock } = makeClient("http://127.0.0.1:1", { maxRetries: 2 });
    const e = await failure(() => client.listProjects());
    expect(e.status).toBe(0);
    expect(e.message).toMatch(/GET \/projects failed: network error/);
    expect(clock.sleeps).toHaveLength(2);
  });
});

describe("errors", () => {
  it("carries RFC-7807 detail, code, traceId, method and the route template", async () => {
    srv.handle((_q, res) =>
      json(res, 400, { type: "about:blank", title: "Bad Request", status: 400, detail: "Only 100 operations per batch call allowed", code: 1005, traceId: "api--abc" }),
    );
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.batchIntents("65f000000000000000000001", [{ op: "delete", id: "x" }]));
    expect(e).toMatchObject({ status: 400, title: "Bad Request", detail: "Only 100 operations per batch call allowed", code: 1005, traceId: "api--abc", method: "PATCH", route: "/flows/:flowId/intents" });
    expect(e.message).toContain("PATCH /flows/:flowId/intents");
    expect(e.message).toContain("Only 100 operations per batch call allowed");
    expect(e.message).toContain("api--abc");
    expect(e.message).not.toContain("65f000000000000000000001");
  });

  it("401 says to check the key secret, the project membership and the api- host", async () => {
    srv.handle((_q, res) => problem(res, 401, "Unauthorized"));
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.resolveProject("Pizza Bot"));
    expect(e.message).toContain("COGNIGY_API_KEY");
    expect(e.message).toContain("api-key secret");
    expect(e.message).toContain("'Pizza Bot'");
    expect(e.message).toContain("api- host");
  });

  it("handles a non-JSON (CloudFront) 403 page: tags stripped, 200 characters, membership advice", async () => {
    const html = `<!DOCTYPE HTML><html><head><title>ERROR: The request could not be satisfied</title><style>body{color:red}</style></head><body><h1>403 ERROR</h1><p>The request could not be satisfied.</p>${"<p>Bad request. We can't connect to the server for this app or website at this time.</p>".repeat(10)}</body></html>`;
    srv.handle((_q, res) => {
      res.writeHead(403, { "Content-Type": "text/html" });
      res.end(html);
    });
    const { client } = makeClient(srv.url, { project: "'Pizza Bot'" });
    const e = await failure(() => client.listProjects());
    expect(e.status).toBe(403);
    expect(e.message).toContain("403 ERROR The request could not be satisfied.");
    expect(e.message).not.toMatch(/<[a-z]/i);
    expect(e.message).not.toContain("color:red");
    expect(e.message).toContain("member of project 'Pizza Bot'");
    const body = /non-JSON response: (.*?…)/.exec(e.message)?.[1] ?? "";
    expect(body.length).toBeLessThanOrEqual(201);
    expect(body.length).toBeGreaterThan(100);
  });

  it("never shows the key, even when the server echoes it or a URL carries api_key=", async () => {
    srv.handle((_q, res) => problem(res, 401, `key ${KEY} is revoked; see https://x/?api_key=${KEY}&a=1`));
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.listProjects());
    expect(e.message).toContain("***");
    expect(e.message).not.toContain(KEY);
    expect(String(e.detail)).not.toContain(KEY);
    expect(scrubSecrets("GET https://api/x?api_key=abc123&b=2")).toBe("GET https://api/x?api_key=***&b=2");
  });

  it("a 200 that is not JSON (the UI host) is an error pointing at base-url", async () => {
    srv.handle((_q, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><body>Cognigy.AI login</body></html>");
    });
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.getFlow("f"));
    expect(e.message).toContain("expected JSON");
    expect(e.message).toContain("api- host");
  });
});

describe("requests", () => {
  it("sends X-API-Key and JSON headers, the prefix, and never a body on GET or DELETE", async () => {
    srv.handle((q, res) => (q.method === "DELETE" ? json(res, 200, {}) : json(res, 200, q.method === "GET" ? page([]) : {})));
    const { client } = makeClient(srv.url);
    await client.listFlows("p1");
    await client.deleteIntent("f1", "i1");
    await client.updateIntent("f1", "i1", { localeId: "l1", description: "d" });
    const [get, del, patch] = srv.seen;
    expect(get.path).toBe("/new/v2.0/flows");
    expect(get.query.get("projectId")).toBe("p1");
    expect(get.query.get("limit")).toBe("100");
    expect(get.headers["x-api-key"]).toBe(KEY);
    expect(get.headers.accept).toBe("application/json");
    for (const s of [get, del]) {
      expect(s.body.length).toBe(0);
      expect(s.headers["content-type"]).toBeUndefined();
      expect(s.headers["content-length"] ?? "0").toBe("0");
      expect(s.headers["transfer-encoding"]).toBeUndefined();
    }
    expect(del.method).toBe("DELETE");
    expect(del.path).toBe("/new/v2.0/flows/f1/intents/i1");
    expect(patch.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(patch.body.toString())).toEqual({ localeId: "l1", description: "d" });
  });

  it("does not follow redirects (the key must not travel to another host)", async () => {
    srv.handle((q, res) => {
      res.writeHead(301, { Location: `http://localhost:1/new/v2.0${q.path.slice(9)}?api_key=leak` });
      res.end();
    });
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.listProjects());
    expect(e.status).toBe(301);
    expect(e.message).toContain("redirected to http://localhost:1/new/v2.0/projects");
    expect(e.message).not.toContain("leak");
    expect(srv.seen).toHaveLength(1);
  });

  it("uses a configurable prefix and encodes path ids", async () => {
    srv.handle((_q, res) => json(res, 200, { _id: "a/b" }));
    const { client } = makeClient(srv.url + "/", { apiPrefix: "/v2.0" });
    await client.getTask("a/b");
    expect(srv.seen[0].url).toBe("/v2.0/tasks/a%2Fb");
  });

  it("scores: a read-only POST retried after a dropped connection", async () => {
    let n = 0;
    srv.handle((_q, res) => (++n === 1 ? drop(res) : json(res, 200, [{ id: "r1", name: "A", score: 0.9, negated: false, flow: "fr" }])));
    const { client } = makeClient(srv.url);
    const s = await client.scores("p1", { flowReferenceId: "fr", localeReferenceId: "lr", sentence: "hi" });
    expect(s[0].score).toBe(0.9);
    expect(srv.seen).toHaveLength(2);
    expect(srv.seen[1].path).toBe("/new/v2.0/projects/p1/nlu/scores");
  });
});
