// Client benchmark: per-request overhead vs raw fetch, batch chunking speed, streamed download memory, 429-storm completion.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chunkOperations, CognigyClient } from "../src/cognigy/index.js";

async function server(handler: (path: string, res: import("node:http").ServerResponse) => void) {
  const s = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req.url ?? "/", res));
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

export async function bench(): Promise<void> {
  const N = 2000;
  const body = JSON.stringify({ _id: "65f000000000000000000001", status: "done", name: "trainIntents" });
  const payload = Buffer.alloc(1024 * 1024, 7);
  let storm = 0;
  const srv = await server((path, res) => {
    if (path.startsWith("/dl")) {
      res.writeHead(200, { "Content-Length": String(payload.length * 128) });
      let i = 0;
      const pump = () => {
        while (i < 128) {
          i++;
          if (!res.write(payload)) return res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    if (path.includes("storm") && ++storm % 7 === 0) {
      res.writeHead(429, { "Retry-After": "1", "Content-Type": "application/json" });
      return res.end('{"status":429,"title":"Too Many Requests"}');
    }
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(body);
  });
  const dir = await mkdtemp(join(tmpdir(), "cognigy-bench-"));
  try {
    // 1. per-request overhead (after a warm-up of both paths)
    const client = new CognigyClient({ baseUrl: srv.url, apiKey: "bench-key", rateLimit: 1_000_000 });
    for (let i = 0; i < 300; i++) {
      JSON.parse(await (await fetch(`${srv.url}/new/v2.0/tasks/65f000000000000000000001`, { headers: { "X-API-Key": "k" } })).text());
      await client.getTask("65f000000000000000000001");
    }
    let t = performance.now();
    for (let i = 0; i < N; i++) JSON.parse(await (await fetch(`${srv.url}/new/v2.0/tasks/65f000000000000000000001`, { headers: { "X-API-Key": "k" } })).text());
    const raw = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < N; i++) await client.getTask("65f000000000000000000001");
    const ours = performance.now() - t;
    console.log(`GET x${N}: raw fetch ${(raw / N).toFixed(3)} ms/req, client ${(ours / N).toFixed(3)} ms/req (budget+stats+retry wrapper), ratio ${(ours / raw).toFixed(2)}x`);

    // 2. chunking 20k sentence operations
    const ops = Array.from({ length: 20_000 }, (_, i) => ({ op: "create" as const, value: { text: `utterance number ${i} ${"x".repeat(i % 200)}`, localeId: "65f000000000000000000002" } }));
    t = performance.now();
    const chunks = chunkOperations(ops);
    const chunkMs = performance.now() - t;
    t = performance.now();
    JSON.stringify(ops);
    const stringifyMs = performance.now() - t;
    console.log(`chunk 20k ops into ${chunks.length} calls: ${chunkMs.toFixed(1)} ms (one JSON.stringify of all: ${stringifyMs.toFixed(1)} ms, ratio ${(chunkMs / stringifyMs).toFixed(2)}x)`);

    // 3. streamed download: 128 MB, memory
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    t = performance.now();
    const r = await client.downloadToFile(`${srv.url}/dl/x`, join(dir, "x.csnap"));
    const dlMs = performance.now() - t;
    clearInterval(timer);
    console.log(
      `download ${(r.bytes / 1048576).toFixed(0)} MB with SHA-256: ${((r.bytes / 1048576 / dlMs) * 1000).toFixed(0)} MB/s, peak RSS +${((peak - rss0) / 1048576).toFixed(1)} MB (${(((peak - rss0) / r.bytes) * 100).toFixed(1)}% of the file)`,
    );

    // 4. a 429 storm (1 in 7), fake sleep: every request completes
    let waited = 0;
    const now = () => Date.now() + waited; // a clock that jumps by every simulated sleep
    const stormClient = new CognigyClient({ baseUrl: srv.url, apiKey: "bench-key", rateLimit: 0, now, sleep: async (ms) => void (waited += ms) });
    let ok = 0;
    for (let i = 0; i < 700; i++) {
      await stormClient.getFlow(`storm${i}`);
      ok++;
    }
    const st = stormClient.stats();
    console.log(`429 storm (1/7): ${ok}/700 calls completed, ${st.total} requests, ${st.retries} retries, ${Math.round(waited / 1000)} s of Retry-After honoured (simulated)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await srv.close();
  }
}
