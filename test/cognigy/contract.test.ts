// Contract tests: CognigyClient against the embedded emulator, every CognigyApi route, plus injected faults.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognigyClient, CognigyApiError, type CognigyClientOptions, type Flow, type Locale, type Project } from "../../src/cognigy/index.js";
import { configSchema } from "../../src/config/schema.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { ConfigError } from "../../src/errors.js";
import { RecordingLogger } from "../../src/logger.js";
import { failure, KEY, messages } from "./helpers.js";

let emu: Emulator;
let dir: string;
let project: Project;
let flow: Flow;
let en: Locale;
let de: Locale;
const logger = new RecordingLogger();

/** Real time, but every wait shortened to ≤ 20 ms so task polling and backoff stay quick. */
const quickSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20)));

function client(extra: Partial<CognigyClientOptions> = {}): CognigyClient {
  return new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, sleep: quickSleep, logger, timeoutMs: 10_000, ...extra });
}

const intents = [
  { name: "OrderPizza", exampleSentences: ["I want a pizza", "order a large pizza", "can I get a pizza please", "pizza delivery please", "one margherita"], rules: [], tags: ["orders"] },
  { name: "CancelOrder", exampleSentences: ["cancel my order", "stop the order", "I do not want it anymore", "please cancel", "cancel the pizza"], rules: [], tags: [] },
  { name: "Opening", exampleSentences: ["when are you open", "opening hours", "are you open today", "what time do you close", "hours on sunday"], rules: [], tags: [] },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cognigy-contract-"));
  const seed = configSchema.parse({
    cognigy: { baseUrl: "http://127.0.0.1:9", project: "Pizza Bot" },
    flows: [
      { name: "Main", dir: "data/main", locales: { "en-US": "en-US", "de-DE": "de-DE" }, defaultLocale: "en-US" },
      { name: "Other", dir: "data/other", locales: { "en-US": "en-US" }, defaultLocale: "en-US" },
    ],
  });
  emu = await startEmulator({ apiKey: KEY, seed, rateLimit: 0, taskDelayMs: 20 });
  const c = client();
  project = await c.resolveProject("Pizza Bot");
  flow = await c.resolveFlow(project._id, "Main");
  en = await c.resolveLocale(project._id, "en-US");
  de = await c.resolveLocale(project._id, "de-DE");
});

afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
  for (const m of [...messages, logger.text()]) expect(m).not.toContain(KEY);
  for (const e of emu?.requestLog ?? []) {
    if (e.method === "GET" || e.method === "DELETE") expect(e.requestBody).toBe("");
  }
});

describe("projects, flows, locales", () => {
  it("resolves by name and _id; fails clearly on none", async () => {
    const c = client();
    expect((await c.listProjects()).map((p) => p.name)).toContain("Pizza Bot");
    expect((await c.resolveProject(project._id)).name).toBe("Pizza Bot");
    const none = await failure(() => c.resolveProject("Nope Bot"));
    expect(none).toBeInstanceOf(ConfigError);
    expect(none.message).toContain("'Pizza Bot'");
    const nf = await failure(() => c.resolveProject("65f00000000000000000ffff"));
    expect(nf).toBeInstanceOf(ConfigError);
    expect((await c.listFlows(project._id)).map((f) => f.name).sort()).toEqual(["Main", "Other"]);
    expect((await c.resolveFlow(project._id, flow._id)).name).toBe("Main");
    expect((await c.getFlow(flow._id)).referenceId).toBe(flow.referenceId);
    await expect(c.resolveFlow(project._id, "Mian")).rejects.toThrow(/flow 'Mian' not found.*'Main', 'Other'/);
    expect((await c.listLocales(project._id)).map((l) => l.name).sort()).toEqual(["de-DE", "en-US"]);
    expect(en.primary).toBe(true);
  });

  it("flow settings GET / PATCH (intent thresholds)", async () => {
    const c = client();
    const before = await c.getFlowSettings(flow._id);
    expect(before.intentThreshold).toBeDefined();
    await c.updateFlowSettings(flow._id, { intentThreshold: { lower: 0.3, upper: 0.7 } });
    expect((await c.getFlowSettings(flow._id)).intentThreshold).toEqual({ lower: 0.3, upper: 0.7 });
    await c.updateFlowSettings(flow._id, { intentThreshold: before.intentThreshold });
  });

  it("serves the /v2.0 prefix too", async () => {
    const c = client({ apiPrefix: "/v2.0" });
    expect((await c.listProjects()).length).toBeGreaterThan(0);
  });

  it("a wrong key: 401, not retried, advice in the message, the key never shown", async () => {
    const c = client({ apiKey: "wrong-key-123456" });
    const n = emu.requestLog.length;
    const e = await failure(() => c.resolveProject("Pizza Bot"));
    expect(e).toBeInstanceOf(CognigyApiError);
    expect(e.status).toBe(401);
    expect(e.message).toContain("COGNIGY_API_KEY");
    expect(e.message).not.toContain("wrong-key-123456");
    expect(emu.requestLog.length - n).toBe(1);
  });
});

describe("intents and sentences", () => {
  it("create / list / update / delete one intent", async () => {
    const c = client();
    const i = await c.createIntent(flow._id, { name: "Tmp", description: "temporary", tags: ["t"] });
    expect(i._id).toMatch(/^[0-9a-f]{24}$/);
    await c.updateIntent(flow._id, i._id, { localeId: en._id, description: "changed" });
    const listed = (await c.listIntents(flow._id, { localeId: en._id })).find((x) => x._id === i._id);
    expect(listed?.description).toBe("changed");
    await c.deleteIntent(flow._id, i._id);
    expect((await c.listIntents(flow._id)).some((x) => x._id === i._id)).toBe(false);
  });

  it("batch intents in chunks (230 ops → 3 calls), paginated back", async () => {
    const c = client();
    const n = emu.requestLog.length;
    const r = await c.batchIntents(
      flow._id,
      Array.from({ length: 230 }, (_, k) => ({ op: "create" as const, value: { name: `Bulk${k}` } })),
    );
    expect(r.created).toHaveLength(230);
    expect(emu.requestLog.slice(n).filter((e) => e.method === "PATCH")).toHaveLength(3);
    const all = await c.listIntents(flow._id);
    expect(all.filter((i) => i.name.startsWith("Bulk"))).toHaveLength(230);
    const del = await c.batchIntents(flow._id, all.filter((i) => i.name.startsWith("Bulk")).map((i) => ({ op: "delete" as const, id: i._id })));
    expect(del.deleted).toHaveLength(230);
    expect(c.stats().byRoute["PATCH /flows/:flowId/intents"].count).toBe(6);
  });

  it("batch sentences: create per locale, update, delete", async () => {
    const c = client();
    const i = await c.createIntent(flow._id, { name: "Greeting" });
    const r = await c.batchSentences(flow._id, i._id, [
      { op: "create", value: { text: "hello", localeId: en._id } },
      { op: "create", value: { text: "hi there", localeId: en._id } },
      { op: "create", value: { text: "hallo", localeId: de._id } },
    ]);
    expect(r.created).toHaveLength(3);
    const enList = await c.listSentences(flow._id, i._id, { localeId: en._id });
    expect(enList.map((s) => s.text).sort()).toEqual(["hello", "hi there"]);
    expect((await c.listSentences(flow._id, i._id, { localeId: de._id })).map((s) => s.text)).toEqual(["hallo"]);
    const hello = enList.find((s) => s.text === "hello")!;
    const hi = enList.find((s) => s.text === "hi there")!;
    await c.batchSentences(flow._id, i._id, [
      { op: "update", id: hello._id, value: { text: "hello!" } },
      { op: "delete", id: hi._id },
    ]);
    expect((await c.listSentences(flow._id, i._id, { localeId: en._id })).map((s) => s.text)).toEqual(["hello!"]);
    await c.deleteIntent(flow._id, i._id);
  });
});

describe("import, export, train, score, tasks", () => {
  it("import (multipart) → task → export round-trips; train → scores", async () => {
    const c = client();
    const imp = await c.importIntents(flow._id, { localeId: en._id, mode: "overwrite", intents });
    const done = await c.waitForTask(imp._id);
    expect(done.status).toBe("done");
    const exported = await c.exportIntents(flow._id, en._id);
    for (const want of intents) {
      const got = exported.find((x) => x.name === want.name);
      expect(got?.exampleSentences.slice().sort()).toEqual(want.exampleSentences.slice().sort());
    }
    const progress: string[] = [];
    const t = await c.train(flow._id, { localeId: en._id });
    const trained = await c.waitForTask(t._id, { onProgress: (x) => progress.push(x.status) });
    expect(trained.status).toBe("done");
    expect(progress.at(-1)).toBe("done");
    expect((await c.getTask(t._id)).status).toBe("done");
    expect((await c.listTasks(project._id)).some((x) => x._id === t._id)).toBe(true);
    const scores = await c.scores(project._id, { flowReferenceId: flow.referenceId, localeReferenceId: en.referenceId, sentence: "I would like to order a pizza" });
    expect(scores[0].name).toBe("OrderPizza");
    for (let k = 1; k < scores.length; k++) expect(scores[k - 1].score).toBeGreaterThanOrEqual(scores[k].score);
  });

  it("cancel a task", async () => {
    const c = client();
    const t = await c.train(flow._id, { localeId: en._id });
    await c.cancelTask(t._id).catch((e) => {
      if (!(e instanceof CognigyApiError && e.status === 409)) throw e; // it may already be done
    });
    const end = await c.waitForTask(t._id).catch((e) => e as Error);
    expect(end instanceof Error ? end.message : end.status).toMatch(/cancelled|done/);
  });

  it("a failing task: the error names the task id and the failReason", async () => {
    const c = client();
    emu.faults.queue({ match: "/intents/train", kind: "taskerror" });
    const t = await c.train(flow._id, { localeId: en._id });
    const e = await failure(() => c.waitForTask(t._id));
    expect(e.message).toContain(t._id);
    expect(e.message).toMatch(/failed: Training failed/);
  });

  it("a train POST whose connection drops is not duplicated; a 429 is retried", async () => {
    const c = client();
    const trainsBefore = (await c.listTasks(project._id)).filter((t) => t.name === "trainIntents").length;
    emu.faults.queue({ match: `POST /flows/${flow._id}/intents/train`, kind: "drop" });
    const t = await c.train(flow._id, { localeId: en._id });
    await c.waitForTask(t._id);
    emu.faults.queue({ match: `POST /flows/${flow._id}/intents/train`, kind: "429" });
    const t2 = await c.train(flow._id, { localeId: en._id });
    await c.waitForTask(t2._id);
    const trains = (await c.listTasks(project._id)).filter((x) => x.name === "trainIntents");
    expect(trains.length - trainsBefore).toBe(2);
    expect(c.stats().retries).toBeGreaterThanOrEqual(2);
  });

  it("batch PATCHes under dropped connections never duplicate", async () => {
    const c = client();
    for (let k = 0; k < 6; k++) {
      emu.faults.queue({ match: `PATCH /flows/${flow._id}/intents`, kind: "drop" });
      await c.batchIntents(flow._id, [
        { op: "create", value: { name: `Drop${k}a` } },
        { op: "create", value: { name: `Drop${k}b` } },
      ]);
    }
    const names = (await c.listIntents(flow._id)).map((i) => i.name).filter((n) => n.startsWith("Drop"));
    expect(names.sort()).toEqual(Array.from({ length: 6 }, (_, k) => [`Drop${k}a`, `Drop${k}b`]).flat().sort());
    const ids = (await c.listIntents(flow._id)).filter((i) => i.name.startsWith("Drop")).map((i) => ({ op: "delete" as const, id: i._id }));
    emu.faults.queue({ match: `PATCH /flows/${flow._id}/intents`, kind: "drop" });
    const r = await c.batchIntents(flow._id, ids);
    expect(r.deleted.sort()).toEqual(ids.map((o) => o.id).sort());
    expect((await c.listIntents(flow._id)).some((i) => i.name.startsWith("Drop"))).toBe(false);
  });

  it("5xx, 429 and non-JSON 403 faults surface as typed errors or are retried", async () => {
    const c = client();
    emu.faults.queue({ match: "GET /flows", kind: "500" });
    emu.faults.queue({ match: "GET /flows", kind: "502" });
    emu.faults.queue({ match: "GET /flows", kind: "429" });
    expect((await c.listFlows(project._id)).length).toBe(2);
    expect(c.stats().retries).toBe(3);
    await c.resolveProject(project._id);
    emu.faults.queue({ match: "GET /locales", kind: "403" });
    const e = await failure(() => c.listLocales(project._id));
    expect(e.status).toBe(403);
    expect(e.message).not.toMatch(/<\w/);
    expect(e.message).toContain(`member of project 'Pizza Bot' (${project._id})`);
  });
});

describe("under a fault storm (15% 429, 5% 500, 2% drops)", () => {
  it("a sync-train-score sequence completes without duplicates", async () => {
    const c = client();
    await c.resolveProject(project._id);
    const other = await c.resolveFlow(project._id, "Other");
    emu.faults.set("429:0.15,500:0.05,drop:0.02,seed=11");
    try {
      const created = await c.batchIntents(other._id, Array.from({ length: 40 }, (_, k) => ({ op: "create" as const, value: { name: `Storm${k}` } })));
      for (const [k, id] of created.created.slice(0, 8).entries()) {
        await c.batchSentences(other._id, id, Array.from({ length: 6 }, (_, j) => ({ op: "create" as const, value: { text: `storm ${k} sentence ${j}`, localeId: en._id } })));
      }
      const t = await c.train(other._id, { localeId: en._id });
      await c.waitForTask(t._id);
      for (let k = 0; k < 20; k++) await c.scores(project._id, { flowReferenceId: other.referenceId, localeReferenceId: en.referenceId, sentence: `storm ${k % 8} sentence` });
    } finally {
      emu.faults.clear();
    }
    const names = (await c.listIntents(other._id)).map((i) => i.name).filter((n) => n.startsWith("Storm"));
    expect(names).toHaveLength(40);
    expect(new Set(names).size).toBe(40);
    for (const i of (await c.listIntents(other._id)).filter((x) => x.name.startsWith("Storm")).slice(0, 8))
      expect((await c.listSentences(other._id, i._id, { localeId: en._id })).length).toBe(6);
    const st = c.stats();
    expect(st.retries).toBeGreaterThan(0);
    expect(emu.faults.injected["429"] ?? 0).toBeGreaterThan(0);
  });
});

describe("snapshots, endpoints, learning sentences", () => {
  it("create → package → download link (409 first) → streamed download → upload → restore → delete", async () => {
    const c = client();
    const snap = await c.createSnapshot(project._id, { name: "contract-1", description: "by the contract test" });
    expect(snap.name).toBe("contract-1");
    expect((await c.listSnapshots(project._id)).some((s) => s._id === snap._id)).toBe(true);
    await c.packageSnapshot(snap._id);
    expect((await c.getSnapshot(snap._id)).isPackaged).toBe(true);
    emu.faults.queue({ match: `/snapshots/${snap._id}/downloadlink`, kind: "early409" });
    const link = await c.snapshotDownloadLink(snap._id);
    expect(link.startsWith(emu.url)).toBe(true);
    emu.faults.queue({ match: "/download/", kind: "placeholder" });
    const file = join(dir, "contract-1.csnap");
    const dl = await c.downloadToFile(link, file);
    expect(dl.bytes).toBeGreaterThan(100);
    expect(createHash("sha256").update(await readFile(file)).digest("hex")).toBe(dl.sha256);
    await c.deleteSnapshot(snap._id);
    expect((await c.listSnapshots(project._id)).some((s) => s._id === snap._id)).toBe(false);
    const up = await c.uploadSnapshot(project._id, file);
    expect(up.status).toBe("done");
    const back = (await c.listSnapshots(project._id)).find((s) => s.name === "contract-1");
    expect(back).toBeDefined();
    // change the project, restore, and the change is gone
    const before = JSON.stringify(emu.dumpState());
    const extra = await c.createIntent(flow._id, { name: "AfterSnapshot" });
    expect(JSON.stringify(emu.dumpState())).not.toBe(before);
    const rs = await c.restoreSnapshot(back!._id, project._id);
    expect(rs.status).toBe("done");
    expect((await c.listIntents(flow._id)).some((i) => i._id === extra._id || i.name === "AfterSnapshot")).toBe(false);
    await c.deleteSnapshot(back!._id);
  });

  it("endpoints: list, get, pin to a snapshot and back", async () => {
    const c = client();
    const eps = await c.listEndpoints(project._id);
    expect(eps.length).toBeGreaterThan(0);
    const ep = await c.getEndpoint(eps[0]._id);
    const snap = await c.createSnapshot(project._id, { name: "pin-me" });
    await c.updateEndpoint(ep._id, { entrypoint: snap._id });
    expect((await c.getEndpoint(ep._id)).entrypoint).toBe(snap._id);
    await c.updateEndpoint(ep._id, { entrypoint: ep.entrypoint });
    expect((await c.getEndpoint(ep._id)).entrypoint).toBe(ep.entrypoint);
    await c.deleteSnapshot(snap._id);
  });

  it("learning sentences", async () => {
    const c = client();
    const main = await c.resolveFlow(project._id, "Main");
    emu.seedLearningSentences("Main", [
      { sentence: "pizza now", intent: "OrderPizza", confirmedCount: 2 },
      { sentence: "cancel it", intent: "CancelOrder" },
    ]);
    const all = await c.listLearningSentences(main._id, { flowReferenceId: main.referenceId });
    expect(all.map((l) => l.sentence).sort()).toEqual(["cancel it", "pizza now"]);
    expect(emu.requestLog.at(-1)?.path).not.toContain("intentId");
    const pizza = all.find((l) => l.sentence === "pizza now")!;
    expect(pizza.createdAt).toBeUndefined(); // typed list items carry no date …
    const one = await c.getLearningSentence(main._id, { flowReferenceId: main.referenceId, learningSentenceId: pizza._id });
    expect(one.createdAt).toEqual(expect.any(Number)); // … the item read does
  });

  it("stats count every route by template", async () => {
    const c = client();
    await c.listProjects();
    await c.getFlow(flow._id);
    const st = c.stats();
    expect(Object.keys(st.byRoute).sort()).toEqual(["GET /flows/:flowId", "GET /projects"]);
    expect(st.total).toBe(2);
  });
});
