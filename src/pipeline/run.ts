// The modes as step chains (check, release, and the single-step CLI commands), each returning one Report.
import { readFile } from "node:fs/promises";
import { CognigyApiError } from "../cognigy/errors.js";
import type { CognigyApi } from "../cognigy/types.js";
import type { RunConfig } from "../config/options.js";
import { ConfigError, errorMessage, isUserError, UserError } from "../errors.js";
import type { Comparison, Mode, Plan, Prediction, Report, StepTiming } from "../report/types.js";
import { VERSION } from "../version.js";
import { type Backup, backupProject, isDestructive } from "./sync-backup.js";
import { createClient } from "./client.js";
import { gateLines, metricsLines, planLines } from "./console.js";
import { evaluateFlows } from "./evaluate.js";
import { thresholdsText } from "../report/thresholds.js";
import { applyGate, type GateBaseline, pairedWithBaseline } from "./gate.js";
import { requireUnchanged, verifyPromotion } from "./guard.js";
import { type PlanResult, planFlows, readFlowStates } from "./plan.js";
import { removeStalePreviews } from "./preview.js";
import { promote } from "./promote.js";
import { resolveTargets } from "./resolve.js";
import { checkLimits } from "./limits.js";
import { checkDeletions, syncFlows } from "./sync.js";
import { trainFlows } from "./train.js";
import type { TestItem } from "./testset.js";
import type { FlowState, PipelineDeps, RunDeps } from "./types.js";
import { type ValidateResult, validateData } from "./validate.js";
import { baseComparisonLine } from "./findings-baseline.js";

/** Thrown by a step after it recorded its failure in the report: ends the chain. */
export class StepFailed extends Error {}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "+1 sentence" / "intents +2 ~1, sentences +15 −3" / "no changes". */
export function planSummary(plan: Plan | undefined): string {
  if (!plan) return "not planned";
  if (plan.empty) return "no changes";
  const t = plan.totals;
  const parts: string[] = [];
  if (t.createIntents || t.updateIntents || t.deleteIntents) parts.push(`intents +${t.createIntents} ~${t.updateIntents} −${t.deleteIntents}`);
  if (t.addSentences || t.removeSentences) parts.push(`sentences +${t.addSentences} −${t.removeSentences}`);
  return parts.join(", ") || "no changes";
}

/** A well-formed scored utterance of a baseline report (an artifact from another run: checked, not trusted). */
function isPrediction(p: unknown): p is Prediction {
  if (!p || typeof p !== "object") return false;
  const x = p as Record<string, unknown>;
  const label = (v: unknown) => v === null || typeof v === "string";
  return typeof x.flow === "string" && typeof x.locale === "string" && typeof x.text === "string" && label(x.expected) && label(x.predicted);
}

/** Reads a baseline report.json for the regression gate; a missing or unreadable file only warns. */
export async function loadBaseline(path: string | undefined, deps: Pick<PipelineDeps, "logger">): Promise<GateBaseline | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    deps.logger.warn(`baseline ${path} not found: regression against the last promoted model is not checked`);
    return undefined;
  }
  try {
    const r = JSON.parse(text) as Partial<Report>;
    if (!r.metrics || typeof r.metrics.macroF1 !== "number") {
      deps.logger.warn(`baseline ${path} has no metrics: regression is not checked`);
      return undefined;
    }
    return { path, commit: r.commit, metrics: r.metrics, ...(Array.isArray(r.predictions) ? { predictions: r.predictions.filter(isPrediction) } : {}) };
  } catch (e) {
    deps.logger.warn(`baseline ${path} is not valid JSON (${errorMessage(e)}): regression is not checked`);
    return undefined;
  }
}

/** Runs the steps of one mode: timings, audit events, failure recording, the request stats and the one-line summary. */
export class Runner {
  readonly report: Report;
  /** Tests the validation found leaked into the training examples (left out of the evaluation). */
  leaked: ReadonlySet<string> = new Set();
  private clientValue?: CognigyApi;
  private readonly now: () => number;

  constructor(
    readonly run: RunConfig,
    readonly deps: RunDeps,
    mode: Mode,
  ) {
    this.now = deps.now ?? Date.now;
    this.clientValue = deps.client;
    this.report = {
      version: 1,
      tool: { name: "cognigy-nlu", version: VERSION },
      status: "success",
      mode,
      ...(run.commit ? { commit: run.commit } : {}),
      startedAt: new Date(this.now()).toISOString(),
      summary: "",
      findings: [],
      timings: [],
      ...(run.thresholds ? { thresholds: structuredClone(run.thresholds.report) } : {}),
    };
  }

  /** True when a client was given or an API key is configured. */
  get canConnect(): boolean {
    return Boolean(this.clientValue || this.run.apiKey);
  }

  get client(): CognigyApi {
    this.clientValue ??= createClient(this.run, this.deps.logger);
    return this.clientValue;
  }

  /** deps with the client, for the step functions. */
  get stepDeps(): PipelineDeps {
    return { ...this.deps, client: this.client };
  }

  /** Runs one step in a log group; records its timing and audit event; a failure ends the chain (StepFailed). */
  async step<T>(name: string, fn: () => Promise<T>, counts?: (r: T) => Record<string, number> | undefined): Promise<T> {
    this.deps.onStep?.(name);
    const t0 = this.now();
    const timing = (outcome: StepTiming["outcome"]) => {
      const ms = this.now() - t0;
      this.report.timings.push({ step: name, ms, outcome });
      return ms;
    };
    try {
      const r = await this.deps.logger.group(name, fn);
      const ms = timing("success");
      this.deps.audit?.({ step: name, outcome: "success", counts: counts?.(r), durationMs: ms });
      return r;
    } catch (e) {
      const ms = timing("failure");
      const message = errorMessage(e);
      this.deps.audit?.({ step: name, outcome: "failure", durationMs: ms, message });
      this.report.status = "failure";
      // A wrong key or host found before any work started is a setup error (CLI exit 2), recorded like a failed step.
      this.report.error = { step: name, message, ...(e instanceof CognigyApiError && e.setup ? { kind: "setup" as const } : {}) };
      const partial = (e as { partial?: unknown }).partial;
      if (partial && name === "sync") this.report.sync = partial as Report["sync"];
      if (partial && name === "train") this.report.training = partial as Report["training"];
      if (partial && name === "promote") this.report.promotion = partial as Report["promotion"];
      // The message is printed once, by the shell: the result line ("… failed at <step>: …") or the CLI's error line.
      if (e instanceof ConfigError || !isUserError(e)) throw e;
      if (e.hint) this.deps.logger.info(`hint: ${e.hint}`);
      throw new StepFailed(message);
    }
  }

  /** Records a skipped step (timing 0, outcome skipped). */
  skip(name: string, why: string): void {
    this.report.timings.push({ step: name, ms: 0, outcome: "skipped" });
    this.deps.audit?.({ step: name, outcome: "skipped", durationMs: 0, message: why });
    this.deps.logger.info(`${name}: skipped (${why})`);
  }

  finish(summary: (r: Report) => string): Report {
    this.report.finishedAt = new Date(this.now()).toISOString();
    if (this.clientValue) this.report.requests = this.clientValue.stats();
    this.report.summary = this.report.error ? `${this.report.mode} failed at ${this.report.error.step}: ${this.report.error.message}` : summary(this.report);
    return this.report;
  }

  /** Runs `body`; a StepFailed ends it quietly (already recorded), other errors propagate. */
  async execute(body: () => Promise<void>, summary: (r: Report) => string): Promise<Report> {
    try {
      await body();
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e;
    }
    return this.finish(summary);
  }

  // ---- the steps as the modes use them ----

  async validate(): Promise<ValidateResult> {
    return this.step(
      "validate",
      async () => {
        const v = await validateData(this.run, this.deps.dataset);
        this.report.findings = v.findings;
        if (v.known) this.report.knownFindings = v.known;
        const intents = v.dataset.flows.reduce((n, f) => n + f.intents.length, 0);
        const known = v.known ? `; known (${v.known.known}) in ${v.known.file}${v.known.fixed ? `, ${v.known.fixed} fixed since` : ""}` : "";
        this.deps.logger.info(`${plural(intents, "intent")} in ${plural(v.dataset.flows.length, "flow")}: ${plural(v.errors, "error")}, ${plural(v.warnings, "warning")}${known}`);
        const vsBase = baseComparisonLine(v.known);
        if (vsBase) (v.known?.base?.added ? this.deps.logger.warn : this.deps.logger.info).call(this.deps.logger, vsBase);
        if (v.baseUnread) this.deps.logger.info(v.baseUnread);
        if (v.blocking > 0) throw new UserError(`${plural(v.blocking, "error")} in the training data (see the findings)`, "cognigy-nlu validate lists them with file and line");
        if (v.leakedTests.size > 0) this.deps.logger.warn(`${plural(v.leakedTests.size, "test")} equal or near-equal to a training example (test-leakage): left out of the evaluation`);
        this.leaked = v.leakedTests;
        return v;
      },
      (r) => ({ errors: r.errors, warnings: r.warnings, intents: r.dataset.flows.reduce((n, f) => n + f.intents.length, 0) }),
    );
  }

  /** The plan step; `allowMissing` (check): a declared flow Cognigy lacks is planned as new (see resolveTargets). */
  async plan(v: ValidateResult, opts: { allowMissing?: boolean } = {}): Promise<PlanResult> {
    return this.step(
      "plan",
      async () => {
        const p = await planFlows(this.run, this.stepDeps, { dataset: v.dataset, targets: await resolveTargets(this.run.config, v.dataset, this.client, opts) });
        this.report.plan = p.plan;
        for (const line of planLines(p.plan)) this.deps.logger.info(line);
        checkLimits(this.run.config, p.flows, this.deps.logger);
        return p;
      },
      (r) => ({ ...r.plan.totals }),
    );
  }

  /**
   * The gate: absolute thresholds on the metrics, and the regression rule — against `comparison` (check: base and head
   * on the same utterances, gateComparison) when given, else against the baseline report (release).
   */
  async gate(comparison?: Comparison): Promise<boolean> {
    const baseline = comparison ? undefined : await loadBaseline(this.run.baseline, this.deps);
    if (baseline) {
      const m = baseline.metrics;
      this.report.baselineMetrics = { accuracy: m.accuracy ?? 0, macroF1: m.macroF1, macroPrecision: m.macroPrecision ?? 0, macroRecall: m.macroRecall ?? 0, perIntent: m.perIntent };
    }
    const gate = await this.step(
      "gate",
      async () => {
        // check passes its comparison (deployed model or local estimate); release pairs with the baseline report when it can
        const paired = comparison ?? this.report.comparison ?? pairedWithBaseline(baseline, this.report.predictions);
        if (paired && !this.report.comparison) this.report.comparison = paired;
        const g = applyGate({ metrics: this.report.metrics, gate: this.run.config.gate, baseline, testsPerIntent: this.report.evaluation?.testsPerIntent, comparison: paired });
        this.report.gate = g;
        for (const line of gateLines(g)) this.deps.logger.info(line);
        // a pull request's own thresholds, when they differ: would its gate have passed with them? (they apply after merge)
        const t = this.run.thresholds;
        if (t && this.report.thresholds && t.report.proposed.some((c) => c.key.startsWith("gate."))) {
          this.report.thresholds.proposedGatePassed = applyGate({ metrics: this.report.metrics, gate: t.proposed.gate, baseline, testsPerIntent: this.report.evaluation?.testsPerIntent, comparison: paired }).passed;
        }
        const said = thresholdsText(this.report);
        if (said) this.deps.logger.info(said);
        return g;
      },
      (g) => ({ reasons: g.reasons.length }),
    );
    return gate.passed;
  }

  /**
   * Scores the held-out tests of `flows` (each with the split made against the Cognigy state its plan read: in a
   * release the state before the sync, so nothing uploaded is ever scored). With `untrainedIsSkip` (check mode), a 4xx
   * from nlu/scores (a flow without a trained model) skips the evaluation instead of failing; returns false then.
   */
  async evaluate(
    flows: readonly FlowState[],
    opts: { model: "trained-now" | "current"; only?: (t: TestItem) => boolean; onlyReason?: string; untrainedIsSkip?: boolean },
  ): Promise<boolean> {
    const targets = flows.map((f) => f.target);
    const e = await this.step(
      "evaluate",
      async () => {
        try {
          const e = await evaluateFlows(this.run, this.stepDeps, { flows, leaked: this.leaked, only: opts.only, onlyReason: opts.onlyReason, model: opts.model });
          if (e.metrics.total === 0) {
            // never metrics of 0.000 for nothing scored: say why and what to do instead
            this.report.evaluation = { ...e.evaluation, model: opts.model, skipped: NO_TESTS };
            this.deps.logger.info(`no test utterances to score: ${NO_TESTS}`);
            if (e.evaluation.excluded) this.deps.logger.info(`(${plural(e.evaluation.excluded.count, "test")} left out: ${e.evaluation.excluded.reason})`);
            return opts.untrainedIsSkip ? undefined : e;
          }
          this.report.metrics = e.metrics;
          this.report.predictions = e.predictions;
          this.report.evaluation = { ...e.evaluation, model: opts.model };
          for (const line of metricsLines(e.metrics)) this.deps.logger.info(line);
          if (e.evaluation.excluded) this.deps.logger.info(`(${plural(e.evaluation.excluded.count, "test")} left out: ${e.evaluation.excluded.reason})`);
          return e;
        } catch (err) {
          const untrained = err instanceof CognigyApiError && err.status >= 400 && err.status < 500 && ![401, 403, 408, 429].includes(err.status);
          if (opts.untrainedIsSkip && untrained) {
            this.deps.logger.info(`cannot score against the current model (${err.message}); is the flow trained?`);
            return undefined;
          }
          throw err;
        }
      },
      (r) => ({ scored: r?.predictions.length ?? 0 }),
    );
    if (!e && this.report.evaluation?.skipped === NO_TESTS) return false;
    if (!e) {
      const names = targets.map((t) => t.flow.name).join(", ");
      this.report.evaluation = { threshold: 0, testsPerIntent: {}, heldOutBySplit: 0, totalTests: 0, scored: 0, model: opts.model, skipped: `${names} could not be scored (no trained model yet?)` };
      return false;
    }
    return true;
  }
}

/** Why an evaluation scored nothing, and what to do (a pulled bot has every example in Cognigy and no tests). */
export const NO_TESTS =
  "there are no held-out tests the model has not been trained on (a bot adopted with pull has every example in Cognigy): run cognigy-nlu pull --holdout 0.2 (or write tests: in the intent files) and release once, so the tests leave Cognigy";

function metricsText(r: Report): string {
  return r.metrics ? `macro F1 ${r.metrics.macroF1.toFixed(3)}` : "not evaluated";
}

function gateText(r: Report): string {
  if (!r.gate) return "";
  if (r.gate.passed) return `, gate passed`;
  const more = r.gate.reasons.length > 1 ? ` (+${r.gate.reasons.length - 1} more)` : "";
  return `, gate failed: ${r.gate.reasons[0]}${more}`;
}

/**
 * Release (push to main): validate → plan → backup → sync → train → evaluate → gate → promote (or roll back).
 * The backup is taken when the sync deletes or overwrites anything, and — as a snapshot, whatever sync.backup says
 * (unless off) — whenever something changes and promote.onGateFailure is `rollback`, so a failed gate can restore it.
 * Training is skipped when nothing changed and the model is up to date. Fails (status failure) on validation errors,
 * a failed step or a failed gate; `--dry-run` stops after the plan. Succeeds only when a verification read after the
 * promotion shows every planned flow holding exactly this commit's data (guard.ts; otherwise this run's endpoint pins
 * that are still in place are put back and the run fails naming the intents that differ).
 */
export async function runRelease(run: RunConfig, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "release");
  let backup: Backup | undefined;
  return r.execute(
    async () => {
      const v = await r.validate();
      const plan = await r.plan(v);
      if (run.dryRun) {
        for (const step of ["backup", "sync", "train", "evaluate", "gate", "promote"]) r.skip(step, "--dry-run");
        return;
      }
      const targets = plan.flows.map((f) => f.target);
      // a cancelled check's preview flows must not end up in this release's snapshots
      if (targets[0]) {
        await removeStalePreviews(r.client, deps.logger, {
          projectId: targets[0].projectId,
          now: (deps.now ?? Date.now)(),
          maxAgeHours: run.config.check.previewMaxAgeHours,
          keep: new Set(targets.map((t) => t.flowId)),
        });
      }
      const rollbackWanted = run.config.promote.onGateFailure === "rollback" && !plan.plan.empty;
      if (run.config.sync.backup !== "off" && (isDestructive(plan) || rollbackWanted)) {
        backup = await r.step(
          "backup",
          async () => {
            checkDeletions(run, plan);
            return backupProject(run, r.stepDeps, { plan, kind: rollbackWanted ? "snapshot" : run.config.sync.backup === "export" ? "export" : "snapshot" });
          },
          () => ({}),
        );
      } else r.skip("backup", plan.plan.empty ? "nothing to change" : run.config.sync.backup === "off" ? "sync.backup is off" : "the change only adds");
      r.report.sync = await r.step(
        "sync",
        async () => {
          const s = await syncFlows(run, r.stepDeps, { plan, backup: backup ?? null });
          // another writer (a release without a concurrency group, a UI edit) must not have changed the flows meanwhile
          await requireUnchanged(r.stepDeps, plan, { when: "after sync", backup, partial: backup ? { ...s, backup } : s });
          return s;
        },
        (s) => ({ writeCalls: s.writeCalls }),
      );
      if (backup) r.report.sync.backup = backup;
      if (plan.plan.empty && targets.every((t) => !t.isTrainingOutOfDate)) r.skip("train", "nothing changed and the model is up to date");
      else r.report.training = await r.step("train", () => trainFlows(run, r.stepDeps, { targets }), (t) => ({ tasks: t.tasks.length }));
      // plan.flows: the splits made against the state before the sync (what was uploaded is never a test)
      await r.evaluate(plan.flows, { model: "trained-now" });
      const passed = await r.gate();
      r.report.promotion = await r.step(
        "promote",
        async () => {
          await requireUnchanged(r.stepDeps, plan, { when: "before promotion", backup });
          const p = await promote(run, r.stepDeps, { targets, gatePassed: passed, backup });
          // the invariant: exit 0 only if, after the last write and the promotion, Cognigy holds this commit's data
          return passed ? verifyPromotion(r.stepDeps, plan, p, { backup }) : p;
        },
        (p) => ({ promoted: p.promoted ? 1 : 0 }),
      );
      if (!passed) r.report.status = "failure";
    },
    (rep) => {
      if (run.dryRun) return `release dry run: ${planSummary(rep.plan)}; nothing was changed`;
      const promo = rep.promotion?.promoted
        ? rep.promotion.snapshotName
          ? `; promoted ${rep.promotion.snapshotName}`
          : "; promoted"
        : rep.promotion?.rolledBack
          ? `; rolled back to ${rep.promotion.snapshotName ?? "the backup"}`
          : "";
      return `release ${rep.status === "success" ? "passed" : "failed"}: ${planSummary(rep.plan)}; ${metricsText(rep)}${gateText(rep)}${promo}`;
    },
  );
}

/** `plan`: validate → plan. */
export async function runPlan(run: RunConfig, deps: RunDeps): Promise<{ report: Report; plan?: PlanResult }> {
  const r = new Runner(run, deps, "plan");
  let plan: PlanResult | undefined;
  const report = await r.execute(
    async () => {
      const v = await r.validate();
      plan = await r.plan(v);
    },
    (rep) => `plan: ${planSummary(rep.plan)}`,
  );
  return { report, plan };
}

/** `sync`: validate → plan → (backup) → sync. `--dry-run` stops after the plan. */
export async function runSync(run: RunConfig, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "sync");
  return r.execute(
    async () => {
      const v = await r.validate();
      const plan = await r.plan(v);
      if (run.dryRun) {
        r.skip("sync", "--dry-run");
        return;
      }
      r.report.sync = await r.step("sync", () => syncFlows(run, r.stepDeps, { plan }), (s) => ({ writeCalls: s.writeCalls }));
    },
    (rep) => `sync ${rep.sync?.applied ? "applied" : run.dryRun ? "dry run" : "done"}: ${planSummary(rep.plan)}${rep.sync ? ` (${plural(rep.sync.writeCalls, "write call")})` : ""}`,
  );
}

/** `train`: validate → resolve → train. */
export async function runTrain(run: RunConfig, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "train");
  return r.execute(
    async () => {
      const v = await r.validate();
      const targets = await r.step("resolve", () => resolveTargets(run.config, v.dataset, r.client));
      r.report.training = await r.step("train", () => trainFlows(run, r.stepDeps, { targets }), (t) => ({ tasks: t.tasks.length }));
    },
    (rep) => `trained ${plural(rep.training?.tasks.length ?? 0, "flow locale")} (${rep.training?.mode ?? run.config.train.mode})`,
  );
}

/** `evaluate`: validate → resolve → evaluate the trained model → gate (not for a single shard: merge the shards first). */
export async function runEvaluate(run: RunConfig, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "evaluate");
  return r.execute(
    async () => {
      const v = await r.validate();
      // the split is made against the flows as Cognigy holds them now (the state the trained model comes from)
      const flows = await r.step("resolve", async () => readFlowStates(run.config, r.client, await resolveTargets(run.config, v.dataset, r.client)));
      await r.evaluate(flows, { model: "current" });
      if (run.shard) {
        r.skip("gate", `shard ${run.shard.index}/${run.shard.count}: the gate applies to the merged report (cognigy-nlu report merge)`);
        return;
      }
      if (!(await r.gate())) r.report.status = "failure";
    },
    (rep) => `evaluate${run.shard ? ` shard ${run.shard.index}/${run.shard.count}` : ""}: ${plural(rep.metrics?.total ?? 0, "utterance")}, accuracy ${(rep.metrics?.accuracy ?? 0).toFixed(3)}, ${metricsText(rep)}${gateText(rep)}`,
  );
}

export { runCheck } from "./check.js";
