// The wire format of a `release`, observed at a logging proxy in front of the emulator: every request's body and query
// must match the official request type of its operation (@cognigy/rest-api-client 0.19.0 types; unknown fields fail).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { runRelease } from "../../src/pipeline/run.js";
import { config, dataset, intent, smallBot, utt } from "../pipeline/helpers.js";
import { officialTypes } from "./shapes.js";

const KEY = "wire-key-5b0c2d9e";

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  body: string;
}

/** Method + route (ids replaced) → the registered official type of the query and of the body ("none" = must be empty). */
const OPS: [string, RegExp, string, string][] = [
  ["GET", /^\/projects$/, "qProjects", "none"],
  ["GET", /^\/projects\/ID$/, "none", "none"],
  ["GET", /^\/flows$/, "qFlows", "none"],
  ["POST", /^\/flows$/, "none", "createFlow"],
  ["GET", /^\/flows\/ID$/, "qReadFlow", "none"],
  ["PATCH", /^\/flows\/ID$/, "none", "updateFlow"],
  ["DELETE", /^\/flows\/ID$/, "none", "none"],
  ["POST", /^\/flows\/ID\/clone$/, "none", "none"],
  ["GET", /^\/flows\/ID\/settings$/, "none", "none"],
  ["PATCH", /^\/flows\/ID\/settings$/, "none", "updateFlowSettings"],
  ["GET", /^\/locales$/, "qLocales", "none"],
  ["GET", /^\/flows\/ID\/intents$/, "qIntents", "none"],
  ["POST", /^\/flows\/ID\/intents$/, "none", "createIntent"],
  ["PATCH", /^\/flows\/ID\/intents$/, "none", "batchIntents"],
  ["PATCH", /^\/flows\/ID\/intents\/ID$/, "none", "updateIntent"],
  ["DELETE", /^\/flows\/ID\/intents\/ID$/, "none", "none"],
  ["GET", /^\/flows\/ID\/intents\/ID\/sentences$/, "qSentences", "none"],
  ["GET", /^\/flows\/ID\/intents\/ID\/sentences\/ID$/, "none", "none"],
  ["PATCH", /^\/flows\/ID\/intents\/ID\/sentences$/, "none", "batchSentences"],
  ["POST", /^\/flows\/ID\/intents\/import$/, "none", "multipart:file,localeId,mode"],
  ["POST", /^\/flows\/ID\/intents\/export$/, "none", "exportIntents"],
  ["POST", /^\/flows\/ID\/intents\/train$/, "none", "trainIntents"],
  ["GET", /^\/flows\/ID\/intents\/learningsentences$/, "qLearningSentences", "none"],
  ["GET", /^\/tasks$/, "qTasks", "none"],
  ["GET", /^\/tasks\/ID$/, "none", "none"],
  ["POST", /^\/projects\/ID\/nlu\/scores$/, "none", "nluScores"],
  ["GET", /^\/snapshots$/, "qSnapshots", "none"],
  ["POST", /^\/snapshots$/, "none", "createSnapshot"],
  ["GET", /^\/snapshots\/ID$/, "none", "none"],
  ["DELETE", /^\/snapshots\/ID$/, "none", "none"],
  ["POST", /^\/snapshots\/ID\/package$/, "none", "none"],
  ["POST", /^\/snapshots\/ID\/downloadlink$/, "none", "none"],
  ["POST", /^\/snapshots\/upload$/, "none", "multipart:projectId,file"],
  ["POST", /^\/snapshots\/ID\/restore$/, "none", "restoreSnapshot"],
  ["GET", /^\/endpoints$/, "qEndpoints", "none"],
  ["GET", /^\/endpoints\/ID$/, "none", "none"],
  ["PATCH", /^\/endpoints\/ID$/, "none", "updateEndpoint"],
];

/** Problems of one observed request against the official types. */
function problems(s: Seen): string[] {
  const route = s.path.replace(/^\/new\/v2\.0/, "").replace(/\/[0-9a-f]{24}(?=\/|$)/g, "/ID");
  const op = OPS.find(([m, re]) => m === s.method && re.test(route));
  if (!op) return [`${s.method} ${route}: not an operation the contract table knows (add its official type)`];
  const [, , q, b] = op;
  const t = officialTypes();
  const out: string[] = [];
  if (q === "none") {
    if (Object.keys(s.query).length) out.push(`query ${JSON.stringify(s.query)} on an operation typed without one`);
  } else out.push(...t.check(q, s.query, { exact: true, query: true }).map((p) => `query ${p}`));
  if (b === "none") {
    if (s.body.length) out.push(`a body on an operation typed without one: ${s.body.slice(0, 80)}`);
  } else if (b.startsWith("multipart:")) {
    const allowed = b.slice("multipart:".length).split(",");
    if (!s.contentType.startsWith("multipart/form-data")) out.push(`expected multipart/form-data, got ${s.contentType}`);
    const fields = [...s.body.matchAll(/name="([^"]+)"/g)].map((m) => m[1]);
    for (const f of fields) if (!allowed.includes(f)) out.push(`multipart field '${f}' is not in the official type (${allowed.join(", ")})`);
    for (const f of allowed) if (!fields.includes(f)) out.push(`multipart field '${f}' missing`);
  } else {
    let json: unknown;
    try {
      json = JSON.parse(s.body || "{}");
    } catch {
      out.push("body is not JSON");
    }
    out.push(...t.check(b, json, { exact: true }));
  }
  return out.map((p) => `${s.method} ${route}: ${p}`);
}

let emu: Emulator;
let proxy: Server;
let proxyUrl: string;
const seen: Seen[] = [];

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  officialTypes();
  const cfg = config();
  emu = await startEmulator({ apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 5 });
  proxy = createServer(async (req, res) => {
    const body = await readAll(req);
    const u = new URL(req.url ?? "/", "http://proxy");
    if (u.pathname.startsWith("/new/v2.0") || u.pathname.startsWith("/v2.0")) {
      seen.push({
        method: req.method ?? "",
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        contentType: String(req.headers["content-type"] ?? ""),
        body: body.toString("latin1"),
      });
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length" && k !== "connection") as [string, string][]);
    const up = await fetch(`${emu.url}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined, redirect: "manual" });
    const out = Buffer.from(await up.arrayBuffer());
    res.writeHead(up.status, Object.fromEntries([...up.headers].filter(([k]) => k !== "content-length" && k !== "transfer-encoding" && k !== "content-encoding")));
    res.end(out);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => proxy?.close(() => r()));
  await emu?.close();
});

describe("a release's requests at a logging proxy", () => {
  it("match the official request types, for every request of a release, an edit and a rollback", async () => {
    const cfg = config({
      checks: { minExamples: { error: 1, warning: 1 } },
      gate: { macroF1: 0.5, macroPrecision: 0.5, minIntentF1: 0, minTestsPerIntent: 1 },
      promote: { endpoints: ["Main Endpoint"] },
    });
    cfg.cognigy.baseUrl = proxyUrl;
    const out = mkdtempSync(join(tmpdir(), "cnlu-wire-"));
    const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false };
    const client = new CognigyClient({ baseUrl: proxyUrl, apiKey: KEY, rateLimit: 0, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 10))) });
    const deps = { client, logger: new RecordingLogger() };
    const bot = smallBot();
    const ds = dataset(cfg, bot.intents, bot.tests);
    const first = await runRelease(run, { ...deps, dataset: ds });
    expect(first.error).toBeUndefined();
    expect(first.status).toBe("success");

    // an edit (sentence deletes + creates, a new intent) under a gate it cannot pass: sync, train, rollback (restore)
    const edited = structuredClone(ds);
    edited.flows[0].intents[0].examples["en-US"].splice(0, 1, utt("an extra pizza sentence for the wire"));
    edited.flows[0].intents.push(intent("IntentNew", { "en-US": ["brand new topic one", "brand new topic two", "brand new topic three"] }, { "en-US": ["brand new topic"] }));
    edited.flows[0].intents[0].tests["en-US"].push(utt("sunny weather forecast with rain and snow"));
    const strict = { ...run, config: { ...cfg, gate: { ...cfg.gate, macroF1: 0.999, macroPrecision: 0.999 } } };
    const second = await runRelease(strict, { ...deps, dataset: edited });
    expect(second.error).toBeUndefined();
    expect(second.promotion).toMatchObject({ rolledBack: true });

    const routes = new Set(seen.map((s) => `${s.method} ${s.path.replace(/^\/new\/v2\.0/, "").replace(/\/[0-9a-f]{24}(?=\/|$)/g, "/ID")}`));
    // the operations a release must have exercised for this check to mean something
    for (const r of ["PATCH /flows/ID/intents", "PATCH /flows/ID/intents/ID/sentences", "POST /flows/ID/intents/train", "POST /projects/ID/nlu/scores", "POST /snapshots", "PATCH /endpoints/ID"]) {
      expect(routes, r).toContain(r);
    }
    expect(seen.length).toBeGreaterThan(40);
    const bad = seen.flatMap(problems);
    expect(bad).toEqual([]);
    // and the sentence batches carried the typed create value
    const batch = seen.find((s) => s.method === "PATCH" && s.path.endsWith("/sentences") && s.body.includes('"create"'));
    expect(JSON.parse(batch!.body).operations.find((o: { op: string }) => o.op === "create").value).toEqual({ text: expect.any(String), slots: [], localeReference: expect.stringMatching(/^[0-9a-f]{24}$/) });
  });

  it("the checker is not vacuous: the old sentence form and a stray query field are reported", () => {
    const old = problems({ method: "PATCH", path: "/new/v2.0/flows/0123456789abcdef01234567/intents/0123456789abcdef01234568/sentences", query: {}, contentType: "application/json", body: JSON.stringify({ operations: [{ op: "create", value: { text: "hi", localeId: "0123456789abcdef01234569" } }] }) });
    expect(old.join("\n")).toMatch(/localeId: not a field of the official type/);
    expect(old.join("\n")).toMatch(/slots: required by the official type, missing/);
    const stray = problems({ method: "GET", path: "/new/v2.0/flows/0123456789abcdef01234567/intents/learningsentences", query: { intentId: "x", flowReferenceId: "y", limit: "100" }, contentType: "", body: "" });
    expect(stray).toEqual([expect.stringMatching(/query intentId: not a field of the official type/)]);
  });
});
