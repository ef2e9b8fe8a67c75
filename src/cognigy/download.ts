// Package download: streams a download link to disk through a running SHA-256 (flat memory), retrying 409 / placeholder bodies.
import { createHash } from "node:crypto";
import { readFile, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { UserError } from "../errors.js";
import { safeCreateWriteStream, safeRename } from "../io/safe-fs.js";
import type { CognigyApiError } from "./errors.js";
import type { HttpTransport } from "./http.js";
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "./retry.js";

/** Bodies this small are checked for the `csnap` placeholder Cognigy serves before the package is ready. */
const PLACEHOLDER_MAX = 64;
const ROUTE = "<download link>";

export interface DownloadOptions {
  expectedBytes?: number;
  /** Longest silence while streaming before giving up (default: the client timeout). */
  idleTimeoutMs?: number;
  /** Largest download accepted, in bytes (default DEFAULT_MAX_DOWNLOAD_BYTES): more fails at once, nothing retried. */
  maxBytes?: number;
  /** Overall deadline for the whole download, retries included, in ms (default DEFAULT_DOWNLOAD_DEADLINE_MS). */
  deadlineMs?: number;
}

/** Default download cap: 4 GiB (Cognigy packages are far smaller; a fast hostile stream must not fill the disk). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3;
/** Default overall download deadline: 30 minutes (a drip stream that stays just under the idle timeout ends here). */
export const DEFAULT_DOWNLOAD_DEADLINE_MS = 30 * 60_000;

/** A download over its size cap or past its deadline: a clear user error, never retried. */
export class DownloadLimitError extends UserError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = "DownloadLimitError";
  }
}

function mib(n: number): string {
  return `${(n / 1024 ** 2).toFixed(n < 1024 ** 2 ? 3 : 1)} MiB`;
}

class Retryable extends Error {
  constructor(
    readonly error: CognigyApiError,
    readonly waitMs?: number,
  ) {
    super(error.message);
  }
}

/** Where a download link points, without its query (which may carry a token). */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}

export async function downloadToFile(t: HttpTransport, url: string, file: string, opts: DownloadOptions = {}): Promise<{ bytes: number; sha256: string }> {
  const o = t.o;
  const key = `GET ${ROUTE}`;
  const part = `${file}.part`;
  const root = dirname(file);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const deadlineMs = opts.deadlineMs ?? DEFAULT_DOWNLOAD_DEADLINE_MS;
  const deadlineAt = o.now() + deadlineMs;
  const limits = { maxBytes, deadlineMs, deadlineAt, root };
  let withKey = false;
  let last: Retryable | undefined;
  try {
    for (let attempt = 0; attempt <= o.maxRetries; attempt++) {
      if (last) {
        if (o.now() >= deadlineAt) throw deadlineError(deadlineMs, last.error.message);
        const wait = Math.min(last.waitMs ?? backoffDelay(attempt - 1, { baseMs: o.baseBackoffMs, capMs: o.maxBackoffMs, random: o.random }), o.maxBackoffMs);
        o.logger.debug(`download: ${last.message} — retry ${attempt}/${o.maxRetries} in ${(wait / 1000).toFixed(1)} s`);
        o.stats.retry();
        if (wait > 0) {
          await o.sleep(wait);
          o.stats.waited(wait);
        }
      }
      o.stats.waited(await o.budget.acquire());
      const started = o.now();
      let r: Awaited<ReturnType<typeof once>>;
      try {
        r = await once(t, url, part, withKey, opts, limits);
      } catch (e) {
        o.stats.request(key, o.now() - started, true);
        if (!(e instanceof Retryable)) throw e;
        last = e;
        continue;
      }
      o.stats.request(key, o.now() - started, r === "auth");
      if (r === "auth") {
        // 401/403 without the key: the link may want it, but the key only ever goes to the API host itself.
        if (!withKey && sameHost(url, o.baseUrl)) {
          withKey = true;
          last = undefined;
          attempt--;
          continue;
        }
        throw t.error({ status: 403, method: "GET", route: ROUTE, message: `the download link ${safeUrl(url)} refused the request` });
      }
      if (opts.expectedBytes !== undefined && r.bytes !== opts.expectedBytes)
        throw t.error({ status: 200, method: "GET", route: ROUTE, message: `download size ${r.bytes} bytes, expected ${opts.expectedBytes}` });
      await safeRename(root, part, file);
      return r;
    }
    throw last!.error;
  } finally {
    await rm(part, { force: true });
  }
}

/** One GET: "auth" on 401/403, the result on success, Retryable on 409/5xx/network/placeholder/truncation. */
function deadlineError(ms: number, last?: string): DownloadLimitError {
  return new DownloadLimitError(
    `download stopped: it did not finish within its overall deadline of ${Math.round(ms / 1000)} s${last ? ` (last problem: ${last})` : ""}`,
    "raise the deadline (cognigy.download.deadlineSeconds, Action input download-deadline-seconds) if the package is really this slow",
  );
}

type Limits = { maxBytes: number; deadlineMs: number; deadlineAt: number; root: string };

async function once(t: HttpTransport, url: string, part: string, withKey: boolean, opts: DownloadOptions, limits: Limits): Promise<"auth" | { bytes: number; sha256: string }> {
  const o = t.o;
  const ctl = new AbortController();
  const idleMs = opts.idleTimeoutMs ?? o.timeoutMs;
  let timedOut = false;
  let limit: DownloadLimitError | undefined;
  const expire = () => {
    timedOut = true;
    ctl.abort();
  };
  let timer = setTimeout(expire, idleMs);
  // The overall deadline: the whole download, whatever trickle keeps the idle timer alive.
  const deadline = setTimeout(
    () => {
      limit = deadlineError(limits.deadlineMs);
      ctl.abort();
    },
    Math.max(0, limits.deadlineAt - o.now()),
  );
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(expire, idleMs);
  };
  const headers: Record<string, string> = { Accept: "application/octet-stream, */*", "User-Agent": o.userAgent };
  if (withKey) headers["X-API-Key"] = o.apiKey;
  const netError = (e: unknown) =>
    new Retryable(t.error({ status: 0, method: "GET", route: ROUTE, network: timedOut ? "timeout" : "network", timeoutMs: idleMs, cause: e }));
  try {
    let res: Response;
    try {
      // With the key, redirects are followed by hand and without it (fetch would forward X-API-Key to any host).
      res = await o.fetch(url, { method: "GET", headers, signal: ctl.signal, redirect: withKey ? "manual" : "follow" });
      const location = res.headers.get("location");
      if (withKey && res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        delete headers["X-API-Key"];
        res = await o.fetch(new URL(location, url), { method: "GET", headers, signal: ctl.signal, redirect: "follow" });
      }
    } catch (e) {
      if (limit) throw limit;
      throw netError(e);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      return "auth";
    }
    if (!res.ok) {
      const text = (await res.text().catch(() => "")).slice(0, 2000);
      const err = t.error({ status: res.status, method: "GET", route: ROUTE, message: `${safeUrl(url)}${text ? `: ${text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200)}` : ""}` });
      if (res.status === 409 || isRetryableStatus(res.status)) throw new Retryable(err, parseRetryAfter(res.headers.get("retry-after"), o.now()));
      throw err;
    }
    const declared = res.headers.get("content-length");
    const tooBig = (n: number) =>
      new DownloadLimitError(
        `download refused: ${safeUrl(url)} is ${n > limits.maxBytes ? `more than ${mib(limits.maxBytes)}` : mib(n)}, over the cap of ${mib(limits.maxBytes)}`,
        "raise the cap (cognigy.download.maxMegabytes, Action input download-max-mb) if the package is really this large",
      );
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limits.maxBytes) {
      await res.body?.cancel();
      throw tooBig(Number(declared));
    }
    const hash = createHash("sha256");
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        poke();
        bytes += chunk.length;
        if (bytes > limits.maxBytes) {
          limit = tooBig(bytes);
          cb(limit);
          return;
        }
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      if (!res.body) throw new Error("no response body");
      // The file first (awaited), then the body stream: a body error must never fire before pipeline listens.
      const sink = await safeCreateWriteStream(limits.root, part);
      await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream), tap, sink);
    } catch (e) {
      if (limit) throw limit;
      if (!timedOut && declared !== null && /^\d+$/.test(declared) && bytes < Number(declared))
        throw new Retryable(t.error({ status: res.status, method: "GET", route: ROUTE, message: `truncated download: got ${bytes} of ${declared} bytes (the connection closed early)` }));
      throw netError(e);
    }
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) !== bytes)
      throw new Retryable(t.error({ status: res.status, method: "GET", route: ROUTE, message: `truncated download: got ${bytes} of ${declared} bytes` }));
    if (bytes <= PLACEHOLDER_MAX && (await stat(part)).size === bytes) {
      const text = (await readFile(part, "utf8")).trim().replace(/^"|"$/g, "");
      if (text === "" || text === "csnap")
        throw new Retryable(t.error({ status: res.status, method: "GET", route: ROUTE, message: `the package is not ready yet (placeholder body '${text}')` }));
    }
    return { bytes, sha256: hash.digest("hex") };
  } finally {
    clearTimeout(timer);
    clearTimeout(deadline);
  }
}
