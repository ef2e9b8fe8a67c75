// Test-only control routes under /__emulator (API key required; never rate-limited, never faulted).
import type { EmulatorCore } from "../core.js";
import { type FaultKind, FAULT_KINDS_ALL } from "../faults.js";
import { noContent, ok, type Router, str } from "../http.js";
import { badRequest } from "../problem.js";

export function registerControlRoutes(r: Router, emu: EmulatorCore, extra: { requestLog: () => unknown[] }): void {
  r.add("GET", "/state", () => ok(emu.store.dump()));
  r.add("GET", "/faults", () => ok({ spec: emu.faults.spec, injected: emu.faults.injected, pending: emu.faults.pending().map((p) => ({ ...p, match: String(p.match ?? "") })) }));
  r.add("PUT", "/faults", (ctx) => {
    const spec = str(ctx.json(), "spec", { allowEmpty: true }) ?? "";
    try {
      emu.faults.set(spec);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    return ok({});
  });
  r.add("DELETE", "/faults", () => {
    emu.faults.clear();
    return noContent();
  });
  r.add("POST", "/faults/queue", (ctx) => {
    const body = ctx.json();
    const kind = str(body, "kind", { required: true }) as FaultKind;
    if (!FAULT_KINDS_ALL.includes(kind)) throw badRequest(`unknown fault kind '${kind}'`);
    const m = str(body, "match");
    const re = m && /^\/.*\/[a-z]*$/.test(m) ? new RegExp(m.slice(1, m.lastIndexOf("/")), m.slice(m.lastIndexOf("/") + 1)) : m;
    const times = body.times === undefined ? 1 : Number(body.times);
    if (!Number.isInteger(times) || times < 1) throw badRequest("'times' must be an integer ≥ 1");
    emu.faults.queue({ kind, match: re, times });
    return ok({});
  });
  r.add("POST", "/learningsentences", (ctx) => {
    const body = ctx.json();
    const flow = str(body, "flow", { required: true })!;
    if (!Array.isArray(body.items)) throw badRequest("'items' must be an array");
    try {
      return ok({ ids: emu.seedLearningSentences(flow, body.items) });
    } catch (e) {
      throw badRequest((e as Error).message);
    }
  });
  r.add("POST", "/analytics", (ctx) => {
    const body = ctx.json();
    if (!Array.isArray(body.items)) throw badRequest("'items' must be an array");
    try {
      emu.seedAnalytics(body.items);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    return ok({});
  });
  r.add("GET", "/requests", () => ok(extra.requestLog()));
}
