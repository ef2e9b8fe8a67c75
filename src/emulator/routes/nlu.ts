// Routes: intent import (multipart → task), export (JSON/CSV), training (→ task, real classifier), nlu/scores (§10-§12).
import type { EmulatorCore } from "../core.js";
import { type ImportMode, applyImport, importGrowth, exportCsv, exportIntents, parseIntentFile } from "../importexport.js";
import { type Ctx, objectIdArg, ok, type Router, str } from "../http.js";
import { isUuid } from "../ids.js";
import { captureTraining } from "../models.js";
import { badRequest, HttpError, missingArgument, notFound } from "../problem.js";
import { type FlowRec, type LocaleRec, modelKey } from "../state.js";
import { createdTaskView } from "../views.js";

export function registerNluRoutes(r: Router, emu: EmulatorCore): void {
  const s = emu.store;

  r.add("POST", "/flows/:flowId/intents/import", async (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const form = await ctx.form();
    const file = form.get("file");
    if (!file || typeof file === "string") throw missingArgument("file");
    const localeId = form.get("localeId");
    if (typeof localeId !== "string" || !localeId) throw missingArgument("localeId");
    const locale = emu.projectLocale(flow.projectId, localeId);
    const mode = form.get("mode") ?? "overwrite";
    if (mode !== "skip" && mode !== "overwrite" && mode !== "merge") throw badRequest("'mode' must be skip, overwrite or merge");
    const text = await file.text();
    const name = file.name;
    const task = emu.tasks.start(
      flow.projectId,
      "importIntents",
      { flowId: flow._id, localeId: locale._id, mode },
      {
        failLabel: "Import failed",
        exclusive: `flow:${flow._id}`,
        run: async ({ signal }) => {
          const items = parseIntentFile(text, name);
          if (signal.aborted) return;
          const grow = importGrowth(s, flow, locale, items, mode as ImportMode);
          const cap = emu.limits.intentSentences;
          if (cap > 0 && grow.largest && grow.largest.count > cap)
            throw new HttpError(400, `An intent can have at most ${cap} example sentences per locale; '${grow.largest.name}' would have ${grow.largest.count}`, 1005);
          emu.checkFlowCaps(flow, grow.intents, new Map([[locale._id, grow.sentences]]));
          applyImport(s, flow, locale, items, mode as ImportMode);
          emu.changed();
        },
      },
      ctx.taskFault(),
    );
    return ok(createdTaskView(task));
  });

  r.add("POST", "/flows/:flowId/intents/export", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const body = ctx.json();
    const locale = emu.projectLocale(flow.projectId, objectIdArg(body, "localeId")!);
    const format = str(body, "format") ?? "json";
    if (format !== "json" && format !== "csv") throw badRequest("'format' must be json or csv");
    const items = exportIntents(s, flow, locale);
    if (format === "csv") return { status: 200, text: exportCsv(items), contentType: "text/csv; charset=utf-8" };
    return ok(items);
  });

  const startTraining = (ctx: Ctx, projectId: string, targets: { flow: FlowRec; locales: LocaleRec[] }[], mode: string) => {
    // What the model learns is the data when the task turns active (after any earlier task of the flow).
    let jobs: { flow: FlowRec; locale: LocaleRec; data: ReturnType<typeof captureTraining>; seq: number }[] = [];
    const capture = () => {
      jobs = targets.flatMap(({ flow, locales }) =>
        locales.map((locale) => ({ flow, locale, data: captureTraining(s, flow, locale), seq: flow.nlu[locale._id]?.seq ?? 0 })),
      );
    };
    const first = targets[0]?.flow;
    const params: Record<string, unknown> = first && targets.length === 1 ? { flowId: first._id, localeId: targets[0].locales.length === 1 ? targets[0].locales[0]._id : null, mode } : { projectId, mode };
    return emu.tasks.start(
      projectId,
      targets.length === 1 ? "trainIntents" : "trainAllFlows",
      params,
      {
        failLabel: "Training failed",
        exclusive: targets.length === 1 ? `flow:${first._id}` : `project:${projectId}`,
        begin: capture,
        run: async ({ signal, progress, task }) => {
          const fitted = [];
          for (const [n, j] of jobs.entries()) {
            const c = await emu.models.classifier(j.data, { signal, onProgress: (f) => progress((n + f) / jobs.length) });
            fitted.push({ j, c });
          }
          if (signal.aborted) return;
          for (const { j, c } of fitted) {
            const rec = { ...j.data, trainedAt: s.nowSec(), taskId: task._id };
            s.models.set(modelKey(j.flow._id, j.locale._id), rec);
            const e = (j.flow.nlu[j.locale._id] ??= { seq: 0, trainedSeq: 0 });
            e.trainedSeq = j.seq;
            j.flow.feedbackReport = emu.models.feedback(rec, c);
          }
          emu.changed();
        },
      },
      ctx.taskFault(),
    );
  };

  r.add("POST", "/flows/:flowId/intents/train", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const body = ctx.json();
    const mode = str(body, "mode") ?? "full";
    if (mode !== "full" && mode !== "quick") throw badRequest("'mode' must be full or quick");
    const localeId = objectIdArg(body, "localeId", false);
    const locales = localeId ? [emu.projectLocale(flow.projectId, localeId)] : s.localesOf(flow.projectId);
    const task = startTraining(ctx, flow.projectId, [{ flow, locales }], mode);
    return ok(createdTaskView(task));
  });

  r.add("POST", "/projects/:projectId/trainallflows", (ctx) => {
    const p = emu.project(ctx.params.projectId);
    const locales = s.localesOf(p._id);
    const task = startTraining(
      ctx,
      p._id,
      s.flowsOf(p._id).map((flow) => ({ flow, locales })),
      "full",
    );
    return ok(createdTaskView(task));
  });

  r.add("POST", "/projects/:projectId/nlu/scores", async (ctx) => {
    const p = emu.project(ctx.params.projectId);
    const body = ctx.json();
    const flowRef = str(body, "flowReferenceId", { required: true })!;
    const localeRef = str(body, "localeReferenceId", { required: true })!;
    const sentence = str(body, "sentence", { required: true, max: 5000 })!;
    if (!isUuid(flowRef)) throw badRequest("'flowReferenceId' must be a UUID");
    if (!isUuid(localeRef)) throw badRequest("'localeReferenceId' must be a UUID");
    const flow = s.flowsOf(p._id).find((f) => f.referenceId === flowRef);
    if (!flow) throw notFound("Flow");
    const locale = s.localesOf(p._id).find((l) => l.referenceId === localeRef);
    if (!locale) throw notFound("Locale");
    const model = s.models.get(modelKey(flow._id, locale._id));
    if (!model) throw new HttpError(400, `The NLU model of flow '${flow.name}' has not been trained for locale '${locale.name}' yet`, 1005);
    return ok(await emu.models.score(model, flow.referenceId, sentence));
  });
}
