// The worker of fitMany (src/classifier/pool.ts): fits its jobs one after another and sends the models back as
// transferred typed arrays. Built as dist/fit-worker.js.
import { parentPort, workerData } from "node:worker_threads";
import { fitClassifierSync } from "./model.js";
import type { FitWorkerReply, FitWorkerRequest } from "./pool.js";

const req = workerData as FitWorkerRequest;
try {
  const parts = req.jobs.map((j) => fitClassifierSync(j.data, { seed: j.seed }).toParts());
  const reply: FitWorkerReply = { ok: true, parts };
  parentPort?.postMessage(
    reply,
    parts.flatMap((p) => [p.buckets.buffer, p.idf.buffer, p.weights.buffer, p.bias.buffer] as ArrayBuffer[]),
  );
} catch (e) {
  const reply: FitWorkerReply = { ok: false, error: e instanceof Error ? e.message : String(e) };
  parentPort?.postMessage(reply);
}
