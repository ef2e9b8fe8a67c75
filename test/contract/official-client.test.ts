// Conformance: Cognigy's official REST client (@cognigy/rest-api-client 0.19.0, devDependency for tests only; Cognigy
// Proprietary License — never bundled) drives the emulator through every operation the project uses, configured as a
// user would, and every response is checked against the fields its official return type marks required.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { RestAPIClient, type TRestAPIClient } from "@cognigy/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { officialTypes, responseProblems } from "./shapes.js";

const KEY = "contract-key-7d1e0b";
let emu: Emulator;
let rac: TRestAPIClient;
let projectId: string;
let flowId: string;
let flowRef: string;
let en: { _id: string; referenceId: string };
let de: { _id: string; referenceId: string };

/** Fails with the problems found, so a mismatch names the field. */
function conforms(kind: string, value: unknown): void {
  expect(responseProblems(kind, value), `${kind}: ${JSON.stringify(value).slice(0, 300)}`).toEqual([]);
}

async function waitTask(taskId: string): Promise<{ status: string; failReason?: string }> {
  for (let i = 0; i < 3000; i++) {
    const t = await rac.readTask({ taskId });
    conforms("task", t);
    if (t.status === "done" || t.status === "error" || t.status === "cancelled") return t;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task ${taskId} did not finish`);
}

const INTENTS = [
  { name: "OrderPizza", exampleSentences: ["I want a pizza", "order a large pizza", "can I get a pizza please", "pizza delivery please", "one margherita"] },
  { name: "CancelOrder", exampleSentences: ["cancel my order", "stop the order", "I do not want it anymore", "please cancel", "cancel the pizza"] },
  { name: "Opening", exampleSentences: ["when are you open", "opening hours", "are you open today", "what time do you close", "hours on sunday"] },
];

/**
 * Node's deprecation warnings raised while the official client runs. Node 22+ warns at run time for `util.isArray`
 * (DEP0044), which form-data 4.0.0 — the version the client pins — calls in every multipart append; package.json
 * overrides it with a form-data that does not. The warnings are still printed: this only counts them.
 */
const deprecations: string[] = [];
const onWarning = (w: Error & { code?: string }) => {
  if (w.name === "DeprecationWarning") deprecations.push(`${w.code ?? "?"}: ${w.message}`);
};

beforeAll(async () => {
  process.on("warning", onWarning);
  officialTypes(); // compile the official types once, outside the per-test timeouts
  const seed = configSchema.parse({
    cognigy: { baseUrl: "http://127.0.0.1:9", project: "Contract Bot" },
    flows: [{ name: "Main", dir: "data/main", locales: { "en-US": "en-US", "de-DE": "de-DE" }, defaultLocale: "en-US" }],
  });
  emu = await startEmulator({ apiKey: KEY, seed, rateLimit: 0, taskDelayMs: 10 });
  // as a user configures it (README of the package)
  rac = new RestAPIClient({ baseUrl: emu.url, maxRetries: 0 });
  rac.setCredentials({ type: "ApiKey", apiKey: KEY });
});

afterAll(async () => {
  process.off("warning", onWarning);
  await emu?.close();
});

describe("the official client against the emulator", () => {
  it("projects: indexProjects without arguments (with arguments it sends a GET body → CloudFront 403, §15), readProject", async () => {
    const page = await rac.indexProjects();
    conforms("projects", page);
    projectId = page.items.find((p) => p.name === "Contract Bot")!._id;
    conforms("project", await rac.readProject({ projectId }));
    // what the official client does with arguments: a GET with a JSON body, refused by the CDN (and by the emulator)
    const refused = await rac.indexProjects({ limit: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeDefined();
    expect(emu.requestLog.at(-1)?.status).toBe(403);
  });

  it("locales and flows: index, read, settings read and update", async () => {
    const locales = await rac.indexLocales({ projectId, limit: 100 });
    conforms("locales", locales);
    en = locales.items.find((l) => l.name === "en-US")!;
    de = locales.items.find((l) => l.name === "de-DE")!;
    conforms("locale", await rac.readLocale({ localeId: en._id }));
    const flows = await rac.indexFlows({ projectId, limit: 100 });
    conforms("flows", flows);
    flowId = flows.items.find((f) => f.name === "Main")!._id;
    const flow = await rac.readFlow({ flowId, preferredLocaleId: en._id });
    conforms("flow", flow);
    flowRef = flow.referenceId;
    conforms("flowSettings", await rac.readFlowSettings({ flowId }));
    expect(await rac.updateFlowSettings({ flowId, intentThreshold: { lower: 0.3, upper: 0.7 } } as never)).toEqual({});
  });

  it("flows: create, update, clone (new ids, untrained), delete", async () => {
    const created = await rac.createFlow({ projectId, name: "Scratch", description: "contract" });
    conforms("createdFlow", created);
    expect(await rac.updateFlow({ flowId: created._id, name: "Scratch 2" })).toEqual({});
    expect((await rac.readFlow({ flowId: created._id })).name).toBe("Scratch 2");
    const clone = await rac.cloneFlow({ flowId: created._id });
    conforms("clonedFlow", clone);
    expect(clone._id).not.toBe(created._id);
    expect(clone.referenceId).not.toBe(created.referenceId);
    expect(await rac.deleteFlow({ flowId: clone._id })).toEqual({});
    expect(await rac.deleteFlow({ flowId: created._id })).toEqual({});
    const left = await rac.indexFlows({ projectId, limit: 100 });
    expect(left.items.map((f) => f.name)).toEqual(["Main"]);
  });

  it("intents: import (multipart) → task → export json; create, read, update, delete; batch; index paged past 100", async () => {
    const task = await rac.importIntents({ flowId, localeId: en._id, mode: "overwrite", file: Buffer.from(JSON.stringify(INTENTS)), fileName: "intents.json" } as never);
    conforms("createdTask", task);
    expect((await waitTask(task._id)).status).toBe("done");
    const exported = (await rac.exportIntents({ flowId, localeId: en._id, format: "json" })) as unknown as { name: string; exampleSentences: string[] }[];
    expect(exported.map((i) => i.name).sort()).toEqual(["CancelOrder", "Opening", "OrderPizza"]);

    const made = await rac.createIntent({ flowId, name: "Extra" });
    conforms("createdIntent", made);
    conforms("intent", await rac.readIntent({ flowId, intentId: made._id }));
    expect(await rac.updateIntent({ flowId, intentId: made._id, localeId: en._id, description: "more" })).toEqual({});
    expect(await rac.deleteIntent({ flowId, intentId: made._id })).toEqual({});

    const ops = Array.from({ length: 100 }, (_, i) => ({ op: "create" as const, value: { name: `Bulk${String(i).padStart(3, "0")}` } }));
    const batch = await rac.batchIntents({ flowId, operations: ops as never });
    expect((batch as unknown as { created: string[] }).created).toHaveLength(100);
    const first = await rac.indexIntents({ flowId, limit: 100 });
    conforms("intents", first);
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toBeTruthy();
    const second = await rac.indexIntents({ flowId, limit: 100, next: first.nextCursor });
    conforms("intents", second);
    expect(first.items.length + second.items.length).toBe(103);
    const bulkIds = [...first.items, ...second.items].filter((i) => i.name.startsWith("Bulk")).map((i) => i._id);
    await rac.batchIntents({ flowId, operations: bulkIds.map((id) => ({ op: "delete" as const, id })) });
  });

  it("sentences: single create/read/update/delete and batch creates in the typed form {text, slots, localeReference}", async () => {
    const intentId = (await rac.indexIntents({ flowId, limit: 100 })).items.find((i) => i.name === "OrderPizza")!._id;
    const one = await rac.createSentence({ flowId, intentId, localeId: de._id, text: "eine Pizza bitte", slots: [] });
    conforms("createdSentence", one);
    conforms("sentence", await rac.readSentence({ flowId, intentId, sentenceId: one._id }));
    expect(await rac.updateSentence({ flowId, intentId, sentenceId: one._id, text: "zwei Pizzen bitte", slots: [] })).toEqual({});
    expect(await rac.deleteSentence({ flowId, intentId, sentenceId: one._id })).toEqual({});
    const batch = await rac.batchIntentSentences({
      flowId,
      intentId,
      operations: [
        { op: "create", value: { text: "ich möchte eine Pizza", slots: [], localeReference: de._id } },
        { op: "create", value: { text: "Pizza bestellen", slots: [], localeReference: de._id } },
      ],
    });
    conforms("batch", batch);
    expect(batch.created).toHaveLength(2);
    const listed = await rac.indexSentences({ flowId, intentId, preferredLocaleId: de._id, limit: 100 });
    conforms("sentences", listed);
    expect(listed.items.map((s) => s.text).sort()).toEqual(["Pizza bestellen", "ich möchte eine Pizza"]);
  });

  it("train + task polling (readTask, indexTasks), NLU scores", async () => {
    const task = await rac.trainIntents({ flowId, localeId: en._id });
    conforms("createdTask", task);
    expect((await waitTask(task._id)).status).toBe("done");
    conforms("tasks", await rac.indexTasks({ projectId, limit: 100 }));
    // RAC types the return as {}; the documented body (cognigy-api.md §12) is an array of {id, name, score, …}
    const scores = (await rac.generateNluScores({ projectId, flowReferenceId: flowRef, localeReferenceId: en.referenceId, sentence: "a pizza please" })) as unknown as {
      id: string;
      name: string;
      score: number;
    }[];
    expect(Array.isArray(scores)).toBe(true);
    expect(scores[0]).toMatchObject({ name: "OrderPizza", id: expect.any(String), score: expect.any(Number) });
  });

  it("snapshots: create → task → index/read → package → download link → download → upload → restore; delete", async () => {
    const task = await rac.createSnapshot({ projectId, name: "contract-1", description: "conformance" });
    conforms("createdTask", task);
    expect((await waitTask(task._id)).status).toBe("done");
    const list = await rac.indexSnapshots({ projectId, limit: 100 });
    conforms("snapshots", list);
    const snapshotId = list.items.find((s) => s.name === "contract-1")!._id;
    conforms("snapshot", await rac.readSnapshot({ snapshotId }));
    const pkg = (await rac.packageSnapshot({ snapshotId })) as unknown as { _id: string };
    conforms("createdTask", pkg);
    expect((await waitTask(pkg._id)).status).toBe("done");
    const link = await rac.composeSnapshotDownloadLink({ snapshotId });
    conforms("downloadLink", link);
    const res = await fetch(link.downloadLink);
    expect(res.status).toBe(200);
    const file = Buffer.from(await res.arrayBuffer());
    expect(file.length).toBeGreaterThan(100);

    const up = await rac.uploadSnapshotPackage({ projectId, file, fileName: "contract-1.csnap" } as never);
    conforms("createdTask", up);
    expect((await waitTask((up as unknown as { _id: string })._id)).status).toBe("done");
    // RAC types restore without a body (IRestoreSnapshotRestData_2_0 = params only): the snapshot's own project
    const restore = await rac.restoreSnapshot({ snapshotId });
    conforms("createdTask", restore);
    expect((await waitTask((restore as unknown as { _id: string })._id)).status).toBe("done");
    const del = (await rac.deleteSnapshot({ snapshotId })) as unknown as { _id?: string };
    if (del?._id) expect((await waitTask(del._id)).status).toBe("done");
  });

  it("endpoints: index, read, update (pin and unpin)", async () => {
    const list = await rac.indexEndpoints({ projectId, limit: 100 });
    conforms("endpoints", list);
    const endpointId = list.items[0]._id;
    const ep = await rac.readEndpoint({ endpointId });
    conforms("endpoint", ep);
    expect(await rac.updateEndpoint({ endpointId, entrypoint: projectId })).toEqual({});
  });

  it("learning sentences: index (intentId is dropped by the client; flowReferenceId sent), read", async () => {
    const flow = (await rac.indexFlows({ projectId, limit: 100 })).items.find((f) => f.name === "Main")!;
    emu.seedLearningSentences("Main", [
      { intent: "OrderPizza", sentence: "pizza for two" },
      { intent: "CancelOrder", sentence: "forget my order" },
    ]);
    const intentId = (await rac.indexIntents({ flowId: flow._id, limit: 100 })).items.find((i) => i.name === "OrderPizza")!._id;
    const list = await rac.indexLearningSentences({ flowId: flow._id, flowReferenceId: flow.referenceId, intentId, limit: 100 });
    conforms("learningSentences", list);
    const sent = emu.requestLog.at(-1)!.path;
    expect(sent).not.toContain("intentId");
    expect(sent).toContain(`flowReferenceId=${flow.referenceId}`);
    // the server did not filter by intent: both come back
    expect(list.items.map((l) => l.sentence).sort()).toEqual(["forget my order", "pizza for two"]);
    conforms("learningSentence", await rac.readLearningSentence({ flowId: flow._id, flowReferenceId: flow.referenceId, learningSentenceId: list.items[0]._id }));
  });
});

describe("the official client on this Node", () => {
  it("raised no deprecation warning in the calls above (DEP0044 util.isArray on Node 22+ with form-data 4.0.0)", async () => {
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    expect(deprecations).toEqual([]);
  });

  it("loading it and building an upload calls no util API that Node 22+ deprecates at run time, also on Node 20", () => {
    // Node 20 has the util.is* / util._extend deprecations in its docs only, so a fresh process wraps them the way
    // Node 22+ does (util.deprecate) and dies on the first call (--throw-deprecation): the client and the form-data it
    // resolves (the one its multipart uploads use) are loaded and an intents upload body is built
    const client = createRequire(import.meta.url).resolve("@cognigy/rest-api-client");
    const formData = createRequire(client).resolve("form-data");
    const script = [
      'const util = require("node:util");',
      `for (const k of ${JSON.stringify(RUNTIME_DEPRECATED_UTIL)}) if (typeof util[k] === "function") util[k] = util.deprecate(util[k], "util." + k + " is deprecated", "DEP-util-" + k);`,
      `require(${JSON.stringify(client)});`,
      `const FormData = require(${JSON.stringify(formData)});`,
      'const f = new FormData(); f.append("file", Buffer.from("[]"), { filename: "intents.json" }); f.append("mode", "overwrite"); f.getHeaders(); f.getBuffer();',
    ].join("\n");
    const r = spawnSync(process.execPath, ["--throw-deprecation", "-e", script], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/DeprecationWarning|DEP[-\d]/);
    expect(r.status).toBe(0);
  });
});

/** util functions Node 22+ deprecates at run time (DEP0044-DEP0058 util.is*, DEP0060 util._extend, DEP0059 util.log). */
const RUNTIME_DEPRECATED_UTIL = ["isArray", "isBoolean", "isBuffer", "isDate", "isError", "isFunction", "isNull", "isNullOrUndefined", "isNumber", "isObject", "isPrimitive", "isRegExp", "isString", "isSymbol", "isUndefined", "_extend", "log"];
