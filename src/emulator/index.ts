// The embedded Cognigy REST emulator: startEmulator() wires the HTTP server (127.0.0.1), auth, limits, faults, routes, persistence.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import type { Config } from "../config/schema.js";
import { EmulatorCore, type EmulatorLimits, type SeedAnalytics, type SeedLearningSentence } from "./core.js";
import { FaultController, type HttpFault, type CountFault } from "./faults.js";
import { type Ctx, JSON_BODY_LIMIT, parseJsonBody, type Reply, Router, UPLOAD_LIMIT } from "./http.js";
import { IdGenerator } from "./ids.js";
import { queryAnalytics } from "./odata.js";
import { CLOUDFRONT_403, HttpError, problem } from "./problem.js";
import { Persister } from "./persist.js";
import { RateLimiter } from "./ratelimit.js";
import { registerControlRoutes } from "./routes/control.js";
import { registerEndpointRoutes } from "./routes/endpoints.js";
import { registerIntentRoutes } from "./routes/intents.js";
import { registerNluRoutes } from "./routes/nlu.js";
import { registerProjectRoutes } from "./routes/projects.js";
import { downloadSnapshot, registerSnapshotRoutes } from "./routes/snapshots.js";
import { registerTaskRoutes } from "./routes/tasks.js";
import { type DumpedState, type PersistedState, Store } from "./state.js";
import type { SentenceDialect } from "./core.js";

export { FaultController, parseFaultSpec, type QueuedFault, type FaultKind } from "./faults.js";
export type { DumpedState } from "./state.js";
export type { EmulatorLimits, SeedAnalytics, SeedLearningSentence, SentenceDialect } from "./core.js";
export { DEFAULT_EMULATOR_LIMITS, parseLimitsSpec } from "./core.js";

export const API_PREFIXES = ["/new/v2.0", "/v2.0"] as const;
const LOG_BODY_MAX = 64 * 1024;

export interface EmulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  apiKey: string;
  /** Creates the config's project, flows and locales (no intents) unless they exist. */
  seed?: Config;
  /** Loaded on start when it exists; written (debounced) on changes and on close. */
  statePath?: string;
  /** Requests per 5 minutes (default 1000; 0 = off). */
  rateLimit?: number;
  /** The rate limit's window, ms (default 5 minutes; tests scale it down). */
  rateWindowMs?: number;
  /** Cognigy's caps to enforce (0 = off); default: the seed config's `limits`, else the documented ones. */
  limits?: Partial<EmulatorLimits>;
  /** Fault spec, e.g. `429:0.2,500:0.05,drop:0.02,slow:0.05,slowms=2000,seed=7`. */
  faults?: string;
  /** Default PRNG seed of the faults (a `seed=` in the spec wins). */
  faultSeed?: number;
  /** How long a `slow` response is held (default 35000 ms; `slowms=` in the spec wins). */
  slowMs?: number;
  /** How long a task stays queued + active besides its real work (default 150 ms). */
  taskDelayMs?: number;
  /** Pad snapshot packages to this many bytes (streamed, not held in memory). */
  packagePadBytes?: number;
  /** Keep a log of requests with their bodies (default true). */
  logRequests?: boolean;
  /** Most log entries kept (default 10000, oldest dropped). */
  maxLogEntries?: number;
  /** Clock for timestamps and the rate-limit window (ms since epoch). */
  clock?: () => number;
  /**
   * The locale field of a batch sentence create/update value (cognigy-api.md §18): `localeReference` (default, the
   * official IBatchSentencesRestOperationSet) or `localeId` (the other dialect, to test a client's fallback).
   */
  sentenceDialect?: SentenceDialect;
  /** Whether the learning-sentence index honours an `intentId` query (default false: the official client never sends it). */
  learningSentencesByIntent?: boolean;
  /** Called once per request after the response (e.g. to print a line). Never given the key. */
  onRequest?: (e: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path and query, without api_key / apikey. */
  path: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  ms: number;
  /** Request headers except x-api-key and authorization. */
  headers: Record<string, string>;
  hasApiKey: boolean;
  requestBody: string;
  responseBody: string;
  fault?: string;
}

export interface Emulator {
  url: string;
  close(): Promise<void>;
  faults: FaultController;
  requestLog: RequestLogEntry[];
  /** Canonical, id-free view of all project data (stable across restores and restarts). */
  dumpState(): DumpedState;
  state: Store;
  core: EmulatorCore;
  rateLimiter: RateLimiter;
  seedLearningSentences(flowName: string, items: SeedLearningSentence[]): string[];
  seedAnalytics(items: SeedAnalytics[]): void;
  /** Writes the state file now (no-op without statePath). */
  persist(): void;
}

function keyMatches(given: string | undefined, key: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

function headerStr(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage, limit: number): Promise<{ buf: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(b);
  }
  return { buf: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}

export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  if (!opts.apiKey) throw new Error("startEmulator: apiKey is required");
  const clock = opts.clock ?? Date.now;
  const store = new Store(new IdGenerator(clock), clock);
  if (opts.statePath && existsSync(opts.statePath)) {
    try {
      store.load(JSON.parse(readFileSync(opts.statePath, "utf8")) as PersistedState);
    } catch (e) {
      throw new Error(`cannot read the emulator state file ${opts.statePath}: ${(e as Error).message}`);
    }
  }
  const persister = new Persister(opts.statePath, store);
  const faults = new FaultController(opts.faults ?? "", { seed: opts.faultSeed, slowMs: opts.slowMs });
  const limits = { ...(opts.seed?.limits ?? {}), ...(opts.limits ?? {}) };
  const core = new EmulatorCore(
    store,
    faults,
    {
      taskDelayMs: opts.taskDelayMs ?? 150,
      packagePadBytes: opts.packagePadBytes ?? 0,
      sentenceDialect: opts.sentenceDialect ?? "localeReference",
      learningSentencesByIntent: opts.learningSentencesByIntent ?? false,
      limits,
    },
    () => persister.touch(),
  );
  if (opts.seed) core.seed(opts.seed);
  const limiter = new RateLimiter(opts.rateLimit ?? 1000, clock, opts.rateWindowMs);
  const requestLog: RequestLogEntry[] = [];
  const maxLog = opts.maxLogEntries ?? 10000;
  const logOn = opts.logRequests ?? true;

  const api = new Router();
  registerProjectRoutes(api, core);
  registerEndpointRoutes(api, core); // learning sentences before /flows/:flowId/intents/:intentId
  registerNluRoutes(api, core);
  registerIntentRoutes(api, core);
  registerTaskRoutes(api, core);
  registerSnapshotRoutes(api, core);
  const control = new Router();
  registerControlRoutes(control, core, { requestLog: () => requestLog });

  const pendingTimers = new Set<NodeJS.Timeout>();
  let closing = false;
  const wait = (ms: number, req: IncomingMessage) =>
    new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        pendingTimers.delete(t);
        req.socket.off("close", onClose);
        resolve(!closing && !req.socket.destroyed);
      }, ms);
      const onClose = () => {
        clearTimeout(t);
        pendingTimers.delete(t);
        resolve(false);
      };
      pendingTimers.add(t);
      req.socket.once("close", onClose);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", core.origin);
    const pathname = url.pathname.replace(/\/+$/, "") || "/";
    const logged = new URLSearchParams(url.search);
    logged.delete("api_key");
    logged.delete("apikey");
    const qs = logged.toString();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === "x-api-key" || k === "authorization") continue;
      headers[k] = Array.isArray(v) ? v.join(", ") : String(v ?? "");
    }
    const givenKey = headerStr(req.headers["x-api-key"]) ?? url.searchParams.get("api_key") ?? url.searchParams.get("apikey") ?? undefined;
    const entry: RequestLogEntry = {
      time: new Date(clock()).toISOString(),
      method,
      path: qs ? `${pathname}?${qs}` : pathname,
      status: 0,
      ms: 0,
      headers,
      hasApiKey: givenKey !== undefined,
      requestBody: "",
      responseBody: "",
    };
    const finish = () => {
      entry.ms = Math.round((performance.now() - t0) * 10) / 10;
      if (logOn) {
        requestLog.push(entry);
        if (requestLog.length > maxLog) requestLog.splice(0, requestLog.length - maxLog);
      }
      opts.onRequest?.(entry);
    };
    const send = (reply: Reply) => {
      const h: Record<string, string> = { ...(reply.headers ?? {}) };
      let body: Buffer | undefined;
      if (reply.body !== undefined) {
        body = Buffer.from(JSON.stringify(reply.body));
        h["content-type"] = reply.contentType ?? "application/json; charset=utf-8";
      } else if (reply.text !== undefined) {
        body = Buffer.isBuffer(reply.text) ? reply.text : Buffer.from(reply.text);
        h["content-type"] = reply.contentType ?? "text/plain; charset=utf-8";
      } else if (reply.stream) h["content-type"] = reply.contentType ?? "application/octet-stream";
      entry.status = reply.status;
      if (reply.stream) {
        res.writeHead(reply.status, h);
        const s = reply.stream;
        let seen = 0;
        s.on("data", (c: Buffer) => {
          if (seen < LOG_BODY_MAX) entry.responseBody += c.subarray(0, LOG_BODY_MAX - seen).toString("latin1");
          seen += c.length;
        });
        s.pipe(res);
        s.on("error", () => res.destroy());
        res.on("close", () => {
          s.destroy();
          finish();
        });
        return;
      }
      if (body) h["content-length"] = String(body.length);
      res.writeHead(reply.status, h);
      res.end(method === "HEAD" ? undefined : body);
      entry.responseBody = body ? body.subarray(0, LOG_BODY_MAX).toString("utf8") : "";
      finish();
      reply.onSent?.();
    };
    const fail = (status: number, detail: string, code?: number, extraHeaders: Record<string, string> = {}) =>
      send({ status, body: problem(status, detail, pathname, code), contentType: "application/problem+json; charset=utf-8", headers: extraHeaders });
    const drop = () => {
      entry.status = 0;
      req.socket.destroy();
      finish();
    };

    // Which surface is asked for.
    let area: "api" | "control" | "download" | "odata" | "none" = "none";
    let sub = pathname;
    const prefix = API_PREFIXES.find((p) => pathname === p || pathname.startsWith(`${p}/`));
    if (prefix) {
      area = "api";
      sub = pathname.slice(prefix.length) || "/";
    } else if (pathname.startsWith("/__emulator/")) {
      area = "control";
      sub = pathname.slice("/__emulator".length);
    } else if (pathname.startsWith("/download/")) area = "download";
    else if (/^\/odata\/v2\.\d+\/Analytics$/.test(pathname)) area = "odata";

    const multipart = String(req.headers["content-type"] ?? "").toLowerCase().startsWith("multipart/form-data");
    const { buf, tooLarge } = await readBody(req, multipart ? UPLOAD_LIMIT : area === "control" ? UPLOAD_LIMIT : JSON_BODY_LIMIT);
    entry.requestBody = buf.subarray(0, LOG_BODY_MAX).toString("utf8");
    const hasBody = buf.length > 0 || tooLarge || Number(req.headers["content-length"] ?? 0) > 0;
    if ((method === "GET" || method === "HEAD") && hasBody && area !== "control") {
      return send({ status: 403, text: CLOUDFRONT_403, contentType: "text/html" });
    }
    if (tooLarge) return fail(413, `The request body is larger than ${multipart ? UPLOAD_LIMIT : JSON_BODY_LIMIT} bytes`, 413);
    if (area === "none") return fail(404, `No route ${method} ${pathname}`);

    if (area === "api" || area === "odata") {
      const rl = limiter.take();
      if (!rl.ok) return fail(429, "Too many requests: the rate limit is 1000 requests per 5 minutes", 429, { "retry-after": String(rl.retryAfter) });
    }
    if (area !== "download") {
      if (!keyMatches(givenKey, opts.apiKey)) return fail(401, givenKey ? "The API key is not valid" : "No API key was given (X-API-Key header or api_key query parameter)", 401);
      if (area !== "control" && faults.keyExpired()) {
        faults.count("expiredkey");
        entry.fault = "expiredkey";
        return fail(401, "The API key has expired", 401);
      }
    }

    const line = `${method} ${area === "api" || area === "control" ? sub : pathname}`;
    let dropAfter = false;
    if (area !== "control") {
      const f: HttpFault | CountFault | null = faults.pickHttp(line);
      if (f) {
        faults.count(f);
        entry.fault = f;
        switch (f) {
          case "drop":
            if ((method === "PATCH" || method === "DELETE") && faults.random() < 0.5) dropAfter = true;
            else return drop();
            break;
          case "slow":
            if (!(await wait(faults.spec.slowMs, req))) return drop();
            break;
          case "429":
            return fail(429, "Too many requests", 429, { "retry-after": String(faults.spec.retryAfter) });
          case "429noretry":
            return fail(429, "Too many requests", 429);
          case "500":
            return fail(500, "Internal server error", 1008);
          case "502":
            return send({ status: 502, text: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html" });
          case "503":
            return fail(503, "Service temporarily unavailable", 503);
          case "403":
            return send({ status: 403, text: CLOUDFRONT_403, contentType: "text/html" });
          case "expiredkey":
            return fail(401, "The API key has expired", 401);
          case "early409":
            return fail(409, "The snapshot package is not ready for download yet", 1004);
          case "placeholder":
            return send({ status: 200, text: "csnap", contentType: "application/octet-stream" });
        }
      }
    }

    let reply: Reply;
    try {
      if (area === "download") {
        const m = /^\/download\/snapshots\/([0-9a-f]+)(?:\/[^/]*)?$/.exec(pathname);
        if (!m || (method !== "GET" && method !== "HEAD")) throw new HttpError(404, "No such download");
        reply = downloadSnapshot(core, { params: { token: m[1] } }, core.opts.packagePadBytes);
      } else if (area === "odata") {
        if (method !== "GET") throw new HttpError(405, "Only GET is supported");
        reply = { status: 200, body: queryAnalytics(store.analytics, url.searchParams, `${core.origin}${pathname.replace(/\/Analytics$/, "")}`) };
      } else {
        const router = area === "api" ? api : control;
        const m = router.match(method, sub);
        if (!m) throw new HttpError(404, `No route ${method} ${pathname}`);
        if ("allowed" in m) throw new HttpError(405, `${method} is not allowed on ${pathname}`, 1013, { allow: m.allowed.join(", ") });
        let parsed: Record<string, unknown> | undefined;
        let taskFaultPicked = false;
        let taskFault: ReturnType<FaultController["pickTask"]> = null;
        const ctx: Ctx = {
          method,
          path: sub,
          params: m.params,
          query: url.searchParams,
          headers: req.headers,
          rawBody: buf,
          line,
          origin: core.origin,
          json: () => (parsed ??= parseJsonBody(buf)),
          form: async () => {
            if (!multipart) throw new HttpError(400, "Expected a multipart/form-data body", 1005);
            try {
              return await new Request(`${core.origin}/`, { method: "POST", headers: { "content-type": String(req.headers["content-type"]) }, body: buf }).formData();
            } catch {
              throw new HttpError(400, "The multipart body could not be read", 1005);
            }
          },
          taskFault: () => {
            if (!taskFaultPicked) {
              taskFaultPicked = true;
              taskFault = area === "api" ? faults.pickTask(line) : null;
            }
            return taskFault;
          },
        };
        reply = await m.handler(ctx);
        if (method !== "GET" && method !== "HEAD") persister.touch();
      }
    } catch (e) {
      if (e instanceof HttpError) return fail(e.status, e.detail, e.code, e.headers);
      if (area !== "control") process.stderr.write(`emulator: internal error on ${method} ${pathname}: ${(e as Error)?.stack ?? e}\n`);
      return fail(500, "Internal server error", 1008);
    }
    if (dropAfter) return drop();
    send(reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  core.origin = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | null = null;
  return {
    url: core.origin,
    faults,
    requestLog,
    state: store,
    core,
    rateLimiter: limiter,
    dumpState: () => store.dump(),
    seedLearningSentences: (flow, items) => core.seedLearningSentences(flow, items),
    seedAnalytics: (items) => core.seedAnalytics(items),
    persist: () => persister.flush(),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const t of pendingTimers) clearTimeout(t);
        pendingTimers.clear();
        core.tasks.close();
        server.close(() => resolve());
        server.closeAllConnections();
        persister.flush();
      });
      return closed;
    },
  };
}
