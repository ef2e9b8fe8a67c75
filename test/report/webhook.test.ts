import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, UserError } from "../../src/errors.js";
import { Redactor } from "../../src/report/redact.js";
import { sendWebhook, signWebhook, verifyWebhookSignature, webhookPayload } from "../../src/report/webhook.js";
import { sampleReport } from "./helpers.js";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET = "whsec_test_5f1c9a7b3e";
let server: Server;
let base = "";
const received: Received[] = [];
/** Scripted responses: status (and headers) per request; 200 once the script runs out. */
let script: { status: number; headers?: Record<string, string>; hang?: boolean }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const next = script.shift() ?? { status: 200 };
      if (next.hang) return; // never answers: the client's timeout fires
      res.writeHead(next.status, { "content-type": "text/plain", ...next.headers });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  script = [];
});

const T0 = 1_741_950_000_000; // a fixed clock, ms

function recordingSleep() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

describe("sendWebhook", () => {
  it("POSTs signed JSON that the receiver function verifies", async () => {
    const redactor = new Redactor({ maskPii: (s) => s });
    const payload = webhookPayload(sampleReport(), { repository: "acme/bot", runUrl: "https://github.com/acme/bot/actions/runs/7" });
    const res = await sendWebhook(`${base}/hook?token=abc`, payload, { secret: SECRET, redactor, now: () => T0 });
    expect(res).toMatchObject({ delivered: true, attempts: 1, status: 200 });
    expect(received).toHaveLength(1);
    const req = received[0];
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/hook?token=abc");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toMatch(/^cognigy-nlu\//);
    expect(req.headers["x-cognigy-nlu-event"]).toBe("run");
    expect(req.headers["x-cognigy-nlu-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(req.headers["x-cognigy-nlu-timestamp"]).toBe(String(T0 / 1000));
    // the documented scheme, computed independently
    const { createHmac } = await import("node:crypto");
    const expected = `sha256=${createHmac("sha256", SECRET).update(`${T0 / 1000}.${req.body}`).digest("hex")}`;
    expect(req.headers["x-signature-256"]).toBe(expected);
    const v = verifyWebhookSignature({
      body: req.body,
      timestamp: req.headers["x-cognigy-nlu-timestamp"] as string,
      signature: req.headers["x-signature-256"] as string,
      secret: SECRET,
      now: () => T0 + 10_000,
    });
    expect(v).toEqual({ ok: true });
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ event: "run", status: "failure", mode: "release", repository: "acme/bot", gate: { passed: false } });
    expect(body.macroF1).toBe(sampleReport().metrics!.macroF1);
    expect(body.plan).toEqual(sampleReport().plan!.totals);
  });

  it("rejects a tampered body, a wrong secret, a replayed or old timestamp", async () => {
    const body = JSON.stringify({ a: 1 });
    const ts = T0 / 1000;
    const signature = signWebhook(body, ts, SECRET);
    const ok = { body, timestamp: ts, signature, secret: SECRET, now: () => T0 };
    expect(verifyWebhookSignature(ok).ok).toBe(true);
    expect(verifyWebhookSignature({ ...ok, body: JSON.stringify({ a: 2 }) })).toEqual({ ok: false, reason: "signature mismatch" });
    expect(verifyWebhookSignature({ ...ok, secret: "other-secret" }).ok).toBe(false);
    // the old request re-sent later: the timestamp is outside the window
    expect(verifyWebhookSignature({ ...ok, now: () => T0 + 301_000 }).reason).toMatch(/tolerance/);
    expect(verifyWebhookSignature({ ...ok, now: () => T0 - 301_000 }).ok).toBe(false);
    // a fresh timestamp on the old signature does not verify (the timestamp is signed)
    expect(verifyWebhookSignature({ ...ok, timestamp: ts + 200, now: () => (ts + 200) * 1000 }).reason).toBe("signature mismatch");
    // an exact replay inside the window is caught with a seen-set
    const seen = new Set<string>();
    expect(verifyWebhookSignature({ ...ok, seen }).ok).toBe(true);
    expect(verifyWebhookSignature({ ...ok, seen }).reason).toMatch(/replayed/);
    expect(verifyWebhookSignature({ ...ok, signature: "sha1=abc" }).reason).toMatch(/malformed signature/);
    expect(verifyWebhookSignature({ ...ok, timestamp: "soon" }).reason).toMatch(/malformed timestamp/);
  });

  it("retries on 500 with exponential backoff, then succeeds; every attempt re-signed", async () => {
    script = [{ status: 500 }, { status: 502 }, { status: 200 }];
    const { sleeps, sleep } = recordingSleep();
    let clock = T0;
    const res = await sendWebhook(`${base}/hook`, { event: "run", x: 1 }, { secret: SECRET, redactor: new Redactor(), sleep, now: () => (clock += 1000) });
    expect(res).toMatchObject({ delivered: true, attempts: 3, status: 200 });
    expect(sleeps).toEqual([1000, 2000]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers["x-cognigy-nlu-delivery"])).size).toBe(1);
    expect(new Set(received.map((r) => r.headers["x-cognigy-nlu-timestamp"])).size).toBe(3);
    for (const r of received) {
      const ts = Number(r.headers["x-cognigy-nlu-timestamp"]);
      const v = verifyWebhookSignature({ body: r.body, timestamp: ts, signature: r.headers["x-signature-256"] as string, secret: SECRET, now: () => ts * 1000 });
      expect(v.ok).toBe(true);
    }
  });

  it("honours Retry-After on 429 and gives up after the retries, without throwing", async () => {
    script = [{ status: 429, headers: { "retry-after": "7" } }, { status: 503 }, { status: 503 }, { status: 503 }];
    const { sleeps, sleep } = recordingSleep();
    const res = await sendWebhook(`${base}/hook`, { a: 1 }, { redactor: new Redactor(), sleep, now: () => T0, retries: 3 });
    expect(res.delivered).toBe(false);
    expect(res.attempts).toBe(4);
    expect(res.status).toBe(503);
    expect(res.error).toMatch(/answered 503 \(4 attempts\)/);
    expect(sleeps).toEqual([7000, 2000, 4000]);
    expect(received).toHaveLength(4);
    // unsigned without a secret
    expect(received[0].headers["x-signature-256"]).toBeUndefined();
  });

  it("does not retry a 4xx and throws only when required", async () => {
    script = [{ status: 404 }];
    const { sleeps, sleep } = recordingSleep();
    const res = await sendWebhook(`${base}/hook`, { a: 1 }, { redactor: new Redactor(), sleep });
    expect(res).toMatchObject({ delivered: false, attempts: 1, status: 404 });
    expect(sleeps).toEqual([]);
    script = [{ status: 400 }];
    await expect(sendWebhook(`${base}/hook`, { a: 1 }, { redactor: new Redactor(), sleep, required: true })).rejects.toBeInstanceOf(UserError);
  });

  it("retries network errors and timeouts", async () => {
    script = [{ status: 0, hang: true }];
    const { sleeps, sleep } = recordingSleep();
    const res = await sendWebhook(`${base}/hook`, { a: 1 }, { redactor: new Redactor(), sleep, timeoutMs: 3_000, retries: 1 });
    expect(res).toMatchObject({ delivered: true, attempts: 2, status: 200 });
    expect(sleeps).toEqual([1000]);
    // connection refused: a port nobody listens on
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const refused = await sendWebhook(`http://127.0.0.1:${port}/x`, { a: 1 }, { redactor: new Redactor(), sleep, retries: 2 });
    expect(refused).toMatchObject({ delivered: false, attempts: 3 });
    expect(refused.error).toMatch(/failed/);
  });

  it("refuses file:// and other non-http URLs with a clear error", async () => {
    let calls = 0;
    const fetchSpy = (async () => {
      calls++;
      return new Response("");
    }) as typeof fetch;
    for (const url of ["file:///etc/passwd", "ftp://example.com/x", "not a url", "javascript:alert(1)"]) {
      const res = await sendWebhook(url, { a: 1 }, { redactor: new Redactor(), fetch: fetchSpy });
      expect(res.delivered).toBe(false);
      expect(res.attempts).toBe(0);
      expect(res.error).toMatch(/http:\/\/ or https:\/\//);
    }
    expect(calls).toBe(0);
    await expect(sendWebhook("file:///etc/passwd", {}, { redactor: new Redactor(), required: true })).rejects.toBeInstanceOf(ConfigError);
  });

  it("never puts the URL's path or query (tokens) into errors", async () => {
    script = [{ status: 500 }];
    const res = await sendWebhook(`${base}/T0K3N/secret-path?sig=zzz`, {}, { redactor: new Redactor(), retries: 0 });
    expect(res.error).toContain(base);
    expect(res.error).not.toMatch(/T0K3N|secret-path|zzz/);
  });
});
