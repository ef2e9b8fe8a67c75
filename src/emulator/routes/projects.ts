// Routes: projects, flows (+ settings), locales (cognigy-api.md §7).
import type { EmulatorCore } from "../core.js";
import { type Ctx, ok, queryObjectId, type Router } from "../http.js";
import { paginate } from "../paging.js";
import { badRequest } from "../problem.js";
import { flowListView, flowView, localeView, projectView } from "../views.js";

const flag = (ctx: Ctx, name: string) => ctx.query.get(name) === "true";

export function registerProjectRoutes(r: Router, emu: EmulatorCore): void {
  const s = emu.store;

  r.add("GET", "/projects", (ctx) => ok(paginate([...s.projects.values()], ctx.query, projectView, { textField: "name", filterFields: ["name"] })));
  r.add("GET", "/projects/:projectId", (ctx) => ok(projectView(emu.project(ctx.params.projectId))));

  r.add("GET", "/flows", (ctx) => {
    const projectId = queryObjectId(ctx.query, "projectId", true)!;
    emu.project(projectId);
    const loc = queryObjectId(ctx.query, "preferredLocaleId");
    if (loc) emu.projectLocale(projectId, loc, "preferredLocaleId");
    return ok(paginate(s.flowsOf(projectId), ctx.query, (f) => flowListView(s, f, loc), { textField: "name", filterFields: ["name"] }));
  });
  r.add("GET", "/flows/:flowId", (ctx) => {
    const f = emu.flow(ctx.params.flowId);
    const loc = queryObjectId(ctx.query, "preferredLocaleId");
    if (loc) emu.projectLocale(f.projectId, loc, "preferredLocaleId");
    return ok(flowView(s, f, loc, flag(ctx, "includeFeedbackReport")));
  });
  r.add("GET", "/flows/:flowId/settings", (ctx) => ok(emu.flow(ctx.params.flowId).settings));
  r.add("PATCH", "/flows/:flowId/settings", (ctx) => {
    const f = emu.flow(ctx.params.flowId);
    const body = ctx.json();
    const next = structuredClone(f.settings);
    if (body.intentThreshold !== undefined) {
      const t = body.intentThreshold as { lower?: unknown; upper?: unknown };
      if (!t || typeof t !== "object") throw badRequest("'intentThreshold' must be an object {lower, upper}");
      const lower = t.lower ?? next.intentThreshold.lower;
      const upper = t.upper ?? next.intentThreshold.upper;
      for (const [k, v] of [
        ["lower", lower],
        ["upper", upper],
      ] as const) {
        if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw badRequest(`'intentThreshold.${k}' must be a number in [0, 1]`);
      }
      if ((lower as number) > (upper as number)) throw badRequest("'intentThreshold.lower' must be ≤ 'intentThreshold.upper'");
      next.intentThreshold = { lower: lower as number, upper: upper as number };
    }
    if (body.useIntentDefaultRepliesAsExamples !== undefined) {
      if (typeof body.useIntentDefaultRepliesAsExamples !== "boolean") throw badRequest("'useIntentDefaultRepliesAsExamples' must be a boolean");
      next.useIntentDefaultRepliesAsExamples = body.useIntentDefaultRepliesAsExamples;
    }
    if (body.flowIntentMappingOrder !== undefined) {
      if (!["joint", "main", "attached"].includes(body.flowIntentMappingOrder as string)) throw badRequest("'flowIntentMappingOrder' must be joint, main or attached");
      next.flowIntentMappingOrder = body.flowIntentMappingOrder as "joint";
    }
    f.settings = next;
    s.touch(f);
    return ok({});
  });

  r.add("GET", "/locales", (ctx) => {
    const projectId = queryObjectId(ctx.query, "projectId", true)!;
    emu.project(projectId);
    return ok(paginate(s.localesOf(projectId), ctx.query, localeView, { textField: "name", filterFields: ["name", "nluLanguage"] }));
  });
  r.add("GET", "/locales/:localeId", (ctx) => ok(localeView(emu.locale(ctx.params.localeId))));
}
