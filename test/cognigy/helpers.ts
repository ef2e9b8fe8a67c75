// Test helpers for the Cognigy client: a tiny scripted HTTP server on 127.0.0.1, a fake clock and a client factory.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CognigyClient, type CognigyClientOptions } from "../../src/cognigy/index.js";
import { RecordingLogger } from "../../src/logger.js";

export const KEY = "sekret-api-key-4f9a2c";

export interface Seen {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export type Handler = (req: Seen, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  url: string;
  seen: Seen[];
  /** Replace the handler between tests. */
  handle(h: Handler): void;
  close(): Promise<void>;
}

export async function startServer(h: Handler = (_q, res) => json(res, 404, { title: "Not Found", status: 404 })): Promise<TestServer> {
  let handler = h;
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const s: Seen = { method: req.method ?? "", url: req.url ?? "", path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      Promise.resolve(handler(s, res)).catch((e) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    handle(next) {
      handler = next;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(text);
}

export function problem(res: ServerResponse, status: number, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  json(res, status, { type: "about:blank", title: `HTTP ${status}`, status, detail, code: status, traceId: "api--trace-1", ...extra }, headers);
}

/** Closes the connection without an answer (after the request was read: the server may have acted on it). */
export function drop(res: ServerResponse): void {
  res.socket?.destroy();
}

/** A clock that only moves when the code under test sleeps. */
export function fakeClock(start = Date.UTC(2025, 0, 1, 12, 0, 0)) {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

export function makeClient(url: string, extra: Partial<CognigyClientOptions> = {}) {
  const clock = fakeClock();
  const logger = new RecordingLogger();
  const client = new CognigyClient({
    baseUrl: url,
    apiKey: KEY,
    rateLimit: 0,
    random: () => 0.5,
    now: clock.now,
    sleep: clock.sleep,
    logger,
    timeoutMs: 2000,
    ...extra,
  });
  return { client, clock, logger };
}

/** Runs `fn`, expecting it to reject; returns the error. */
export async function failure(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (e) {
    return remember(e as Error & Record<string, unknown>);
  }
  throw new Error("expected a failure, but it succeeded");
}

/** Every error message a test produced (via failure()), to check the key never appears. */
export const messages: string[] = [];
export function remember<E extends Error>(e: E): E {
  messages.push(e.message, String((e as { hint?: string }).hint ?? ""), JSON.stringify(e));
  return e;
}

export function jsonBody(s: Seen): unknown {
  return JSON.parse(s.body.toString("utf8"));
}
