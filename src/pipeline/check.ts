// Check (pull request): the PR's own data judged against what is deployed. With a key, a tagged preview flow in Cognigy
// holds the PR's data (production is never written), is trained and scored, and is deleted when the check ends; the
// deployed model (production as last trained) scores the same utterances. Without a key (or --estimate), the local
// estimate trains the local classifier on the base and head data. Nothing scored → status `not evaluated`.
import { CognigyApiError } from "../cognigy/errors.js";
import type { RunConfig } from "../config/options.js";
import { normalize } from "../dataset/normalize.js";
import type { Dataset, FlowData } from "../dataset/types.js";
import { errorMessage, UserError } from "../errors.js";
import type { Comparison, Report } from "../report/types.js";
import { pEquals } from "../report/comparison.js";
import { comparePaired, losers, signed } from "./compare.js";
import { computeDrift, driftSummary, maskDrift } from "./drift/compute.js";
import { diffFlow, deletionCount, deletionLimit, isEmptyDiff } from "./diff.js";
import { type BasePrefetch, chooseBase, ESTIMATE_NOTE, localEstimate, prefetchBase, readBaseData, readEventBase } from "./estimate.js";
import { GitUnavailable, resolveCommit } from "./git.js";
import { DEFAULT_THRESHOLD, evaluateFlows, scoreTests, selectTests, trainingTexts } from "./evaluate.js";
import { computeMetrics, metricsByLocale, toScored } from "./metrics.js";
import { type FlowPlanDetail, flowPlanReport, type PlanResult, planTotals, readRemoteFlow } from "./plan.js";
import { findPrepared, makePreview, removeStalePreviews, type PreviewFlow, type PreviewTag, previewName, previewOwner, previewTarget, runIdFrom, sameState } from "./preview.js";
import { detectRenames, examplesOf, labelKey, type ModelLabels, type Rename } from "./renames.js";
import { isPromotion } from "./snapshots.js";
import { confusedWith, selectWithinBudget, touchedIntents } from "./selection.js";
import { syncFlows } from "./sync.js";
import { trainFlows } from "./train.js";
import { Runner, StepFailed } from "./run.js";
import { splitFlow, type TestItem } from "./testset.js";
import type { FlowState, RunDeps, Target } from "./types.js";
import type { ValidateResult } from "./validate.js";
import { fitMany, trainingSeed } from "../classifier/index.js";

type CheckRun = RunConfig & { failOnDrift?: boolean };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What the check tells in its summary besides the metrics. */
interface CheckState {
  notes: string[];
  drift: string;
  /** Preview flows this run created (deleted in the end, whatever happened). */
  previews: { id: string; name: string }[];
}

/**
 * Why no test is left to score: the sample or shard selected none, every test was left out (leaked into the examples,
 * trained on — the counts), or there are none at all.
 */
function noTestsReason(t: { all: readonly unknown[]; excluded?: { count: number; reason: string } }): string {
  if (t.all.length) return "every test was left out (evaluate.sample or the shard selected none)";
  if (t.excluded) return `every test was left out of the evaluation: ${t.excluded.reason}`;
  return "the training data has no test utterances (add `tests:` to intents or tests/*.yml, or set evaluate.split)";
}

/** Marks the report `not evaluated` with the reason (no metrics of 0.000 anywhere). */
function notEvaluated(r: Runner, run: RunConfig, reason: string, engine?: "cognigy" | "local"): void {
  r.report.status = "not evaluated";
  delete r.report.metrics;
  delete r.report.predictions;
  delete r.report.comparison;
  r.report.evaluation = {
    threshold: 0,
    testsPerIntent: {},
    heldOutBySplit: 0,
    totalTests: 0,
    scored: 0,
    subject: "head",
    ...(engine ? { engine } : {}),
    skipped: reason,
    ...(run.config.check.allowUnevaluated ? { unevaluatedAllowed: true } : {}),
  };
  r.deps.logger.warn(`not evaluated: ${reason}`);
}

/** "macro F1 0.912 → 0.871 (−0.041, significant) · OrderPizza −0.30 · CancelOrder −0.12". */
export function comparisonLine(c: Comparison, alpha = 0.05): string {
  const sig = c.significance.pValue < alpha ? "significant" : `not significant, ${pEquals(c.significance.pValue)}`;
  const lost = losers(c)
    .slice(0, 3)
    .map(([n, d]) => `${n} ${signed(d, 2)}`);
  return [`macro F1 ${c.base.metrics.macroF1.toFixed(3)} → ${c.head.metrics.macroF1.toFixed(3)} (${signed(c.delta.macroF1, 3)}, ${sig})`, ...lost].join(" · ");
}

/**
 * Check (pull request): validate → (key) plan → drift → preview flow (clone of production, the PR's diff applied) →
 * train → evaluate head on the preview and the deployed model on the same utterances → paired comparison → gate →
 * delete the preview. Without a key or with --estimate: validate → local estimate (base at --base-ref vs head) →
 * comparison → gate. A fork PR is never failed for lack of secrets; a check that scores nothing is `not evaluated`.
 */
export async function runCheck(run: CheckRun, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "check");
  const o = run.check ?? {};
  const st: CheckState = { notes: [], drift: "", previews: [] };
  return r.execute(
    async () => {
      // the local estimate's base read (git, and a fetch when the clone lacks the base) starts now, under validation
      const prefetch =
        !o.validateOnly && (!r.canConnect || o.estimate)
          ? prefetchBase({ cwd: run.root, config: run.config, baseRef: run.check?.baseRef, configPath: run.configPath })
          : undefined;
      let v: ValidateResult;
      try {
        v = await r.validate();
      } catch (e) {
        prefetch?.cancel();
        throw e;
      }
      if (o.validateOnly) {
        st.notes.push("validate only: plan and evaluation were skipped");
        r.skip("plan", "validate mode");
        return;
      }
      if (!r.canConnect || o.estimate) {
        try {
          await withEstimate(r, run, v, st, o.estimate ? "--estimate" : "no API key (COGNIGY_API_KEY)", false, prefetch);
        } finally {
          prefetch?.cancel();
        }
        return;
      }
      const cleanup = () => deletePreviews(r, st);
      const onSignal = () => {
        void cleanup().finally(() => process.exit(130));
      };
      // a cancelled job (GitHub sends SIGINT, then SIGTERM) still deletes its preview where it can
      if (!o.prepare) {
        process.once("SIGTERM", onSignal);
        process.once("SIGINT", onSignal);
      }
      try {
        await withPreview(r, run, v, st);
      } catch (e) {
        // a shard's predictions must all be Cognigy's (report merge pairs them): no estimate stands in
        if (isShard(run)) throw e;
        if (!(e instanceof StepFailed) || !r.report.error || ["validate", "plan"].includes(r.report.error.step)) throw e;
        // Cognigy failed after the plan: the local estimate stands in (and says so); the failure stays in the notes.
        const failed = `Cognigy failed at ${r.report.error.step}: ${r.report.error.message}`;
        deps.logger.warn(`${failed}; falling back to the local estimate`);
        delete r.report.error;
        r.report.status = "success";
        delete r.report.training;
        await withEstimate(r, run, v, st, failed, true);
      } finally {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
        if (!o.prepare) await cleanup();
      }
    },
    (rep) => checkSummary(rep, st),
  );
}

function checkSummary(rep: Report, st: CheckState): string {
  const notes = [...(st.drift ? [st.drift] : []), ...st.notes];
  const tail = notes.length ? `; ${notes.join("; ")}` : "";
  if (rep.status === "not evaluated") {
    const allowed = rep.evaluation?.unevaluatedAllowed ? " (check.allowUnevaluated)" : "";
    return `check not evaluated${allowed}: ${rep.evaluation?.skipped ?? "nothing was scored"}${rep.plan ? `; plan ${planText(rep)}` : ""}${tail}`;
  }
  const head = `check ${rep.status === "success" ? "passed" : "failed"}`;
  if (!rep.metrics) {
    const warnings = rep.findings.filter((f) => f.severity === "warning").length;
    return `${head}: the training data is valid (${plural(warnings, "warning")})${tail}`;
  }
  const engine = rep.evaluation?.engine === "local" ? `local estimate (${ESTIMATE_NOTE})` : rep.evaluation?.subject === "deployed" ? "deployed model" : "preview model";
  const what = rep.comparison ? comparisonLine(rep.comparison) : `macro F1 ${rep.metrics.macroF1.toFixed(3)}`;
  const gate = rep.gate ? (rep.gate.passed ? ", gate passed" : `, gate failed: ${rep.gate.reasons[0]}${rep.gate.reasons.length > 1 ? ` (+${rep.gate.reasons.length - 1} more)` : ""}`) : "";
  return `${head}: ${what} [${engine}]${gate}${rep.plan ? `; plan ${planText(rep)}` : ""}${tail}`;
}

function planText(rep: Report): string {
  const t = rep.plan?.totals;
  if (!t || rep.plan?.empty) return "no changes";
  const parts: string[] = [];
  if (t.createIntents || t.updateIntents || t.deleteIntents) parts.push(`intents +${t.createIntents} ~${t.updateIntents} −${t.deleteIntents}`);
  if (t.addSentences || t.removeSentences) parts.push(`sentences +${t.addSentences} −${t.removeSentences}`);
  return parts.join(", ") || "no changes";
}

/** Deletes this run's preview flows (by id, each carrying the tag); a failure only warns (the next check removes it). */
async function deletePreviews(r: Runner, st: CheckState): Promise<void> {
  const list = st.previews.splice(0);
  if (!list.length) return;
  const t0 = Date.now();
  let failed = 0;
  for (const p of list) {
    try {
      await r.client.deleteFlow(p.id);
      r.deps.logger.info(`deleted the preview flow ${p.name}`);
    } catch (e) {
      failed++;
      r.deps.logger.warn(`could not delete the preview flow ${p.name}: ${errorMessage(e)} (the next check of this PR, or release/backup after check.previewMaxAgeHours, deletes it)`);
    }
  }
  r.report.timings.push({ step: "cleanup", ms: Date.now() - t0, outcome: failed ? "failure" : "success" });
  r.deps.audit?.({ step: "cleanup", outcome: failed ? "failure" : "success", counts: { deleted: list.length - failed }, durationMs: Date.now() - t0 });
}

/** The intents the local model (trained on the head's uploaded examples) confuses with the touched ones. */
async function localConfusions(run: RunConfig, dataset: Dataset, tests: readonly TestItem[], touched: ReadonlySet<string>): Promise<Set<string>> {
  const predicted: (string | null)[] = new Array(tests.length).fill(null);
  const jobs: { data: { text: string; label: string }[]; idx: number[] }[] = [];
  for (const f of dataset.flows) {
    const split = splitFlow(f, run.config.evaluate, []);
    for (const key of Object.keys(f.flow.locales)) {
      const data: { text: string; label: string }[] = [];
      for (const [intent, byLocale] of split.uploaded) for (const text of byLocale[key] ?? []) data.push({ text, label: intent });
      if (!data.length) continue;
      const idx = tests.map((t, i) => (t.flow === f.flow.name && t.locale === key ? i : -1)).filter((i) => i >= 0);
      if (idx.length) jobs.push({ data, idx });
    }
  }
  // every flow × locale at once (spare cores in worker threads), then each scores its tests
  const models = await fitMany(jobs.map((j) => ({ data: j.data, seed: trainingSeed(j.data) })));
  jobs.forEach((j, m) => {
    for (const i of j.idx) predicted[i] = models[m].top(tests[i].text)?.name ?? null;
  });
  return confusedWith(tests, predicted, touched);
}

/** One flow's plan against the preview flow: production's split and desired intents, diffed against the preview's state. */
function planAgainstPreview(f: FlowPlanDetail, p: PreviewFlow, remote: FlowPlanDetail["remote"], maxDeletions: number | string): FlowPlanDetail {
  const diff = diffFlow(f.desired, remote, { prune: f.target.flow.prune, locales: f.target.locales.map((l) => l.key), normalize });
  return {
    ...f,
    target: p.target,
    remote,
    diff,
    deletions: deletionCount(diff),
    deletionLimit: deletionLimit(maxDeletions, diff.remoteSentences),
    remoteIntents: remote.length,
    report: flowPlanReport(p.target, diff),
  };
}

/** A note when the endpoints serve a snapshot that may differ from production as last trained (the base). */
async function deployedNote(r: Runner, run: RunConfig, targets: readonly Target[]): Promise<string | undefined> {
  const stale = targets.filter((t) => t.isTrainingOutOfDate).map((t) => t.flow.name);
  const notes: string[] = [];
  if (stale.length) notes.push(`the model of ${stale.join(", ")} is older than its data in Cognigy`);
  const want = run.config.promote.endpoints;
  const projectId = targets[0]?.projectId;
  if (want.length && projectId) {
    try {
      const endpoints = (await r.client.listEndpoints(projectId)).filter((e) => want.includes(e.name) || want.includes(e._id));
      const snaps = await r.client.listSnapshots(projectId);
      const latest = snaps.filter(isPromotion).sort((a, b) => b.createdAt - a.createdAt)[0];
      const byId = new Map(snaps.map((s) => [s._id, s]));
      for (const e of endpoints) {
        const s = e.entrypoint ? byId.get(e.entrypoint) : undefined;
        if (s && s._id !== latest?._id) notes.push(`endpoint ${e.name} serves snapshot ${s.name}, which may differ from production as last trained (the base compared with)`);
      }
    } catch (e) {
      r.deps.logger.debug(`endpoints not checked: ${errorMessage(e)}`);
    }
  }
  return notes.length ? notes.join("; ") : undefined;
}

/** A shard of a sharded check (`check --shard i/n` after `check --prepare`): finds the prepared preview and only scores it. */
function isShard(run: CheckRun): boolean {
  return Boolean(run.shard) && !run.check?.prepare;
}

/** The base's data per flow name, for drift: the given base dataset (demo), else read with git at the base ref. */
async function baseFlows(r: Runner, run: CheckRun): Promise<{ ref: string; flows: Map<string, FlowData> } | { skipped: string }> {
  if (r.deps.baseDataset) return { ref: "the base data", flows: new Map(r.deps.baseDataset.flows.map((f) => [f.flow.name, f])) };
  const chosen = chooseBase(run.check?.baseRef || undefined, readEventBase(process.env));
  if (chosen.missing) return { skipped: chosen.missing };
  try {
    const c = await resolveCommit(run.root, chosen.rev ?? chosen.ref, r.deps.logger);
    const data = await readBaseData(run.root, run.config, c.sha, run.configPath);
    return { ref: `${chosen.ref} (${c.sha.slice(0, 12)})`, flows: new Map(data.map((f) => [f.flow.name, f])) };
  } catch (e) {
    if (!(e instanceof GitUnavailable)) throw e;
    return { skipped: `the base ${chosen.ref} could not be read (${e.message}); pass --base-ref` };
  }
}

/**
 * Drift in a check: what changed in Cognigy outside git, i.e. production's state against the BASE's data (what main's
 * last release left), never against the PR's head (the PR's own edits are its plan, not drift). A flow the base does
 * not have (new in the PR) has no drift; without a readable base, drift is not judged and the summary says why.
 */
async function checkDrift(r: Runner, run: CheckRun, v: ValidateResult, plan: PlanResult, st: CheckState): Promise<void> {
  const { logger } = r.deps;
  const res = await r.step(
    "drift",
    async () => {
      const base = await baseFlows(r, run);
      if ("skipped" in base) return base;
      const targets: Target[] = [];
      const remote = new Map<string, FlowPlanDetail["remote"]>();
      for (const f of plan.flows) {
        const data = base.flows.get(f.target.flow.name);
        if (f.target.missing || !data || data.intents.length === 0) continue;
        targets.push({ ...f.target, data });
        remote.set(f.target.flowId, f.remote);
      }
      return { ref: base.ref, drift: await computeDrift(run, r.stepDeps, { dataset: v.dataset, targets, remote }) };
    },
    (x) => ("drift" in x ? { ...x.drift.totals } : undefined),
  );
  if ("skipped" in res) {
    st.notes.push(`drift not checked: ${res.skipped}`);
    logger.warn(`drift not checked: ${res.skipped}`);
    return;
  }
  const d = res.drift;
  r.report.drift = maskDrift(d);
  logger.info(`${driftSummary(d)} (Cognigy against ${res.ref})`);
  if (!d.clean) {
    st.drift = driftSummary(d);
    if (run.failOnDrift) {
      r.report.status = "failure";
      st.drift += " (fail-on-drift)";
    }
  }
}

/** With a key: the preview flow path (or, when the PR changes nothing, the deployed model itself). */
async function withPreview(r: Runner, run: CheckRun, v: ValidateResult, st: CheckState): Promise<void> {
  const { logger } = r.deps;
  const sharded = isShard(run);
  const prepare = Boolean(run.check?.prepare);
  const plan = await r.plan(v, { allowMissing: true });
  const targets = plan.flows.map((f) => f.target);
  const missing = targets.filter((t) => t.missing).map((t) => t.flow.name);
  if (missing.length) {
    const one = missing.length === 1;
    const why = `flow${one ? "" : "s"} ${missing.join(", ")} ${one ? "is" : "are"} new in this PR (not in Cognigy yet): ${one ? "its" : "their"} preview is a new flow with no base to compare with (${one ? "its" : "their"} tests face the absolute thresholds alone); release stops until ${one ? "it is" : "they are"} created in Cognigy`;
    st.notes.push(why);
    logger.info(why);
  }
  await checkDrift(r, run, v, plan, st);
  // leftovers: an earlier (cancelled) check of the same owner, and anyone's older than check.previewMaxAgeHours (a
  // shard leaves them alone: the prepared preview is the same owner's)
  const now = (r.deps.now ?? Date.now)();
  const owner = previewOwner(run.check);
  const runId = run.check?.runId ?? runIdFrom(process.env);
  if (prepare || sharded) r.report.preview = { owner: owner.owner, run: runId, flows: [] };
  if (targets[0] && !sharded) {
    await removeStalePreviews(r.client, logger, {
      projectId: targets[0].projectId,
      now,
      maxAgeHours: run.config.check.previewMaxAgeHours,
      owner: owner.owner,
      keep: new Set(targets.filter((t) => !t.missing).map((t) => t.flowId)),
    });
  }
  // the head's tests (what the PR's model is scored on): none at all → nothing to judge, before any write
  const headTests = selectTests(run, plan.flows, { leaked: r.leaked, model: "trained-now" });
  if (headTests.selected.length === 0) {
    notEvaluated(r, run, noTestsReason(headTests), "cognigy");
    return;
  }
  const hasBase = plan.flows.some((f) => f.remote.length > 0);
  const stale = targets.some((t) => t.isTrainingOutOfDate);
  const touched = new Set<string>();
  for (const f of plan.flows) for (const k of touchedIntents(f.target.flow.name, f.diff)) touched.add(k);
  let fraction = 1;
  // Cost ∝ change: when not every test fits, the intents the local model confuses with the touched ones come first.
  const budgetTests = Math.floor(run.config.check.maxRequests / (hasBase ? 2 : 1));
  let confusedSet: Set<string> | undefined;
  if (run.config.check.maxRequests > 0 && headTests.selected.length > budgetTests && touched.size > 0) {
    confusedSet = await r.step("select", () => localConfusions(run, v.dataset, headTests.selected, touched), (s) => ({ confused: s.size }));
    logger.info(`the local model confuses ${plural(confusedSet.size, "other intent")} with the ${plural(touched.size, "intent")} the PR touches`);
  }
  const selectWith = (items: TestItem[]) => {
    const b = selectWithinBudget(items, {
      maxRequests: run.config.check.maxRequests,
      models: plan.plan.empty && !stale ? 1 : hasBase ? 2 : 1,
      touched,
      confused: () => confusedSet ?? new Set(),
      seed: run.config.evaluate.seed,
    });
    fraction = b.fraction;
    logger.info(`tests: ${b.selection.how}`);
    return b;
  };

  if (plan.plan.empty && !stale && hasBase && !missing.length) {
    // The PR does not change what Cognigy learns: the deployed model is the PR's model. Score it once, no preview.
    if (prepare) {
      st.notes.push("the PR does not change the training data: no preview needed, the shards score the deployed model");
      r.skip("evaluate", "--prepare: the shards score the deployed model");
      return;
    }
    const e = await r.step("evaluate", () => evaluateFlows(run, r.stepDeps, { flows: plan.flows, leaked: r.leaked, model: "current", select: selectWith }), (x) => ({ scored: x.predictions.length }));
    if (e.predictions.length === 0) return notEvaluated(r, run, "no test utterance is left to score (every test is a training sentence of the deployed model)", "cognigy");
    r.report.metrics = e.metrics;
    r.report.predictions = e.predictions;
    r.report.evaluation = { ...e.evaluation, model: "current", subject: "deployed", engine: "cognigy" };
    st.notes.push("the PR does not change the training data: the deployed model is the PR's model (no preview, no comparison)");
    await gateOrShard(r, run);
    return;
  }

  // 1. the preview flows: leftovers of this owner (or too old) first, then one clone (or new flow) per production flow;
  // a shard finds the prepared ones by their tag (owner + run), never by name, and neither syncs nor trains them
  const details: FlowPlanDetail[] = [];
  const previews: PreviewFlow[] = [];
  if (sharded) {
    await r.step(
      "preview",
      async () => {
        for (const f of plan.flows) {
          const found = await findPrepared(r.client, { projectId: f.target.projectId, now, owner: owner.owner, run: runId, flow: f.target.flow.name });
          if (!found) {
            throw new UserError(
              `no prepared preview of flow ${f.target.flow.name} for ${owner.label}, run ${runId}`,
              "run `check --prepare` once before the shards, for the same pull request and run (on a laptop, give the shards its run id with --run-id)",
            );
          }
          logger.info(`preview flow ${found.name} (prepared by run ${found.tag.run}, found by its tag)`);
          previews.push({ name: found.name, made: "prepared", target: previewTarget(f.target, found.id, found.referenceId, false) });
        }
        if (r.report.preview) r.report.preview.flows = previews.map((p) => p.name);
        return previews;
      },
      (p) => ({ previews: p.length }),
    );
  } else await r.step(
    "preview",
    async () => {
      for (const f of plan.flows) {
        const tag: PreviewTag = { tool: "cognigy-nlu", kind: "preview", flow: f.target.flow.name, owner: owner.owner, ...(owner.pr !== undefined ? { pr: owner.pr } : {}), run: runId, createdAt: new Date(now).toISOString() };
        const p = await makePreview(r.client, logger, {
          prod: f.target,
          prodIsEmpty: f.remote.length === 0,
          name: previewName(f.target.flow.name, owner.label),
          tag,
          onCreated: (id, name) => {
            if (!prepare) st.previews.push({ id, name });
            if (r.report.preview) r.report.preview.flows.push(name);
          },
        });
        previews.push(p);
        const pr = await readRemoteFlow(r.client, p.target);
        if (!sameState(pr, f.remote)) {
          logger.warn(`the clone of ${f.target.flow.name} differs from production (${plural(pr.length, "intent")} vs ${f.remote.length}): syncing the full desired state into the preview instead of the PR's diff`);
        }
        details.push(planAgainstPreview(f, p, pr, run.config.sync.maxDeletions));
      }
      const previewPlan = { plan: planTotals(details.map((x) => x.report), details.every((x) => isEmptyDiff(x.diff))), flows: details };
      // the preview is disposable: no backup, no deletion limit
      const s = await syncFlows({ ...run, force: true }, r.stepDeps, { plan: previewPlan, backup: null });
      return s;
    },
    (s) => ({ previews: previews.length, writeCalls: s.writeCalls }),
  );
  const flowNames = previews.map((p) => p.name).join(", ");
  // 2. train the preview (a shard's was trained by --prepare)
  if (!sharded) r.report.training = await r.step("train", () => trainFlows(run, r.stepDeps, { targets: previews.map((p) => p.target) }), (t) => ({ tasks: t.tasks.length }));
  if (prepare) {
    st.notes.push(`prepared the preview ${flowNames} (run ${runId}) for the shards: \`check --shard i/n\` of the same run scores it, \`report merge\` compares and deletes it`);
    r.skip("evaluate", "--prepare: the shards score the preview");
    return;
  }
  // 3. head: the preview scored on the head's tests (production's split: the same tests production would be judged on)
  const headStates: FlowState[] = plan.flows.map((f, i) => ({ target: previews[i].target, remote: f.remote, split: f.split }));
  const e = await r.step("evaluate", () => evaluateFlows(run, r.stepDeps, { flows: headStates, leaked: r.leaked, model: "trained-now", select: selectWith }), (x) => ({ scored: x.predictions.length }));
  if (e.predictions.length === 0) return notEvaluated(r, run, "no test utterance was selected for scoring", "cognigy");
  r.report.metrics = e.metrics;
  r.report.predictions = e.predictions;
  r.report.evaluation = { ...e.evaluation, model: "trained-now", subject: "head", engine: "cognigy", flow: flowNames };
  // 4. base: the deployed model on the same utterances, except those it was trained on (left out of the comparison only);
  // a flow new in the PR, or one with no intents in production, has no base: its tests count in head's metrics only
  let comparison: Comparison | undefined;
  const based = plan.flows.filter((f) => !f.target.missing && f.remote.length > 0);
  const unbased = plan.flows.filter((f) => !based.includes(f)).map((f) => f.target.flow.name);
  if (!hasBase) {
    if (!missing.length) st.notes.push("production has no intents yet: no base to compare with, the PR's model faces the absolute thresholds alone");
  } else {
    if (unbased.length) st.notes.push(`no base for ${unbased.join(", ")}: ${unbased.length === 1 ? "its" : "their"} tests are in head's metrics only, not in the comparison`);
    const learnt = new Map(based.map((f) => [f.target.flow.name, trainingTexts(f, "current")]));
    const items = e.tests.filter((t) => learnt.has(t.flow) && !learnt.get(t.flow)?.get(t.locale)?.has(normalize(t.text)));
    const base = await r.step(
      "evaluate-base",
      async () => {
        try {
          return (await scoreTests(run, r.stepDeps, based.map((f) => f.target), items)).predictions;
        } catch (err) {
          const untrained = err instanceof CognigyApiError && err.status >= 400 && err.status < 500 && ![401, 403, 408, 429].includes(err.status);
          if (!untrained) throw err;
          logger.info(`the deployed model cannot be scored (${err.message}): is production trained?`);
          return undefined;
        }
      },
      (p) => ({ scored: p?.length ?? 0 }),
    );
    if (!base) st.notes.push("production has no trained model: no base to compare with, the PR's model faces the absolute thresholds alone");
    else if (sharded) {
      // report merge pairs every shard's base and head predictions (a comparison of one shard would be a fraction's)
      const ref = `deployed: ${based.map((f) => f.target.flow.name).join(", ")} as last trained`;
      const vocab = deployedVocabulary(based);
      r.report.basePredictions = {
        ref,
        engine: "cognigy",
        widen: 1 / Math.sqrt(Math.max(fraction, 1e-9)),
        predictions: base,
        renames: vocab.renames,
        baseLabels: Object.fromEntries([...vocab.baseLabels].map(([k, v]) => [k, [...v].sort()])),
      };
    } else {
      const ref = `deployed: ${based.map((f) => f.target.flow.name).join(", ")} as last trained`;
      const vocab = deployedVocabulary(based);
      const paired = comparePaired(base, e.predictions, { baseRef: ref, engine: "cognigy", widen: 1 / Math.sqrt(Math.max(fraction, 1e-9)), ...vocab });
      logRenames(r, st, paired);
      if (paired.head.metrics.total === 0) {
        // nothing left to pair: an empty comparison (0.000 → 0.000) would read as a result
        const why =
          paired.excluded >= e.predictions.length
            ? `no comparison: all ${plural(paired.excluded, "test")} are in the deployed model's training data (head's metrics face the absolute thresholds alone)`
            : `no comparison: ${unpairedWhy(paired, e.predictions.length)} (head's metrics face the absolute thresholds alone)`;
        st.notes.push(why);
        if (r.report.evaluation) r.report.evaluation.noComparison = why;
        logger.info(why);
      } else {
        comparison = paired;
        r.report.comparison = comparison;
        logger.info(comparisonLine(comparison, run.config.gate.significance));
        if (comparison.excluded) logger.info(`(${plural(comparison.excluded, "test")} the deployed model was trained on: left out of the comparison only)`);
      }
      const n = await deployedNote(r, run, based.map((f) => f.target));
      if (n) st.notes.push(n);
    }
  }
  await gateOrShard(r, run, comparison);
}

/** The gate, except in a shard: `report merge` applies it to the merged report (with the comparison of every shard). */
async function gateOrShard(r: Runner, run: CheckRun, comparison?: Comparison): Promise<void> {
  if (isShard(run) && run.shard) {
    r.skip("gate", `shard ${run.shard.index}/${run.shard.count}: the gate applies to the merged report (cognigy-nlu report merge)`);
    return;
  }
  if (!(await r.gate(comparison))) r.report.status = "failure";
}

/**
 * What the deployed model can predict and which of its intents the PR renamed: production's enabled intents with
 * sentences per flow × locale, and renames detected between production's sentences and the PR's examples.
 */
function deployedVocabulary(flows: readonly FlowPlanDetail[]): { baseLabels: ModelLabels; renames: Rename[] } {
  const baseLabels: ModelLabels = new Map();
  const renames: Rename[] = [];
  for (const f of flows) {
    const name = f.target.flow.name;
    for (const key of Object.keys(f.target.flow.locales)) {
      baseLabels.set(labelKey(name, key), new Set(f.remote.filter((i) => !i.isDisabled && (i.sentences[key]?.length ?? 0) > 0).map((i) => i.name)));
    }
    const base = examplesOf(f.remote.filter((i) => !i.isDisabled).map((i) => ({ name: i.name, texts: i.sentences })));
    const head = examplesOf(f.desired.filter((i) => !i.disabled).map((i) => ({ name: i.name, texts: i.examples })));
    renames.push(...detectRenames(name, base, head));
  }
  return { baseLabels, renames };
}

/** Why a comparison paired nothing: every test trained on by the base, of an intent it cannot predict, or both. */
function unpairedWhy(c: Comparison, tests: number): string {
  const parts: string[] = [];
  if (c.excluded) parts.push(`${plural(c.excluded, "test")} the base model was trained on`);
  if (c.newIntents) parts.push(`${plural(c.newIntents.tests, "test")} of new or renamed intents the base model cannot predict`);
  return `none of the ${plural(tests, "test")} could be paired with the base (${parts.join(", ") || "none scored by the base"})`;
}

/** Logs the renames mapped and the tests of new intents left out (the report's note says the same). */
function logRenames(r: Runner, st: CheckState, c: Comparison): void {
  for (const x of c.renamed ?? []) r.deps.logger.info(`renamed intent: ${x.from} → ${x.to} in ${x.flow} (${Math.round(x.overlap * 100)}% of its examples): the base's predictions of ${x.from} count as ${x.to}`);
  if (c.renamed?.length) st.notes.push(`${plural(c.renamed.length, "renamed intent")} mapped (${c.renamed.map((x) => `${x.from} → ${x.to}`).join(", ")})`);
  if (c.newIntents) {
    r.deps.logger.info(`${plural(c.newIntents.tests, "test")} of new or renamed intents not compared (the base model cannot predict ${c.newIntents.intents.join(", ")})`);
    st.notes.push(`${plural(c.newIntents.tests, "test")} of new/renamed intents not compared`);
  }
}

/** A target for the local path: names and locale keys only (no Cognigy ids). */
function localState(data: FlowData, run: RunConfig): FlowState {
  const target: Target = {
    flow: data.flow,
    data,
    projectId: "",
    flowId: "",
    flowReferenceId: "",
    isTrainingOutOfDate: false,
    locales: Object.keys(data.flow.locales)
      .sort()
      .map((key) => ({ key, locale: { _id: "", referenceId: "", name: data.flow.locales[key], primary: false, nluLanguage: "" } })),
  };
  return { target, remote: [], split: splitFlow(data, run.config.evaluate, []) };
}

/** Without a key, with --estimate, or when Cognigy failed: the local estimate, base at --base-ref vs head. */
async function withEstimate(r: Runner, run: CheckRun, v: ValidateResult, st: CheckState, why: string, fallback = false, prefetch?: BasePrefetch): Promise<void> {
  if (!fallback) r.skip("plan", why);
  const flows = v.dataset.flows.map((d) => localState(d, run));
  const tests = selectTests(run, flows, { leaked: r.leaked, model: "trained-now" });
  if (tests.selected.length === 0) {
    const none = noTestsReason(tests);
    notEvaluated(r, run, fallback ? `${why}, and no estimate was possible: ${none}` : none, "local");
    return;
  }
  let est: Awaited<ReturnType<typeof localEstimate>>;
  try {
    est = await r.step(
      "estimate",
      () =>
        localEstimate({ cwd: run.root, config: run.config, baseRef: run.check?.baseRef, logger: r.deps.logger, tests: tests.selected, dataset: v.dataset, configPath: run.configPath, prefetch }),
      (x) => ({ head: x.head.length, base: x.base?.length ?? 0 }),
    );
  } catch (e) {
    if (!(e instanceof StepFailed) && !fallback) throw e;
    const msg = errorMessage(e);
    delete r.report.error;
    r.report.status = "success";
    notEvaluated(r, run, fallback ? `${why}, and no estimate was possible: ${msg}` : `the local estimate failed: ${msg}`, "local");
    return;
  }
  const threshold = est.threshold ?? DEFAULT_THRESHOLD;
  const metrics = computeMetrics(toScored(est.head), { threshold });
  r.report.metrics = metrics;
  r.report.predictions = est.head;
  r.report.evaluation = {
    threshold,
    testsPerIntent: tests.testsPerIntent,
    heldOutBySplit: tests.heldOut,
    totalTests: tests.all.length,
    scored: est.head.length,
    byLocale: metricsByLocale(est.head, threshold),
    subject: "head",
    engine: "local",
    ...(tests.excluded ? { excluded: tests.excluded } : {}),
  };
  st.notes.push(`${why}: ${ESTIMATE_NOTE}`);
  let comparison: Comparison | undefined;
  if (est.base) {
    const ref = est.baseSha ? `${est.baseRef} (${est.baseSha.slice(0, 12)})` : est.baseRef;
    const paired = comparePaired(est.base, est.head, { baseRef: ref, engine: "local", renames: est.renames, baseLabels: est.baseLabels });
    logRenames(r, st, paired);
    if (paired.head.metrics.total === 0) {
      const why = `no comparison: ${unpairedWhy(paired, est.head.length)}`;
      st.notes.push(why);
      if (r.report.evaluation) r.report.evaluation.noComparison = why;
    } else {
      comparison = paired;
      r.report.comparison = comparison;
      r.deps.logger.info(`${comparisonLine(comparison, run.config.gate.significance)} (${ESTIMATE_NOTE})`);
    }
  } else {
    st.notes.push(`no comparison: ${est.noBaseReason ?? "the base could not be read"}`);
  }
  if (!(await r.gate(comparison))) r.report.status = "failure";
}
