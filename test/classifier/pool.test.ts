// fitMany (src/classifier/pool.ts): fits on worker threads (the built dist/fit-worker.js, as the Action and the CLI run
// it) give exactly the models fitted one after another on this thread, in job order; a worker that cannot start has its
// jobs fitted here.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Classifier, fitClassifierSync, fitMany, fitThreads, trainingSeed } from "../../src/classifier/index.js";
import { workerFile } from "../../src/classifier/pool.js";
import { clincSlice, hwuSlice } from "../datasets.js";
import { ensureCli, ROOT } from "../reliability/dist.js";

const WORKER = join(ROOT, "dist", "fit-worker.js");

function jobs() {
  const c = clincSlice();
  const h = hwuSlice();
  const sets = [
    c.train.filter((_, i) => i % 3 === 0).map(([text, label]) => ({ text, label })),
    h.train.filter((_, i) => i % 2 === 0).map(([text, label]) => ({ text, label })),
    c.train.slice(0, 400).map(([text, label]) => ({ text, label })),
  ];
  return sets.map((data) => ({ data, seed: trainingSeed(data) }));
}

/** sha256 of each part of a fitted model (labels, buckets, idf, weights, bias): equal digests, equal bytes. */
function bytes(c: Classifier): string[] {
  const p = c.toParts();
  const h = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  return [h(Buffer.from(JSON.stringify([p.labels, p.temperature]))), ...[p.buckets, p.idf, p.weights, p.bias].map((a) => `${a.length}:${h(Buffer.from(a.buffer, a.byteOffset, a.byteLength))}`)];
}

describe("fitMany", () => {
  beforeAll(() => {
    ensureCli();
  }, 300_000);

  it("finds the worker beside the bundle, and none beside the TypeScript sources", () => {
    expect(workerFile(new URL("file:///x/dist/chunks/chunk-ABC.js").href, {})).toBeUndefined(); // no such file
    expect(workerFile(`file://${join(ROOT, "dist", "chunks", "any-chunk.js")}`, {})).toBe(WORKER);
    expect(workerFile(`file://${join(ROOT, "dist", "index.js")}`, {})).toBe(WORKER);
    expect(workerFile(`file://${join(ROOT, "src", "classifier", "pool.ts")}`, {})).toBeUndefined();
  });

  it("gives, on three threads, byte for byte the models fitted one after another here, in job order", async () => {
    const js = jobs();
    const stats = { workerJobs: 0, fallbackJobs: 0 };
    const parallel = await fitMany(js, { worker: WORKER, threads: 3, minCost: 0, stats });
    expect(stats).toEqual({ workerJobs: 2, fallbackJobs: 0 }); // two jobs on two workers, one here
    const serial = js.map((j) => fitClassifierSync(j.data, { seed: j.seed }));
    expect(parallel).toHaveLength(3);
    parallel.forEach((m, i) => {
      expect(m.labels).toEqual(serial[i].labels);
      expect(bytes(m)).toEqual(bytes(serial[i]));
      expect(m.predict("what is my balance")).toEqual(serial[i].predict("what is my balance"));
    });
  }, 120_000);

  it("fits here the jobs of a worker that cannot start", async () => {
    const js = jobs().slice(1);
    const stats = { workerJobs: 0, fallbackJobs: 0 };
    const out = await fitMany(js, { worker: join(ROOT, "no-such-worker.js"), threads: 2, minCost: 0, stats });
    expect(stats).toEqual({ workerJobs: 0, fallbackJobs: 1 });
    const serial = js.map((j) => fitClassifierSync(j.data, { seed: j.seed }));
    out.forEach((m, i) => {
      expect(bytes(m)).toEqual(bytes(serial[i]));
    });
  }, 120_000);

  it("keeps small fits on this thread: a worker's start costs more than they do", async () => {
    const small = [0, 1].map((k) => {
      const data = hwuSlice()
        .train.filter((_, i) => i % 15 === k)
        .map(([text, label]) => ({ text, label }));
      return { data, seed: trainingSeed(data) };
    });
    const stats = { workerJobs: 0, fallbackJobs: 0 };
    await fitMany(small, { worker: WORKER, threads: 2, stats });
    expect(stats).toEqual({ workerJobs: 0, fallbackJobs: 0 });
    await fitMany(small, { worker: WORKER, threads: 2, minCost: 0, stats });
    expect(stats).toEqual({ workerJobs: 1, fallbackJobs: 0 });
  }, 120_000);

  it("reads COGNIGY_NLU_FIT_THREADS and otherwise uses the machine's cores, at most 4", () => {
    expect(fitThreads({ COGNIGY_NLU_FIT_THREADS: "1" })).toBe(1);
    expect(fitThreads({ COGNIGY_NLU_FIT_THREADS: "3" })).toBe(3);
    const auto = fitThreads({});
    expect(auto).toBeGreaterThanOrEqual(1);
    expect(auto).toBeLessThanOrEqual(4);
    expect(fitThreads({ COGNIGY_NLU_FIT_THREADS: "zero" })).toBe(auto);
  });
});
