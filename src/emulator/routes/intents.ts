// Routes: intents and their sentences, one by one and in batches of ≤ 100 operations (cognigy-api.md §6, §8, §9).
import type { EmulatorCore } from "../core.js";
import { bool, type Ctx, objectIdArg, ok, queryObjectId, type Router, str, strArray, strictKeys } from "../http.js";
import { isObjectId } from "../ids.js";
import { paginate } from "../paging.js";
import { badRequest, conflict, HttpError, missingArgument, notFound } from "../problem.js";
import type { FlowRec, IntentRec, SentenceRec } from "../state.js";
import { intentListView, intentView, sentenceView } from "../views.js";

export const MAX_BATCH = 100;
/** The default per-intent cap (the emulator enforces `emu.limits.intentSentences`). */
export const MAX_SENTENCES_PER_INTENT = 2000;
const NLU_FIELDS = ["name", "isDisabled", "isRejectIntent", "parentIntentId", "childFeatures"];

/** Writable intent fields: IIntent_2_0 minus reference/meta keys (RAC 0.19.0 ICreateIntentRestDataBody_2_0, IBatchIntentsRestOperationSet). */
export const INTENT_FIELDS = [
  "name",
  "description",
  "condition",
  "isRejectIntent",
  "isDisabled",
  "tags",
  "confirmationSentences",
  "disambiguationSentence",
  "data",
  "rules",
  "nodeReferenceId",
  "childFeatures",
  "biasTowardsParentOrChildIntents",
  "parentIntentId",
  "analyticsLabel",
  "overrideIntentDefaultRepliesAsExamples",
];
/** Server-generated fields the batch value type also lists (Omit<IIntent_2_0, keyof IEntityMeta>): accepted, ignored. */
const INTENT_GENERATED = ["referenceId", "localeReference", "feedbackReport"];

type IntentPatch = Partial<Omit<IntentRec, "_id" | "referenceId" | "flowId" | "sentences" | "extras">>;

/** Validates the writable intent fields of a create/update body. */
export function readIntentInput(body: Record<string, unknown>, creating: boolean): IntentPatch {
  const out: IntentPatch = {};
  if (creating || body.name !== undefined) {
    const name = str(body, "name", { required: true, max: 200 })!.trim();
    if (!name) throw badRequest("'name' must not be empty");
    out.name = name;
  }
  for (const k of ["description", "condition", "disambiguationSentence", "analyticsLabel"] as const) {
    const v = str(body, k, { allowEmpty: true, max: 5000 });
    if (v !== undefined) out[k] = v;
  }
  for (const k of ["tags", "rules", "confirmationSentences"] as const) {
    const v = strArray(body, k);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ["isRejectIntent", "isDisabled"] as const) {
    const v = bool(body, k);
    if (v !== undefined) out[k] = v;
  }
  if (body.data !== undefined) {
    if (!body.data || typeof body.data !== "object" || Array.isArray(body.data)) throw badRequest("'data' must be an object");
    out.data = body.data as Record<string, unknown>;
  }
  if (body.childFeatures !== undefined) {
    const v = body.childFeatures;
    if (typeof v !== "boolean" && !(Array.isArray(v) && v.every(isObjectId))) throw badRequest("'childFeatures' must be a boolean or an array of ObjectIds");
    out.childFeatures = v as boolean | string[];
  }
  if (body.biasTowardsParentOrChildIntents !== undefined) {
    if (body.biasTowardsParentOrChildIntents !== "parents" && body.biasTowardsParentOrChildIntents !== "children") {
      throw badRequest("'biasTowardsParentOrChildIntents' must be parents or children");
    }
    out.biasTowardsParentOrChildIntents = body.biasTowardsParentOrChildIntents;
  }
  if (body.parentIntentId !== undefined) {
    if (body.parentIntentId !== null && body.parentIntentId !== "" && !isObjectId(body.parentIntentId)) throw badRequest("'parentIntentId' must be an ObjectId or null");
    out.parentIntentId = (body.parentIntentId as string) || null;
  }
  if (body.overrideIntentDefaultRepliesAsExamples !== undefined) {
    const v = body.overrideIntentDefaultRepliesAsExamples;
    if (!["on", "off", "useFlowSettings"].includes(v as string)) throw badRequest("'overrideIntentDefaultRepliesAsExamples' must be on, off or useFlowSettings");
    out.overrideIntentDefaultRepliesAsExamples = v as string;
  }
  return out;
}

/** The keys of a sentence value: single POST {localeId, text?, slots?} (ICreateSentenceRestDataBody_2_0); batch per dialect. */
function sentenceValue(v: Record<string, unknown>, localeKey: "localeReference" | "localeId", creating: boolean, where: string): void {
  // IBatchSentencesRestOperationSet: create and update values are Omit<ISentence_2_0, meta | feedbackReport> — all three required
  strictKeys(v, ["text", "slots", localeKey], creating ? ["text", "slots", localeKey] : [], where);
}

function readSentenceText(body: Record<string, unknown>, required: boolean): string | undefined {
  const t = str(body, "text", { required, max: 2000 });
  if (t === undefined) return undefined;
  if (!t.trim()) throw badRequest("'text' must not be empty");
  return t;
}

function readSlots(body: Record<string, unknown>): unknown[] | undefined {
  if (body.slots === undefined) return undefined;
  if (!Array.isArray(body.slots) || body.slots.some((x) => !x || typeof x !== "object")) throw badRequest("'slots' must be an array of slot objects");
  return body.slots;
}

function readOps(body: Record<string, unknown>): { op: string; id?: string; value: Record<string, unknown> }[] {
  strictKeys(body, ["operations"], ["operations"]);
  const ops = body.operations;
  if (ops === undefined) throw missingArgument("operations");
  if (!Array.isArray(ops)) throw badRequest("'operations' must be an array");
  if (ops.length > MAX_BATCH) throw badRequest(`Only ${MAX_BATCH} operations per batch call allowed`);
  return ops.map((o, n) => {
    if (!o || typeof o !== "object") throw badRequest(`operations[${n}] must be an object`);
    const { op, id, value } = o as Record<string, unknown>;
    // IBatchActionOperation: create {op, value}; update {op, id, value}; delete {op, id}
    const keys = op === "create" ? ["op", "value"] : op === "update" ? ["op", "id", "value"] : op === "delete" ? ["op", "id"] : ["op", "id", "value"];
    strictKeys(o as Record<string, unknown>, keys, keys, `operations[${n}].`);
    if (op !== "create" && op !== "update" && op !== "delete") throw badRequest(`operations[${n}].op must be create, update or delete`);
    if (op !== "create" && !isObjectId(id)) throw badRequest(`operations[${n}].id must be a valid ObjectId`);
    if (op !== "delete" && (!value || typeof value !== "object" || Array.isArray(value))) throw badRequest(`operations[${n}].value must be an object`);
    return { op, id: id as string | undefined, value: (value ?? {}) as Record<string, unknown> };
  });
}

export function registerIntentRoutes(r: Router, emu: EmulatorCore): void {
  const s = emu.store;

  const checkParent = (flow: FlowRec, patch: IntentPatch, selfId: string | null, alive: (id: string) => boolean) => {
    if (!patch.parentIntentId) return;
    if (patch.parentIntentId === selfId) throw badRequest("an intent cannot be its own parent");
    const p = s.intents.get(patch.parentIntentId);
    if (!p || p.flowId !== flow._id || !alive(p._id)) throw badRequest(`'parentIntentId': no intent ${patch.parentIntentId} in this flow`);
  };

  const applyPatch = (flow: FlowRec, intent: IntentRec, patch: IntentPatch) => {
    const nlu = NLU_FIELDS.some((k) => k in patch && JSON.stringify((patch as Record<string, unknown>)[k]) !== JSON.stringify((intent as unknown as Record<string, unknown>)[k]));
    Object.assign(intent, patch);
    s.touch(intent);
    if (nlu) s.markChanged(flow);
  };

  const deleteIntent = (flow: FlowRec, intent: IntentRec) => {
    s.intents.delete(intent._id);
    for (const i of s.intentsOf(flow._id)) if (i.parentIntentId === intent._id) i.parentIntentId = null;
    for (const [id, l] of s.learningSentences) if (l.intentId === intent._id) s.learningSentences.delete(id);
    s.markChanged(flow);
  };

  const createIntent = (flow: FlowRec, patch: IntentPatch): IntentRec => {
    const i = s.newIntent(flow, patch.name!);
    Object.assign(i, patch);
    s.intents.set(i._id, i);
    s.markChanged(flow);
    return i;
  };

  // ---- intents

  r.add("GET", "/flows/:flowId/intents", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const loc = queryObjectId(ctx.query, "preferredLocaleId");
    if (loc) emu.projectLocale(flow.projectId, loc, "preferredLocaleId");
    let list = s.intentsOf(flow._id);
    const parent = queryObjectId(ctx.query, "parent");
    if (parent) list = list.filter((i) => i.parentIntentId === parent);
    else if (ctx.query.get("includeChildren") === "false") list = list.filter((i) => !i.parentIntentId);
    const fb = ctx.query.get("includeFeedbackReport") === "true";
    return ok(paginate(list, ctx.query, (i) => intentListView(i, fb), { textField: "name", filterFields: ["name", "isDisabled", "isRejectIntent"] }));
  });

  r.add("POST", "/flows/:flowId/intents", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const body = ctx.json();
    strictKeys(body, INTENT_FIELDS, ["name"]);
    const patch = readIntentInput(body, true);
    if (s.intentsOf(flow._id).some((i) => i.name === patch.name)) throw conflict(`An intent named '${patch.name}' already exists in this flow`);
    checkParent(flow, patch, null, () => true);
    emu.checkFlowCaps(flow, 1, new Map());
    const i = createIntent(flow, patch);
    return ok(intentView(i), 201);
  });

  r.add("PATCH", "/flows/:flowId/intents", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const ops = readOps(ctx.json());
    // Validate the whole batch first: it applies all or nothing.
    const names = new Map(s.intentsOf(flow._id).map((i) => [i.name, i._id]));
    const deleted = new Set<string>();
    const alive = (id: string) => !deleted.has(id);
    const planned = ops.map((o, n) => {
      if (o.op === "create") {
        strictKeys(o.value, [...INTENT_FIELDS, ...INTENT_GENERATED], ["name"], `operations[${n}].value.`);
        const patch = readIntentInput(o.value, true);
        if (names.has(patch.name!)) throw conflict(`operations[${n}]: an intent named '${patch.name}' already exists in this flow`);
        checkParent(flow, patch, null, alive);
        names.set(patch.name!, `new${n}`);
        return { ...o, patch };
      }
      const cur = s.intents.get(o.id!);
      if (!cur || cur.flowId !== flow._id || deleted.has(cur._id)) throw notFound(`operations[${n}]: Intent ${o.id}`);
      if (o.op === "delete") {
        deleted.add(cur._id);
        for (const [k, v] of names) if (v === cur._id) names.delete(k);
        return { ...o, patch: {} as IntentPatch };
      }
      strictKeys(o.value, [...INTENT_FIELDS, ...INTENT_GENERATED], [], `operations[${n}].value.`);
      const patch = readIntentInput(o.value, false);
      if (patch.name !== undefined) {
        const owner = names.get(patch.name);
        if (owner !== undefined && owner !== cur._id) throw conflict(`operations[${n}]: an intent named '${patch.name}' already exists in this flow`);
        for (const [k, v] of names) if (v === cur._id) names.delete(k);
        names.set(patch.name, cur._id);
      }
      checkParent(flow, patch, cur._id, alive);
      return { ...o, patch };
    });
    const creates = planned.filter((o) => o.op === "create").length - planned.filter((o) => o.op === "delete").length;
    emu.checkFlowCaps(flow, creates, new Map());
    const result = { created: [] as string[], updated: [] as string[], deleted: [] as string[] };
    for (const o of planned) {
      if (o.op === "create") result.created.push(createIntent(flow, o.patch)._id);
      else if (o.op === "update") {
        applyPatch(flow, s.intents.get(o.id!)!, o.patch);
        result.updated.push(o.id!);
      } else {
        deleteIntent(flow, s.intents.get(o.id!)!);
        result.deleted.push(o.id!);
      }
    }
    return ok(result);
  });

  r.add("GET", "/flows/:flowId/intents/:intentId", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const loc = queryObjectId(ctx.query, "preferredLocaleId");
    if (loc) emu.projectLocale(flow.projectId, loc, "preferredLocaleId");
    return ok(intentView(emu.intent(flow, ctx.params.intentId)));
  });

  r.add("PATCH", "/flows/:flowId/intents/:intentId", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    const intent = emu.intent(flow, ctx.params.intentId);
    const body = ctx.json();
    // IUpdateIntentRestBody_2_0: the writable intent fields + localeId (required)
    strictKeys(body, [...INTENT_FIELDS, "localeId"], ["localeId"]);
    const localeId = objectIdArg(body, "localeId")!;
    emu.projectLocale(flow.projectId, localeId);
    const patch = readIntentInput(body, false);
    if (patch.name !== undefined && s.intentsOf(flow._id).some((i) => i.name === patch.name && i._id !== intent._id)) {
      throw conflict(`An intent named '${patch.name}' already exists in this flow`);
    }
    checkParent(flow, patch, intent._id, () => true);
    applyPatch(flow, intent, patch);
    return ok({});
  });

  r.add("DELETE", "/flows/:flowId/intents/:intentId", (ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    deleteIntent(flow, emu.intent(flow, ctx.params.intentId));
    return ok({});
  });

  // ---- sentences

  const sentenceOf = (intent: IntentRec, id: string): SentenceRec => {
    const x = intent.sentences.find((y) => y._id === id);
    if (!x) throw notFound("Sentence");
    return x;
  };

  const checkCap = (intent: IntentRec, localeId: string, adding: number) => {
    const cap = emu.limits.intentSentences;
    if (cap <= 0) return;
    const n = intent.sentences.filter((x) => x.localeReference === localeId).length;
    if (n + adding > cap) {
      throw new HttpError(400, `An intent can have at most ${cap} example sentences per locale`, 1005);
    }
  };

  const load = (ctx: Ctx) => {
    const flow = emu.flow(ctx.params.flowId);
    return { flow, intent: emu.intent(flow, ctx.params.intentId) };
  };

  r.add("GET", "/flows/:flowId/intents/:intentId/sentences", (ctx) => {
    const { flow, intent } = load(ctx);
    const loc = queryObjectId(ctx.query, "preferredLocaleId") ?? s.primaryLocale(flow.projectId)?._id;
    if (loc) emu.projectLocale(flow.projectId, loc, "preferredLocaleId");
    const fb = ctx.query.get("includeFeedbackReport") === "true";
    const list = intent.sentences.filter((x) => x.localeReference === loc);
    return ok(paginate(list, ctx.query, (x) => sentenceView(x, fb), { textField: "text" }));
  });

  r.add("POST", "/flows/:flowId/intents/:intentId/sentences", (ctx) => {
    const { flow, intent } = load(ctx);
    const body = ctx.json();
    strictKeys(body, ["localeId", "text", "slots"], ["localeId", "text"]);
    const localeId = objectIdArg(body, "localeId")!;
    emu.projectLocale(flow.projectId, localeId);
    const text = readSentenceText(body, true)!;
    const slots = readSlots(body) ?? [];
    checkCap(intent, localeId, 1);
    emu.checkFlowCaps(flow, 0, new Map([[localeId, 1]]));
    const x = s.newSentence(text, localeId, slots);
    intent.sentences.push(x);
    s.touch(intent);
    s.markChanged(flow, localeId);
    return ok(sentenceView(x, false, true), 201);
  });

  r.add("PATCH", "/flows/:flowId/intents/:intentId/sentences", (ctx) => {
    const { flow, intent } = load(ctx);
    const ops = readOps(ctx.json());
    const gone = new Set<string>();
    const adds = new Map<string, number>();
    const lk = emu.opts.sentenceDialect;
    const planned = ops.map((o, n) => {
      if (o.op !== "delete") sentenceValue(o.value, lk, o.op === "create", `operations[${n}].value.`);
      if (o.op === "create") {
        const localeId = objectIdArg(o.value, lk)!;
        emu.projectLocale(flow.projectId, localeId, `operations[${n}].value.${lk}`);
        const text = readSentenceText(o.value, true)!;
        adds.set(localeId, (adds.get(localeId) ?? 0) + 1);
        return { ...o, localeId, text, slots: readSlots(o.value) ?? [] };
      }
      const cur = intent.sentences.find((x) => x._id === o.id);
      if (!cur || gone.has(cur._id)) throw notFound(`operations[${n}]: Sentence ${o.id}`);
      if (o.op === "delete") {
        gone.add(cur._id);
        adds.set(cur.localeReference, (adds.get(cur.localeReference) ?? 0) - 1);
        return { ...o, localeId: cur.localeReference, text: undefined, slots: undefined };
      }
      if (o.value[lk] !== undefined && o.value[lk] !== cur.localeReference) throw badRequest(`operations[${n}].value.${lk}: a sentence cannot move to another locale`);
      return { ...o, localeId: cur.localeReference, text: readSentenceText(o.value, false), slots: readSlots(o.value) };
    });
    for (const [loc, n] of adds) if (n > 0) checkCap(intent, loc, n);
    emu.checkFlowCaps(flow, 0, adds);
    const result = { created: [] as string[], updated: [] as string[], deleted: [] as string[] };
    const changed = new Set<string>();
    for (const o of planned) {
      changed.add(o.localeId);
      if (o.op === "create") {
        const x = s.newSentence(o.text!, o.localeId, o.slots);
        intent.sentences.push(x);
        result.created.push(x._id);
      } else if (o.op === "update") {
        const x = intent.sentences.find((y) => y._id === o.id)!;
        if (o.text !== undefined) x.text = o.text;
        if (o.slots !== undefined) x.slots = o.slots;
        s.touch(x);
        result.updated.push(x._id);
      } else {
        intent.sentences = intent.sentences.filter((y) => y._id !== o.id);
        result.deleted.push(o.id!);
      }
    }
    if (planned.length) s.touch(intent);
    for (const loc of changed) s.markChanged(flow, loc);
    return ok(result);
  });

  r.add("GET", "/flows/:flowId/intents/:intentId/sentences/:sentenceId", (ctx) => {
    const { intent } = load(ctx);
    return ok(sentenceView(sentenceOf(intent, ctx.params.sentenceId)));
  });

  r.add("PATCH", "/flows/:flowId/intents/:intentId/sentences/:sentenceId", (ctx) => {
    const { flow, intent } = load(ctx);
    const x = sentenceOf(intent, ctx.params.sentenceId);
    const body = ctx.json();
    // IUpdateSentenceRestBody_2_0 = {text, slots}
    strictKeys(body, ["text", "slots"]);
    const text = readSentenceText(body, false);
    const slots = readSlots(body);
    if (text !== undefined) x.text = text;
    if (slots !== undefined) x.slots = slots;
    s.touch(x);
    s.markChanged(flow, x.localeReference);
    return ok({});
  });

  r.add("DELETE", "/flows/:flowId/intents/:intentId/sentences/:sentenceId", (ctx) => {
    const { flow, intent } = load(ctx);
    const x = sentenceOf(intent, ctx.params.sentenceId);
    intent.sentences = intent.sentences.filter((y) => y !== x);
    s.markChanged(flow, x.localeReference);
    return ok({}); // IDeleteSentenceRestReturnValue_2_0 = {}
  });
}
