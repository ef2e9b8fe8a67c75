// Combines shard reports (`report merge`) into one (pure): metrics recomputed from the concatenated predictions.
import { UserError } from "../errors.js";
import type { RequestStats } from "../cognigy/types.js";
import type { Report } from "../report/types.js";
import { comparePaired } from "./compare.js";
import { computeMetrics, metricsByLocale, toScored } from "./metrics.js";
import { deleteRunPreviews } from "./preview.js";
import type { PipelineDeps } from "./types.js";

/** Default flow threshold when a report carries none (Cognigy's intent threshold default, see evaluate.ts). */
const FALLBACK_THRESHOLD = 0.4;

function shardOf(r: Report): { index: number; count: number } | undefined {
  const s = r.evaluation?.shard ?? r.metrics?.shard;
  const m = s ? /^(\d+)\/(\d+)$/.exec(s) : null;
  return m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
}

function addStats(a: RequestStats | undefined, b: RequestStats | undefined): RequestStats | undefined {
  if (!a) return b ? structuredClone(b) : undefined;
  if (!b) return a;
  const byRoute = { ...a.byRoute };
  for (const [k, v] of Object.entries(b.byRoute)) {
    const o = byRoute[k] ?? { count: 0, errors: 0, totalMs: 0 };
    byRoute[k] = { count: o.count + v.count, errors: o.errors + v.errors, totalMs: o.totalMs + v.totalMs };
  }
  return { total: a.total + b.total, retries: a.retries + b.retries, waitedMs: a.waitedMs + b.waitedMs, byRoute };
}

/**
 * Merges the reports of `--shard i/n` runs. Shards are ordered by index, so the merged predictions are in the unsharded
 * order and every metric (except latency, which was measured separately) equals an unsharded run's. The gate is not
 * applied here (the caller applies it to the merged metrics).
 */
export function mergeReports(reports: readonly { name: string; report: Report }[]): { report: Report; notes: string[] } {
  if (reports.length === 0) throw new UserError("report merge: give the shard report.json files to merge");
  const notes: string[] = [];
  const seen = new Map<number, string>();
  let count: number | undefined;
  for (const { name, report } of reports) {
    if (report?.version !== 1) throw new UserError(`${name}: not a cognigy-nlu report.json (version 1)`);
    if (!Array.isArray(report.predictions)) {
      throw new UserError(`${name}: has no per-utterance predictions to merge`, "merge the report.json files written by `evaluate --shard i/n` (or release/check) runs");
    }
    const s = shardOf(report);
    if (s) {
      if (count !== undefined && s.count !== count) throw new UserError(`${name}: shard ${s.index}/${s.count} does not match the other reports' /${count}`);
      count = s.count;
      const prev = seen.get(s.index);
      if (prev) throw new UserError(`${name}: shard ${s.index}/${s.count} is also in ${prev}`);
      seen.set(s.index, name);
    }
  }
  if (count !== undefined) {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
    if (missing.length) notes.push(`shards ${missing.map((i) => `${i}/${count}`).join(", ")} missing: the merged metrics cover only part of the test set`);
  }
  const ordered = [...reports].sort((a, b) => (shardOf(a.report)?.index ?? 0) - (shardOf(b.report)?.index ?? 0));
  const first = ordered[0].report;
  const predictions = ordered.flatMap((r) => r.report.predictions ?? []);
  const threshold = first.evaluation?.threshold ?? first.metrics?.outOfScope?.threshold ?? FALLBACK_THRESHOLD;
  const metrics = computeMetrics(toScored(predictions), { threshold });
  let requests: RequestStats | undefined;
  for (const r of ordered) requests = addStats(requests, r.report.requests);
  const failed = ordered.filter((r) => r.report.status === "failure");
  const startedAt = ordered.map((r) => r.report.startedAt).sort()[0];
  const finishedAt = ordered
    .map((r) => r.report.finishedAt ?? "")
    .sort()
    .at(-1);
  const merged: Report = {
    ...structuredClone(first),
    status: failed.length ? "failure" : "success",
    startedAt,
    finishedAt: finishedAt || undefined,
    metrics,
    predictions,
    evaluation: {
      ...(first.evaluation ?? { threshold, testsPerIntent: metrics.perIntent ? Object.fromEntries(Object.entries(metrics.perIntent).map(([k, v]) => [k, v.support])) : {}, heldOutBySplit: 0, totalTests: predictions.length }),
      threshold,
      scored: predictions.length,
      shard: undefined,
      mergedShards: ordered.map((r) => (shardOf(r.report) ? `${shardOf(r.report)?.index}/${shardOf(r.report)?.count}` : r.name)),
      byLocale: metricsByLocale(predictions, threshold),
    },
    requests,
    timings: ordered.flatMap((r) => r.report.timings.map((t) => ({ ...t, step: shardOf(r.report) ? `${t.step} (shard ${shardOf(r.report)?.index})` : t.step }))),
    gate: undefined,
    error: failed.length ? { step: "merge", message: `${failed.map((f) => f.name).join(", ")} failed` } : undefined,
  };
  delete merged.evaluation?.shard;
  delete merged.basePredictions;
  delete merged.comparison;
  // a sharded check: every shard's base predictions (the deployed model on the same utterances) paired with the merged
  // head predictions, as an unsharded check would have compared them
  const based = ordered.filter((r) => r.report.basePredictions);
  if (based.length) {
    const b = based[0].report.basePredictions as NonNullable<Report["basePredictions"]>;
    if (based.length < ordered.length) notes.push(`${ordered.length - based.length} of ${ordered.length} reports have no base predictions: the comparison covers the others' utterances only`);
    const base = based.flatMap((r) => r.report.basePredictions?.predictions ?? []);
    const baseLabels = b.baseLabels ? new Map(Object.entries(b.baseLabels).map(([k, v]) => [k, new Set(v)])) : undefined;
    const c = comparePaired(base, predictions, { baseRef: b.ref, engine: b.engine, widen: b.widen, renames: b.renames, baseLabels });
    if (c.excluded >= predictions.length) notes.push(`no comparison: all ${predictions.length} tests are in the deployed model's training data`);
    else if (c.head.metrics.total === 0) notes.push(`no comparison: none of the ${predictions.length} tests is of an intent the deployed model can predict`);
    else merged.comparison = c;
  }
  const previews = ordered.map((r) => r.report.preview).filter((p): p is NonNullable<Report["preview"]> => Boolean(p));
  if (previews.length) merged.preview = { ...previews[0], flows: [...new Set(previews.flatMap((p) => p.flows))] };
  merged.summary = `merged ${ordered.length} report${ordered.length === 1 ? "" : "s"}: ${metrics.total} utterances, accuracy ${metrics.accuracy.toFixed(3)}, macro F1 ${metrics.macroF1.toFixed(3)}`;
  return { report: merged, notes };
}

/** The distinct preview owners and runs the reports name (a sharded check's shards all name the same one). */
export function mergedPreviewRuns(reports: readonly { report: Report }[]): { owner: string; run: string }[] {
  const out = new Map<string, { owner: string; run: string }>();
  for (const { report } of reports) {
    const p = report?.preview;
    if (!p || typeof p.owner !== "string" || typeof p.run !== "string" || !p.owner || !p.run) continue;
    out.set(`${p.owner}\u0000${p.run}`, { owner: p.owner, run: p.run });
  }
  return [...out.values()];
}

/**
 * `report merge` of a sharded check: deletes the preview flows of the merged run(s), found by their tag (owner + run)
 * in the configured project; only flows carrying that tag are deleted. Returns the names deleted and failed.
 */
export async function deleteMergedPreviews(
  deps: Pick<PipelineDeps, "client" | "logger" | "now">,
  project: string,
  runs: readonly { owner: string; run: string }[],
): Promise<{ deleted: string[]; failed: string[] }> {
  const out = { deleted: [] as string[], failed: [] as string[] };
  if (!runs.length) return out;
  const p = await deps.client.resolveProject(project);
  const now = (deps.now ?? Date.now)();
  for (const r of runs) {
    const d = await deleteRunPreviews(deps.client, deps.logger, { projectId: p._id, now, owner: r.owner, run: r.run });
    out.deleted.push(...d.deleted);
    out.failed.push(...d.failed);
  }
  return out;
}
