// Fits several classifiers at once: one on this thread, the others in worker threads (one per spare core), each with
// fitClassifierSync on the same data and seed, so the models are the same as fitted one after another here (the
// weights come back as transferred typed arrays). Used by the local estimate: base and head, every flow × locale.
//
// The worker is dist/fit-worker.js, an entry of the bundle. Run from the TypeScript sources (tests, benches under
// tsx) there is no runnable worker file and every fit runs on this thread; COGNIGY_NLU_FIT_THREADS=1 forces that too.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { autoEpochs, Classifier, type ClassifierParts, fitClassifier, type LabeledText } from "./model.js";

export interface FitJob {
  data: LabeledText[];
  seed: number;
}

/** What the worker receives and answers. */
export interface FitWorkerRequest {
  jobs: FitJob[];
}
export type FitWorkerReply = { ok: true; parts: ClassifierParts[] } | { ok: false; error: string };

/**
 * The worker entry next to the bundle (dist/fit-worker.js), or undefined when running from sources. Benches run from
 * sources point COGNIGY_NLU_FIT_WORKER at a built dist/fit-worker.js to time the threaded path.
 */
export function workerFile(from: string = import.meta.url, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.COGNIGY_NLU_FIT_WORKER) return env.COGNIGY_NLU_FIT_WORKER;
  if (!from.startsWith("file:") || !from.endsWith(".js")) return undefined;
  for (const rel of ["./fit-worker.js", "../fit-worker.js"]) {
    const f = fileURLToPath(new URL(rel, from));
    if (existsSync(f)) return f;
  }
  return undefined;
}

/** Threads to use: COGNIGY_NLU_FIT_THREADS when set (≥ 1), else the machine's parallelism, at most 4. */
export function fitThreads(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number.parseInt(env.COGNIGY_NLU_FIT_THREADS ?? "", 10);
  if (Number.isFinite(v) && v >= 1) return Math.min(v, 16);
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Below this much work in all (cost units, see `cost`) every fit runs on this thread. Measured here: CLINC150 (18,000
 * examples × 4 epochs × 150 labels = 10.8M) fits in ≈ 5 s, the example bot's locale (454 × 40 × 16 = 0.29M) in ≈ 0.1 s;
 * 1.5M is ≈ 0.5 s of fitting, well above a worker's start.
 */
export const MIN_THREADED_COST = 1_500_000;

/** Work of one fit, for balancing: example updates × labels (the SGD's inner loop). */
function cost(j: FitJob): number {
  return j.data.length * autoEpochs(j.data.length) * new Set(j.data.map((d) => d.label)).size;
}

function runWorker(file: string, jobs: FitJob[]): Promise<Classifier[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(file, { workerData: { jobs } satisfies FitWorkerRequest, stdout: false, stderr: false });
    let done = false;
    w.once("message", (m: FitWorkerReply) => {
      done = true;
      void w.terminate();
      if (m.ok) resolve(m.parts.map((p) => Classifier.fromParts(p)));
      else reject(new Error(m.error));
    });
    w.once("error", (e) => {
      done = true;
      reject(e);
    });
    w.once("exit", (code) => {
      if (!done) reject(new Error(`fit worker exited with code ${code}`));
    });
  });
}

/**
 * Fits every job; results in job order. Jobs are spread over `threads` (this one included) by cost, biggest first;
 * a worker that fails to start or crashes has its jobs fitted here instead (same result, slower).
 */
export async function fitMany(
  jobs: FitJob[],
  opts: { threads?: number; worker?: string | null; minCost?: number; stats?: { workerJobs: number; fallbackJobs: number } } = {},
): Promise<Classifier[]> {
  const file = opts.worker === null ? undefined : (opts.worker ?? workerFile());
  const threads = Math.min(jobs.length, opts.threads ?? fitThreads());
  const out: Classifier[] = new Array(jobs.length);
  const here = async (idx: number[]) => {
    for (const i of idx) out[i] = await fitClassifier(jobs[i].data, { seed: jobs[i].seed });
  };
  // a worker costs tens of ms to start (a thread, the model's chunk): small fits (the example bot: 2 × ~0.3M) stay here
  const total = jobs.reduce((t, j) => t + cost(j), 0);
  if (!file || threads < 2 || total < (opts.minCost ?? MIN_THREADED_COST)) {
    await here(jobs.map((_, i) => i));
    return out;
  }
  // Longest-processing-time-first onto `threads` bins; bin 0 stays on this thread.
  const order = jobs.map((j, i) => ({ i, c: cost(j) })).sort((a, b) => b.c - a.c || a.i - b.i);
  const bins: { load: number; idx: number[] }[] = Array.from({ length: threads }, () => ({ load: 0, idx: [] }));
  for (const { i, c } of order) {
    const b = bins.reduce((m, x) => (x.load < m.load ? x : m));
    b.load += c;
    b.idx.push(i);
  }
  const remote = bins.slice(1).filter((b) => b.idx.length);
  const running = remote.map((b) =>
    runWorker(
      file,
      b.idx.map((i) => jobs[i]),
    ).then(
      (cs) => {
        for (const [k, c] of cs.entries()) out[b.idx[k]] = c;
        if (opts.stats) opts.stats.workerJobs += cs.length;
      },
      () => {
        if (opts.stats) opts.stats.fallbackJobs += b.idx.length;
        return here(b.idx);
      },
    ),
  );
  await here(bins[0].idx);
  await Promise.all(running);
  return out;
}
