// Test helpers for the emulator: a seeded instance, a plain-fetch caller, task polling, small fixtures.
import { configSchema, type Config } from "../../src/config/schema.js";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/index.js";

export const KEY = "test-key-4f1b9c2e";

export function seedConfig(over: { project?: string; flows?: { name: string; locales: Record<string, string> }[] } = {}): Config {
  const flows = over.flows ?? [{ name: "Main", locales: { "en-US": "en-US" } }];
  return configSchema.parse({
    cognigy: { baseUrl: "http://127.0.0.1:9", project: over.project ?? "Pizza Bot" },
    flows: flows.map((f, i) => ({ name: f.name, dir: `data/${i}`, locales: f.locales, defaultLocale: Object.keys(f.locales)[0] })),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected freely in tests
export type Json = any;

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected freely
  json: any;
}

export interface Api {
  emu: Emulator;
  B: string;
  call(method: string, path: string, body?: unknown, opts?: { key?: string | null; prefix?: string; headers?: Record<string, string> }): Promise<Res>;
  /** Like call, but throws unless 2xx; returns the JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: see above
  ok(method: string, path: string, body?: unknown): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  waitTask(id: string, until?: string[]): Promise<any>;
  ids(): Promise<{ projectId: string; flowId: string; flowRef: string; localeId: string; localeRef: string }>;
}

export async function start(opts: Partial<EmulatorOptions> = {}): Promise<Api> {
  const emu = await startEmulator({ apiKey: KEY, seed: seedConfig(), rateLimit: 0, taskDelayMs: 20, ...opts });
  const B = `${emu.url}/new/v2.0`;
  const call: Api["call"] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.key !== null) headers["X-API-Key"] = o.key ?? KEY;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    const r = await fetch(`${emu.url}${o.prefix ?? "/new/v2.0"}${path}`, { method, headers, body: payload });
    const text = await r.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.status, headers: r.headers, text, json };
  };
  const api: Api = {
    emu,
    B,
    call,
    async ok(method, path, body) {
      const r = await call(method, path, body);
      if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
      return r.json;
    },
    async waitTask(id, until = ["done", "error", "cancelled"]) {
      for (let i = 0; i < 2000; i++) {
        const t = await api.ok("GET", `/tasks/${id}`);
        if (until.includes(t.status)) return t;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`task ${id} did not finish`);
    },
    async ids() {
      const p = (await api.ok("GET", "/projects")).items[0];
      const f = (await api.ok("GET", `/flows?projectId=${p._id}`)).items[0];
      const l = (await api.ok("GET", `/locales?projectId=${p._id}`)).items.find((x: { primary: boolean }) => x.primary);
      return { projectId: p._id, flowId: f._id, flowRef: f.referenceId, localeId: l._id, localeRef: l.referenceId };
    },
  };
  return api;
}

/** A small two-locale-free data set: three clear intents. */
export const SMALL: Record<string, string[]> = {
  OrderPizza: ["I would like a large pizza", "can I order a pizza please", "get me a pepperoni pizza", "one margherita pizza to go", "I want to order pizza", "pizza delivery please"],
  CancelOrder: ["please cancel my order", "cancel the order", "I want to cancel my pizza order", "stop my order", "never mind cancel it", "call off my order"],
  OpeningHours: ["when are you open", "what are your opening hours", "are you open on sunday", "what time do you close", "opening times please", "how late are you open"],
};

export function importFile(data: Record<string, string[]>, extra: Record<string, Record<string, unknown>> = {}): string {
  return JSON.stringify(Object.entries(data).map(([name, ex]) => ({ name, exampleSentences: ex, rules: [], tags: [], condition: "", isRejectIntent: false, isDisabled: false, ...(extra[name] ?? {}) })));
}

export function importForm(file: string, localeId: string, mode: string, name = "intents.json"): FormData {
  const fd = new FormData();
  fd.set("file", new Blob([file], { type: "application/json" }), name);
  fd.set("localeId", localeId);
  fd.set("mode", mode);
  return fd;
}

/** Imports `data` (overwrite) and trains; returns the ids. */
export async function loadAndTrain(api: Api, data: Record<string, string[]> = SMALL) {
  const ids = await api.ids();
  const t = await api.ok("POST", `/flows/${ids.flowId}/intents/import`, importForm(importFile(data), ids.localeId, "overwrite"));
  if ((await api.waitTask(t._id)).status !== "done") throw new Error("import failed");
  const tr = await api.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
  const done = await api.waitTask(tr._id);
  if (done.status !== "done") throw new Error(`training failed: ${done.failReason}`);
  return ids;
}
