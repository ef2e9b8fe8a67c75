// downloadToFile against a local server: SHA-256 of the streamed file, 409 / placeholder retries, truncation, key handling.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drop, failure, KEY, makeClient, messages, problem, startServer, type TestServer } from "./helpers.js";

let srv: TestServer;
let dir: string;
const payload = randomBytes(3 * 1024 * 1024 + 17);
const sha = createHash("sha256").update(payload).digest("hex");

beforeAll(async () => {
  srv = await startServer();
  dir = await mkdtemp(join(tmpdir(), "cognigy-dl-"));
});
afterAll(async () => {
  await srv.close();
  await rm(dir, { recursive: true, force: true });
  for (const m of messages) expect(m).not.toContain(KEY);
});

function send(res: import("node:http").ServerResponse, body: Buffer) {
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(body.length) });
  // write in pieces so the client streams
  for (let i = 0; i < body.length; i += 256 * 1024) res.write(body.subarray(i, i + 256 * 1024));
  res.end();
}

describe("downloadToFile", () => {
  it("409 twice, then the package: the file's SHA-256 equals the returned one; no key sent", async () => {
    let n = 0;
    srv.handle((_q, res) => (++n <= 2 ? problem(res, 409, "package not ready") : send(res, payload)));
    const { client, clock } = makeClient(srv.url);
    const file = join(dir, "a.csnap");
    const r = await client.downloadToFile(`${srv.url}/dl/a?token=xyz`, file);
    expect(r).toEqual({ bytes: payload.length, sha256: sha });
    expect(createHash("sha256").update(await readFile(file)).digest("hex")).toBe(sha);
    expect(srv.seen).toHaveLength(3);
    expect(clock.sleeps).toEqual([500, 1000]);
    for (const s of srv.seen) expect(s.headers["x-api-key"]).toBeUndefined();
    expect(await readdir(dir)).toEqual(["a.csnap"]); // no .part left behind
    expect(client.stats().byRoute["GET <download link>"].count).toBe(3);
  });

  it("the placeholder body `csnap` means not ready: waits and retries", async () => {
    let n = 0;
    srv.handle((_q, res) => (++n === 1 ? send(res, Buffer.from("csnap")) : send(res, payload)));
    const { client, clock } = makeClient(srv.url);
    const r = await client.downloadToFile(`${srv.url}/dl/b`, join(dir, "b.csnap"));
    expect(r.sha256).toBe(sha);
    expect(srv.seen).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
  });

  it("a truncated download (connection closed before Content-Length bytes) is an error, never a file", async () => {
    srv.handle((_q, res) => {
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(payload.length) });
      res.write(payload.subarray(0, 100_000), () => setTimeout(() => drop(res), 20));
    });
    const { client } = makeClient(srv.url, { maxRetries: 2 });
    const file = join(dir, "c.csnap");
    const e = await failure(() => client.downloadToFile(`${srv.url}/dl/c`, file));
    expect(e.message).toMatch(/truncated download: got \d+ of 3145745 bytes/);
    expect(srv.seen).toHaveLength(3);
    await expect(readFile(file)).rejects.toThrow();
    await expect(readFile(`${file}.part`)).rejects.toThrow();
  });

  it("expectedBytes mismatch is an error", async () => {
    srv.handle((_q, res) => send(res, payload));
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.downloadToFile(`${srv.url}/dl/d`, join(dir, "d.csnap"), { expectedBytes: 10 }));
    expect(e.message).toContain(`download size ${payload.length} bytes, expected 10`);
  });

  it("401 without the key on the API host: retried once with X-API-Key", async () => {
    srv.handle((q, res) => (q.headers["x-api-key"] === KEY ? send(res, payload) : problem(res, 401, "key needed")));
    const { client } = makeClient(srv.url);
    const r = await client.downloadToFile(`${srv.url}/dl/e`, join(dir, "e.csnap"));
    expect(r.sha256).toBe(sha);
    expect(srv.seen.map((s) => s.headers["x-api-key"] ?? "none")).toEqual(["none", KEY]);
  });

  it("401 on another host: the key is never sent there", async () => {
    srv.handle((_q, res) => problem(res, 403, "denied"));
    const { client } = makeClient(srv.url);
    const other = srv.url.replace("127.0.0.1", "localhost");
    const e = await failure(() => client.downloadToFile(`${other}/dl/f?sig=abc`, join(dir, "f.csnap")));
    expect(srv.seen.length).toBeGreaterThanOrEqual(1);
    for (const s of srv.seen) expect(s.headers["x-api-key"]).toBeUndefined();
    expect(e.message).toContain("refused");
    expect(e.message).not.toContain("sig=abc");
  });

  it("memory stays flat while streaming a large body", async () => {
    const chunk = randomBytes(1024 * 1024);
    // 192 MB: a buffering client grows by at least the whole body before it writes; a streaming one by what the GC has
    // not reclaimed yet (RSS +78..81 MB seen on Node 24, +50 MB for a 64 MB body, which broke a fixed 48 MB bound once)
    const total = 192;
    srv.handle((_q, res) => {
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(chunk.length * total) });
      let i = 0;
      const pump = () => {
        while (i < total) {
          i++;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const { client } = makeClient(srv.url);
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const r = await client.downloadToFile(`${srv.url}/dl/g`, join(dir, "g.csnap"));
    clearInterval(timer);
    expect(r.bytes).toBe(chunk.length * total);
    expect(peak - before).toBeLessThan((chunk.length * total * 3) / 4);
  });
});
