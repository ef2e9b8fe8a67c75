// Routes: projects, flows (+ settings), locales (cognigy-api.md §7).
import type { EmulatorCore } from "../core.js";
import { type Ctx, objectIdArg, ok, queryObjectId, type Router, str, strictKeys } from "../http.js";
import { paginate } from "../paging.js";
import { badRequest } from "../problem.js";
import { type FlowRec, OTHER_SETTINGS } from "../state.js";
import { flowListView, flowView, localeView, projectView } from "../views.js";

/** Writable flow fields: IFlow_2_0 minus reference/meta keys (RAC 0.19.0 types/index.d.ts ICreateFlowRestDataBody_2_0, IUpdateFlowRestDataBody_2_0). */
const FLOW_DATA = ["name", "description", "context", "attachedFlows", "attachedLexicons", "img"] as const;
const CREATE_FLOW = ["projectId", ...FLOW_DATA, "transcript", "flowGenerationInput"];
const UPDATE_FLOW = [...FLOW_DATA, "feedbackReport", "isTrainingOutOfDate", "localeId"];

/** Applies the flow-data fields of a create/update body (validated). */
function applyFlowData(emu: EmulatorCore, f: FlowRec, body: Record<string, unknown>): void {
  const name = str(body, "name", { max: 200 });
  if (name !== undefined) {
    if (!name.trim()) throw badRequest("'name' must not be empty");
    f.name = name;
  }
  const description = str(body, "description", { max: 1000, allowEmpty: true });
  if (description !== undefined) f.description = description;
  const img = str(body, "img", { allowEmpty: true });
  if (img !== undefined) f.img = img;
  if (body.context !== undefined) {
    if (!body.context || typeof body.context !== "object" || Array.isArray(body.context)) throw badRequest("'context' must be an object");
    f.context = body.context as Record<string, unknown>;
  }
  for (const k of ["attachedFlows", "attachedLexicons"] as const) {
    const v = body[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || !/^[0-9a-f]{24}$/.test(x))) throw badRequest(`'${k}' must be an array of ObjectIds`);
    if (k === "attachedFlows" && v.some((id) => emu.store.flows.get(id)?.projectId !== f.projectId || id === f._id)) throw badRequest("'attachedFlows': every entry must be another flow of the project");
    f[k] = v as string[];
  }
}

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
  // createFlow / updateFlow / deleteFlow / cloneFlow (cognigy-api.md §18)
  r.add("POST", "/flows", (ctx) => {
    const body = ctx.json();
    strictKeys(body, CREATE_FLOW, ["projectId", "name"]);
    const project = emu.project(objectIdArg(body, "projectId")!);
    if (body.transcript !== undefined || body.flowGenerationInput !== undefined) throw badRequest("'transcript' / 'flowGenerationInput': flow generation is not emulated");
    const f = s.createFlow(project._id, "?");
    try {
      applyFlowData(emu, f, body);
      const attached = f.attachedFlows;
      f.attachedFlows = [];
      emu.checkAttachCaps(f, attached);
      f.attachedFlows = attached;
    } catch (e) {
      s.flows.delete(f._id);
      throw e;
    }
    return ok(flowView(s, f));
  });
  r.add("PATCH", "/flows/:flowId", (ctx) => {
    const f = emu.flow(ctx.params.flowId);
    const body = ctx.json();
    strictKeys(body, UPDATE_FLOW);
    const next = structuredClone(f);
    applyFlowData(emu, next, body);
    if (body.attachedFlows !== undefined) emu.checkAttachCaps(f, next.attachedFlows);
    Object.assign(f, next);
    s.touch(f);
    return ok({});
  });
  r.add("DELETE", "/flows/:flowId", (ctx) => {
    s.deleteFlow(emu.flow(ctx.params.flowId));
    return ok({});
  });
  r.add("POST", "/flows/:flowId/clone", (ctx) => {
    const src = emu.flow(ctx.params.flowId);
    // ICloneFlowRestData_2_0 types no body field: a strict server takes none
    strictKeys(ctx.json(), []);
    const taken = new Set(s.flowsOf(src.projectId).map((f) => f.name));
    let name = `${src.name} (copy)`;
    for (let n = 2; taken.has(name); n++) name = `${src.name} (copy ${n})`;
    const f = s.cloneFlow(src, name);
    return ok(flowView(s, f));
  });

  r.add("GET", "/flows/:flowId/settings", (ctx) => {
    const f = emu.flow(ctx.params.flowId);
    return ok({ _id: f.intentTrainGroupReference, ...structuredClone(OTHER_SETTINGS), ...f.settings });
  });
  r.add("PATCH", "/flows/:flowId/settings", (ctx) => {
    const f = emu.flow(ctx.params.flowId);
    const body = ctx.json();
    // IUpdateFlowSettingsRestDataBody_2_0 = Partial<Omit<IFlowSettings_2_0, keyof IEntityMeta>>
    strictKeys(body, ["intentThreshold", "useIntentDefaultRepliesAsExamples", "flowIntentMappingOrder", ...Object.keys(OTHER_SETTINGS)]);
    const next = structuredClone(f.settings);
    for (const k of Object.keys(OTHER_SETTINGS) as (keyof typeof OTHER_SETTINGS)[]) {
      if (body[k] === undefined) continue;
      const want = typeof OTHER_SETTINGS[k];
      if (typeof body[k] !== want || (want === "object" && Array.isArray(body[k]) !== Array.isArray(OTHER_SETTINGS[k]))) throw badRequest(`'${k}' must be of type ${Array.isArray(OTHER_SETTINGS[k]) ? "array" : want}`);
      next[k] = body[k];
    }
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
