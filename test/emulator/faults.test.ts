// Fault switches and the rate limit: each kind over HTTP, reproducible PRNG, queued exact faults, Retry-After.
import { afterEach, describe, expect, it } from "vitest";
import { FaultController, parseFaultSpec } from "../../src/emulator/faults.js";
import { type Api, importFile, importForm, type Json, KEY, loadAndTrain, start } from "./helpers.js";

let api: Api | undefined;
afterEach(async () => {
  await api?.emu.close();
  api = undefined;
});

describe("fault spec", () => {
  it("parses kinds, settings and counts; rejects nonsense", () => {
    const s = parseFaultSpec("429:0.2,500:0.05,drop:0.02,slow:0.05,taskerror:1,slowms=1500,seed=9,expirekey=40,early409:2");
    expect(s.probabilities).toEqual({ "429": 0.2, "500": 0.05, drop: 0.02, slow: 0.05, taskerror: 1 });
    expect(s).toMatchObject({ slowMs: 1500, seed: 9, expireKeyAfter: 40, counts: { early409: 2 } });
    expect(() => parseFaultSpec("bogus:0.1")).toThrow(/unknown kind/);
    expect(() => parseFaultSpec("500:2")).toThrow(/probability/);
    expect(() => parseFaultSpec("500:0.6,429:0.6")).toThrow(/add up/);
    expect(() => parseFaultSpec("500")).toThrow(/kind:probability/);
  });

  it("the same seed gives the same fault sequence", () => {
    const seq = (seed: number) => {
      const f = new FaultController(`429:0.3,500:0.2,seed=${seed}`);
      return Array.from({ length: 50 }, () => f.pickHttp("GET /projects"));
    };
    expect(seq(3)).toEqual(seq(3));
    expect(seq(3)).not.toEqual(seq(4));
    const counts: Record<string, number> = {};
    for (const k of seq(5)) counts[String(k)] = (counts[String(k)] ?? 0) + 1;
    expect(counts["429"]).toBeGreaterThan(5);
    expect(counts.null).toBeGreaterThan(15);
  });
});

describe("faults over HTTP", () => {
  it("429 with Retry-After, 429noretry without, 500/503 RFC-7807, 502 and 403 non-JSON; counted", async () => {
    api = await start();
    const f = api.emu.faults;
    const expectations: [string, number, boolean][] = [
      ["429", 429, true],
      ["429noretry", 429, true],
      ["500", 500, true],
      ["503", 503, true],
      ["502", 502, false],
      ["403", 403, false],
    ];
    for (const [kind, status, json] of expectations) {
      f.queue({ kind: kind as "500", match: "GET /projects" });
      const r = await api.call("GET", "/projects");
      expect(r.status).toBe(status);
      expect(r.json !== undefined).toBe(json);
      if (kind === "429") expect(r.headers.get("retry-after")).toBe("1");
      if (kind === "429noretry") expect(r.headers.get("retry-after")).toBeNull();
      if (kind === "500") expect(r.json.code).toBe(1008);
      expect((await api.call("GET", "/projects")).status).toBe(200);
    }
    expect(f.injected).toMatchObject({ "429": 1, "429noretry": 1, "500": 1, "503": 1, "502": 1, "403": 1 });
  });

  it("queued faults match on METHOD /path (string or RegExp) and apply `times` times", async () => {
    api = await start();
    const { flowId } = await api.ids();
    api.emu.faults.queue({ kind: "500", match: /^PATCH \/flows\/[0-9a-f]+\/intents$/, times: 2 });
    expect((await api.call("GET", `/flows/${flowId}/intents`)).status).toBe(200);
    const body = { operations: [{ op: "create", value: { name: "A" } }] };
    expect((await api.call("PATCH", `/flows/${flowId}/intents`, body)).status).toBe(500);
    expect((await api.call("PATCH", `/flows/${flowId}/intents`, body)).status).toBe(500);
    expect((await api.call("PATCH", `/flows/${flowId}/intents`, body)).status).toBe(200);
    expect((await api.ok("GET", `/flows/${flowId}/intents`)).total).toBe(1);
  });

  it("drop destroys the socket; on batch PATCH it sometimes applies the change first", async () => {
    api = await start({ faults: "seed=1" });
    const { flowId } = await api.ids();
    await expect(fetch(`${api.B}/projects`, { headers: { "X-API-Key": KEY } }).then(() => "answered")).resolves.toBe("answered");
    api.emu.faults.queue({ kind: "drop", match: "GET /projects" });
    await expect(fetch(`${api.B}/projects`, { headers: { "X-API-Key": KEY } })).rejects.toThrow();
    let applied = 0;
    for (let n = 0; n < 12; n++) {
      api.emu.faults.queue({ kind: "drop", match: "PATCH" });
      const res = await fetch(`${api.B}/flows/${flowId}/intents`, {
        method: "PATCH",
        headers: { "X-API-Key": KEY, "content-type": "application/json" },
        body: JSON.stringify({ operations: [{ op: "create", value: { name: `d${n}` } }] }),
      }).then(
        () => "answered",
        () => "dropped",
      );
      expect(res).toBe("dropped");
    }
    applied = (await api.ok("GET", `/flows/${flowId}/intents?limit=100`)).total;
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(12);
    expect(api.emu.requestLog.filter((e) => e.fault === "drop").every((e) => e.status === 0)).toBe(true);
  });

  it("slow holds the response for slowMs", async () => {
    api = await start({ faults: "slow:1,slowms=300" });
    // a lower bound only (a timer never fires early; a loaded machine only makes it later): no speed is asserted
    let held = false;
    const timer = setTimeout(() => (held = true), 280);
    const r = await api.call("GET", "/projects");
    clearTimeout(timer);
    expect(r.status).toBe(200);
    expect(held).toBe(true);
    expect(api.emu.faults.injected.slow).toBe(1);
    api.emu.faults.clear();
    await api.call("GET", "/projects");
    expect(api.emu.faults.injected.slow).toBe(1);
    expect(api.emu.requestLog.at(-1)?.fault).toBeUndefined();
  });

  it("taskerror ends tasks in error with a failReason; taskstuck keeps them active until cancelled", async () => {
    api = await start({ faults: "taskerror:1" });
    const ids = await api.ids();
    const t = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    const done = await api.waitTask(t._id);
    expect(done.status).toBe("error");
    expect(done.failReason).toMatch(/^Training failed: /);
    api.emu.faults.set("taskstuck:1");
    const s = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    await api.waitTask(s._id, ["active"]);
    await new Promise((r) => setTimeout(r, 200));
    expect((await api.ok("GET", `/tasks/${s._id}`)).status).toBe("active");
    await api.ok("POST", `/tasks/${s._id}/cancel`);
    expect((await api.waitTask(s._id)).status).toBe("cancelled");
  });

  it("expirekey=N: every request after the first N answers 401", async () => {
    api = await start({ faults: "expirekey=3" });
    for (let i = 0; i < 3; i++) expect((await api.call("GET", "/projects")).status).toBe(200);
    const r = await api.call("GET", "/projects");
    expect(r.status).toBe(401);
    expect(r.json.detail).toMatch(/expired/);
    expect((await api.call("GET", "/projects")).status).toBe(401);
  });

  it("early409:N — the first N download-link calls of each snapshot answer 409; placeholder:N bodies", async () => {
    api = await start({ faults: "early409:2,placeholder:1" });
    const { projectId } = await api.ids();
    const c = await api.ok("POST", "/snapshots", { projectId, name: "e" });
    await api.waitTask(c._id);
    const snap = (await api.ok("GET", `/snapshots?projectId=${projectId}`)).items[0];
    const p = await api.ok("POST", `/snapshots/${snap._id}/package`);
    await api.waitTask(p._id);
    expect((await api.call("POST", `/snapshots/${snap._id}/downloadlink`)).status).toBe(409);
    expect((await api.call("POST", `/snapshots/${snap._id}/downloadlink`)).status).toBe(409);
    const link = (await api.ok("POST", `/snapshots/${snap._id}/downloadlink`)).downloadLink;
    expect(await (await fetch(link)).text()).toBe("csnap");
    expect((await (await fetch(link)).arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect(api.emu.faults.injected).toMatchObject({ early409: 2, placeholder: 1 });
  });

  it("faults never touch the control routes", async () => {
    api = await start({ faults: "500:1" });
    expect((await api.call("GET", "/projects")).status).toBe(500);
    const r = await fetch(`${api.emu.url}/__emulator/state`, { headers: { "X-API-Key": KEY } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as Json).projects[0].name).toBe("Pizza Bot");
    const set = await fetch(`${api.emu.url}/__emulator/faults`, { method: "PUT", headers: { "X-API-Key": KEY, "content-type": "application/json" }, body: JSON.stringify({ spec: "" }) });
    expect(set.status).toBe(200);
    expect((await api.call("GET", "/projects")).status).toBe(200);
  });

  it("a fault mix over HTTP is reproducible from its seed", async () => {
    const statuses = async (spec: string) => {
      const a = await start({ faults: spec });
      try {
        const out: number[] = [];
        for (let i = 0; i < 40; i++) out.push((await a.call("GET", "/projects")).status);
        return { out, injected: { ...a.emu.faults.injected } };
      } finally {
        await a.emu.close();
      }
    };
    const one = await statuses("429:0.2,500:0.1,seed=11");
    const two = await statuses("429:0.2,500:0.1,seed=11");
    const other = await statuses("429:0.2,500:0.1,seed=12");
    expect(two.out).toEqual(one.out);
    expect(other.out).not.toEqual(one.out);
    expect(one.out.filter((x) => x === 429).length).toBe(one.injected["429"]);
    expect(one.out.filter((x) => x === 500).length).toBe(one.injected["500"] ?? 0);
    expect(one.out.filter((x) => x === 200).length).toBeGreaterThan(20);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once the window is full, and recovers when it slides", async () => {
    let now = 1_700_000_000_000;
    api = await start({ rateLimit: 5, clock: () => now });
    for (let i = 0; i < 5; i++) expect((await api.call("GET", "/projects")).status).toBe(200);
    now += 60_000;
    const r = await api.call("GET", "/projects");
    expect(r.status).toBe(429);
    expect(r.json).toMatchObject({ status: 429, code: 429, type: "about:blank" });
    expect(Number(r.headers.get("retry-after"))).toBe(240);
    now += 240_000;
    expect((await api.call("GET", "/projects")).status).toBe(200);
  });

  it("defaults to 1000 requests per 5 minutes; 0 turns it off", async () => {
    api = await start({ rateLimit: undefined });
    expect(api.emu.rateLimiter.limit).toBe(1000);
    await api.emu.close();
    api = await start({ rateLimit: 0 });
    for (let i = 0; i < 30; i++) expect((await api.call("GET", "/projects")).status).toBe(200);
  });
});

describe("scores keep working during training", () => {
  it("answers task polls while a bigger model is being fitted", async () => {
    api = await start();
    const ids = await loadAndTrain(api);
    const big: Record<string, string[]> = {};
    for (let i = 0; i < 40; i++) big[`intent${i}`] = Array.from({ length: 40 }, (_, j) => `sample ${i} text ${j} word${(i * 7 + j) % 97} thing${i}`);
    const imp = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(importFile(big), ids.localeId, "overwrite"));
    await api.waitTask(imp._id);
    const tr = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    let whileActive = 0;
    for (;;) {
      const t = await api.ok("GET", `/tasks/${tr._id}`);
      if (t.status === "active" && t.currentStep > 20) whileActive++;
      if (t.status === "done") break;
    }
    // The fit runs in chunks: polls keep being answered while it is under way, none waits for the whole fit.
    // Counted in answered polls, not milliseconds (a loaded machine makes both the fit and the polls slower).
    expect(whileActive).toBeGreaterThanOrEqual(3);
  });
});
