// Routes: endpoints (entrypoint pinning) and Intent-Trainer learning sentences (cognigy-api.md §17).
import type { EmulatorCore } from "../core.js";
import { bool, noContent, ok, queryObjectId, type Router, str } from "../http.js";
import { isObjectId, isUuid } from "../ids.js";
import { paginate } from "../paging.js";
import { badRequest, notFound } from "../problem.js";
import { endpointListView, endpointView, learningListView, learningView } from "../views.js";

export function registerEndpointRoutes(r: Router, emu: EmulatorCore): void {
  const s = emu.store;

  r.add("GET", "/endpoints", (ctx) => {
    const projectId = queryObjectId(ctx.query, "projectId", true)!;
    emu.project(projectId);
    const rows = [...s.endpoints.values()].filter((e) => e.projectId === projectId);
    return ok(paginate(rows, ctx.query, endpointListView, { textField: "name", filterFields: ["name", "channel", "flowId"] }));
  });
  r.add("GET", "/endpoints/:endpointId", (ctx) => ok(endpointView(emu.endpoint(ctx.params.endpointId))));
  r.add("PATCH", "/endpoints/:endpointId", (ctx) => {
    const e = emu.endpoint(ctx.params.endpointId);
    const body = ctx.json();
    const next = { ...e };
    const name = str(body, "name", { max: 200 });
    if (name !== undefined) {
      if (!name.trim()) throw badRequest("'name' must not be empty");
      next.name = name;
    }
    if (body.entrypoint !== undefined) {
      const ep = body.entrypoint;
      if (!isObjectId(ep)) throw badRequest("'entrypoint' must be a valid ObjectId (the project or one of its snapshots)");
      const snap = s.snapshots.get(ep);
      if (ep !== e.projectId && !(snap && snap.projectId === e.projectId)) throw badRequest("'entrypoint' must be the project _id or a snapshot of the project");
      next.entrypoint = ep;
    }
    if (body.flowId !== undefined) {
      if (!isUuid(body.flowId) || !s.flowsOf(e.projectId).some((f) => f.referenceId === body.flowId)) throw badRequest("'flowId' must be the referenceId of a flow of the project");
      next.flowId = body.flowId;
    }
    if (body.localeId !== undefined) {
      if (!isUuid(body.localeId) || !s.localesOf(e.projectId).some((l) => l.referenceId === body.localeId)) throw badRequest("'localeId' must be the referenceId of a locale of the project");
      next.localeId = body.localeId;
    }
    for (const k of ["active", "useConversations", "overrideSnapshotConnections"] as const) {
      const v = bool(body, k);
      if (v !== undefined) next[k] = v;
    }
    Object.assign(e, next);
    s.touch(e);
    return ok({});
  });
  r.add("DELETE", "/endpoints/:endpointId", (ctx) => {
    s.endpoints.delete(emu.endpoint(ctx.params.endpointId)._id);
    return ok({});
  });

  // ---- learning sentences (registered before /flows/:flowId/intents/:intentId by the caller's order)
  r.add("GET", "/flows/:flowId/intents/learningsentences", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const intentId = queryObjectId(ctx.query, "intentId");
    if (intentId) emu.intent(flow, intentId);
    const ref = ctx.query.get("flowReferenceId");
    if (ref && ref !== flow.referenceId) throw badRequest("'flowReferenceId' does not match the flow");
    // The official client never sends intentId (cognigy-api.md §18); whether a server filters by it is unknown: a switch.
    const byIntent = emu.opts.learningSentencesByIntent && intentId;
    const rows = [...s.learningSentences.values()].filter((l) => l.flowId === flow._id && (!byIntent || l.intentId === intentId));
    return ok(paginate(rows, ctx.query, learningListView, { textField: "sentence" }));
  });
  const one = (flowId: string, id: string) => {
    const l = s.learningSentences.get(id);
    if (!l || l.flowId !== flowId) throw notFound("Learning sentence");
    return l;
  };
  r.add("GET", "/flows/:flowId/intents/learningsentences/:learningSentenceId", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    return ok(learningView(one(flow._id, ctx.params.learningSentenceId)));
  });
  r.add("DELETE", "/flows/:flowId/intents/learningsentences/:learningSentenceId", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    s.learningSentences.delete(one(flow._id, ctx.params.learningSentenceId)._id);
    return noContent();
  });
}
