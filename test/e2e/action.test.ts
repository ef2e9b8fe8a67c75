// End to end: the built dist/index.js run as a runner runs it, against the emulator, a fake GitHub API, a fake artifact
// service and a webhook receiver — PR checks (comment created then updated), a fork PR, releases that pass and fail,
// and a scan of everything the runs produced for secrets and planted PII.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import { unzip } from "../../src/action/unzip.js";
import { loadConfig } from "../../src/config/load.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "../../src/report/webhook.js";
import { type FakeArtifactService, startFakeArtifactService } from "../fakes/artifact-service.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-api.js";
import { type ActionRun, ensureBuilt, pullRequestEvent, ROOT, type RunOptions, runAction } from "./runner.js";

const API_KEY = "e2e-cognigy-key-9f8e7d6c5b4a";
const WEBHOOK_SECRET = "e2e-webhook-secret-5a4b3c2d1e";
const GH_TOKEN = "ghs_e2eGithubToken1234567890abcdef";
const WRONG_SECRET = "e2e-wrong-webhook-secret-0f0f";
const SECRETS = [API_KEY, WEBHOOK_SECRET, GH_TOKEN, WRONG_SECRET];
const PII = ["jane.planted@example.org", "jane.planted", "+49 151 23456789"];
const ARTIFACT = "cognigy-nlu-report";

interface Hook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  verified: { ok: boolean; reason?: string };
}

let temp: string;
let cleanWs: string;
let piiWs: string;
let strictWs: string;
let emu: Emulator;
let gh: FakeGitHub;
let art: FakeArtifactService;
let hookServer: Server;
let s3: { run(): Promise<{ port: number }>; close(): Promise<void>; httpServer: Server };
let s3Url = "";
const s3Puts: string[] = [];
let hookUrl: string;
const hooks: Hook[] = [];
/** Everything a run produced, for the leak scan. */
const produced: { where: string; text: string }[] = [];
let runNo = 0;

/** A workspace: the example bot (cognigy-nlu.yml + training-data) with the config edited by `edit`. */
function workspace(name: string, edit: (cfg: Record<string, unknown>) => void, plant?: boolean): string {
  const ws = join(temp, name);
  mkdirSync(ws, { recursive: true });
  cpSync(join(ROOT, "training-data"), join(ws, "training-data"), { recursive: true });
  const cfg = parse(readFileSync(join(ROOT, "cognigy-nlu.yml"), "utf8")) as Record<string, unknown>;
  edit(cfg);
  writeFileSync(join(ws, "cognigy-nlu.yml"), stringify(cfg));
  if (plant) {
    const file = join(ws, "training-data/main/intents/greeting.yml");
    const intent = parse(readFileSync(file, "utf8")) as { examples: Record<string, string[]> };
    intent.examples["en-US"].push(`hi, write to ${PII[0]} or call ${PII[2]}`);
    writeFileSync(file, stringify(intent));
  }
  return ws;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

async function action(name: string, o: Omit<RunOptions, "temp" | "env"> & { env?: Record<string, string> }): Promise<ActionRun> {
  runNo++;
  const r = await runAction({
    ...o,
    temp,
    env: {
      GITHUB_API_URL: gh.url,
      ACTIONS_RUNTIME_TOKEN: art.tokenForRun(runNo),
      ACTIONS_RESULTS_URL: `${art.url}/`,
      GITHUB_RUN_ID: String(1000 + runNo),
      ...(o.env ?? {}),
    },
  });
  // `::add-mask::` is how a secret is registered: the runner consumes the command and masks the value in the log.
  // Each must come before any other output line, and is the only place a secret may appear.
  const lines = r.stdout.split("\n");
  const firstOther = lines.findIndex((l) => !l.startsWith("::add-mask::"));
  expect(lines.slice(firstOther).filter((l) => l.startsWith("::add-mask::") && SECRETS.some((s) => l.includes(s))), `${name}: secrets registered late`).toEqual([]);
  produced.push(
    { where: `${name}: stdout`, text: lines.filter((l) => !l.startsWith("::add-mask::")).join("\n") },
    { where: `${name}: stderr`, text: r.stderr },
    { where: `${name}: GITHUB_OUTPUT`, text: readFileSync(r.outputFile, "utf8") },
    { where: `${name}: job summary`, text: r.summary },
  );
  const out = join(o.cwd, "cognigy-nlu-report");
  for (const f of filesUnder(out)) produced.push({ where: `${name}: ${f.slice(o.cwd.length + 1)}`, text: readFileSync(f, "utf8") });
  return r;
}

const annotations = (r: ActionRun, level: "error" | "warning" | "notice") => r.stdout.split("\n").filter((l) => l.startsWith(`::${level} `) || l.startsWith(`::${level}::`));

beforeAll(async () => {
  ensureBuilt();
  temp = mkdtempSync(join(tmpdir(), "cnlu-e2e-"));
  cleanWs = workspace("clean", () => {});
  piiWs = workspace(
    "pii",
    (c) => {
      (c.checks as Record<string, unknown>).pii = "warning";
    },
    true,
  );
  strictWs = workspace("strict", (c) => {
    c.gate = { ...(c.gate as object), macroF1: 1, minIntentF1: 1, accuracy: 1 };
  });
  emu = await startEmulator({ port: 0, apiKey: API_KEY, seed: loadConfig(join(cleanWs, "cognigy-nlu.yml")).config, rateLimit: 0, taskDelayMs: 20 });
  gh = await startFakeGitHub({ token: GH_TOKEN });
  art = await startFakeArtifactService();
  hookServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const verified = verifyWebhookSignature({
        body,
        timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()] as string,
        signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        secret: WEBHOOK_SECRET,
      });
      hooks.push({ headers: req.headers, body, verified });
      res.writeHead(verified.ok ? 204 : 401);
      res.end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, "127.0.0.1", r));
  s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: join(temp, "s3"), configureBuckets: [{ name: "backups" }] });
  s3Url = `http://127.0.0.1:${(await s3.run()).port}`;
  s3.httpServer.prependListener("request", (req: { method?: string; url?: string }) => {
    if (req.method === "PUT") s3Puts.push(req.url ?? "");
  });
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks/cognigy?token=url-borne-token`;
});

afterAll(async () => {
  await emu?.close();
  await gh?.close();
  await art?.close();
  await s3?.close();
  await new Promise<void>((r) => (hookServer ? hookServer.close(() => r()) : r()));
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe("dist/index.js on a runner", () => {
  it("fork PR without secrets: the local estimate judges it, succeeds with a notice, never touches GitHub or Cognigy", async () => {
    const before = { gh: gh.requests.length, emu: emu.requestLog.length };
    const r = await action("fork", {
      cwd: cleanWs,
      inputs: { mode: "check", config: "cognigy-nlu.yml", "github-token": GH_TOKEN },
      event: { name: "pull_request", payload: pullRequestEvent({ number: 9, fork: true }) },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs.status).toBe("success");
    // never failed for lack of secrets: the local estimate scores the PR's data (no base in this checkout: head alone)
    expect(r.outputs.gate).toBe("passed");
    expect(annotations(r, "notice").join("\n")).toMatch(/Local estimate: this pull request comes from a fork/);
    expect(annotations(r, "notice").join("\n")).toMatch(/PR comment skipped/);
    expect(r.summary).toMatch(/Passed/);
    expect(r.summary).toMatch(/Local estimate/);
    expect(gh.requests.length).toBe(before.gh);
    expect(gh.comments.get(9)).toBeUndefined();
    expect(emu.requestLog.length).toBe(before.emu);
    // The report is still uploaded (forks may upload artifacts).
    expect(r.outputs["artifact-id"]).toMatch(/^\d+$/);
  });

  it("check on a PR: the sticky comment is created, then updated in place by the next run (exactly one)", async () => {
    gh.maxPerPage = 2; // the marker must be found across pages
    for (let i = 0; i < 3; i++) gh.seedComment(7, `review chatter ${i}`);
    const event = { name: "pull_request", payload: pullRequestEvent({ number: 7, fork: false }) };
    const inputs = { mode: "check", config: "cognigy-nlu.yml", "api-key": API_KEY, "base-url": emu.url, "rate-limit": "0", "github-token": GH_TOKEN };

    const first = await action("check-1", { cwd: piiWs, inputs, event });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs.status).toBe("success");
    expect(first.outputs["plan-summary"]).toMatch(/\+\d+/);
    const mine = () => gh.comments.get(7)!.filter((c) => c.body.includes("<!-- cognigy-nlu:sticky:"));
    expect(mine()).toHaveLength(1);
    const id = mine()[0].id;
    expect(mine()[0].body).toMatch(/Passed|passed/);
    // the PII finding is annotated at its file, masked
    const warn = annotations(first, "warning").find((l) => l.includes("cognigy-nlu pii"));
    expect(warn).toMatch(/file=training-data\/main\/intents\/greeting\.yml,line=\d+/);

    const second = await action("check-2", { cwd: piiWs, inputs: { ...inputs, "fail-on": "warning" }, event });
    expect(second.code).toBe(1);
    expect(second.outputs.status).toBe("failure");
    expect(annotations(second, "error").join("\n")).toMatch(/warning findings? \(fail-on: warning\)/);
    expect(mine()).toHaveLength(1);
    expect(mine()[0].id).toBe(id);
    expect(mine()[0].body).toMatch(/Failed|failed/);
    expect(gh.comments.get(7)).toHaveLength(4);
    const writes = gh.requests.filter((q) => q.method !== "GET");
    expect(writes.map((q) => q.method)).toEqual(["POST", "PATCH"]);
  });

  it("a read-only token: the comment is skipped with a notice, the check still passes", async () => {
    gh.denyWrites = true;
    try {
      const r = await action("check-readonly", {
        cwd: cleanWs,
        inputs: { mode: "check", "api-key": API_KEY, "base-url": emu.url, "rate-limit": "0", "github-token": GH_TOKEN },
        event: { name: "pull_request", payload: pullRequestEvent({ number: 8, fork: false }) },
      });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(annotations(r, "notice").join("\n")).toMatch(/PR comment skipped: the github-token cannot write comments \(HTTP 403\)/);
      expect(gh.comments.get(8)).toBeUndefined();
    } finally {
      gh.denyWrites = false;
    }
  });

  let releaseRun: ActionRun;
  it("release passes the gate: outputs, artifact with the report and audit log, signed webhook", async () => {
    releaseRun = await action("release-pass", {
      cwd: cleanWs,
      inputs: {
        mode: "release",
        "api-key": API_KEY,
        "base-url": emu.url,
        "rate-limit": "0",
        "github-token": GH_TOKEN,
        baseline: "artifact",
        "webhook-url": hookUrl,
        "webhook-secret": WEBHOOK_SECRET,
        "retention-days": "30",
      },
      event: { name: "push", payload: { ref: "refs/heads/main", repository: { full_name: "acme/bot", default_branch: "main" } } },
    });
    const r = releaseRun;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ status: "success", gate: "passed" });
    expect(Number(r.outputs["macro-f1"])).toBeGreaterThanOrEqual(0.85);
    expect(Number(r.outputs.accuracy)).toBeGreaterThan(0);
    expect(r.outputs["snapshot-id"]).not.toBe("");
    expect(annotations(r, "notice").join("\n")).toMatch(/No baseline/i);
    // the artifact: uploaded through Twirp + blob, with the report files and the audit log
    const up = art.uploads.filter((u) => u.finalized).at(-1)!;
    expect(r.outputs["artifact-id"]).toBe(String(up.id));
    expect(String(up.create.expires_at ?? "")).toMatch(/^\d{4}-/);
    const files = art.files(ARTIFACT);
    for (const f of ["report.json", "report.md", "report.html", "audit.jsonl"]) expect(files.has(f), f).toBe(true);
    const audit = files
      .get("audit.jsonl")!
      .toString()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(audit.map((e) => e.step)).toEqual(expect.arrayContaining(["validate", "plan", "sync", "train", "evaluate", "gate", "promote"]));
    expect(audit[0]).toMatchObject({ actor: "octocat", repository: "acme/bot", mode: "release", commit: "0123456789abcdef0123456789abcdef01234567" });
    // the summary: verdict first, F1, and where report.html is
    expect(r.summary.split("\n")[0]).toMatch(/Passed/);
    expect(r.summary).toMatch(/F1/);
    expect(r.summary).toMatch(/report\.html/);
    expect(r.summary).toContain(`/acme/bot/actions/runs/${1000 + runNo}/artifacts/${up.id}`);
    // the webhook: one delivery, signature verified by the receiver
    expect(hooks).toHaveLength(1);
    expect(hooks[0].verified).toEqual({ ok: true });
    expect(JSON.parse(hooks[0].body)).toMatchObject({ status: "success", mode: "release", repository: "acme/bot" });
  });

  it("release fails the gate: exit 1, gate output failed, the baseline comes from the last release's artifact", async () => {
    // The fake GitHub lists the previous release's artifact (from the run above) on the default branch.
    const prev = art.uploads.filter((u) => u.finalized && u.name === ARTIFACT).at(-1)!;
    gh.artifacts.push({ id: prev.id, name: ARTIFACT, expired: false, created_at: new Date().toISOString(), workflow_run: { id: 1, head_branch: "main", head_sha: "abc" }, zip: prev.blob });
    const r = await action("release-fail", {
      cwd: strictWs,
      inputs: { mode: "release", "api-key": API_KEY, "base-url": emu.url, "rate-limit": "0", "github-token": GH_TOKEN, baseline: "artifact", "webhook-url": hookUrl, "webhook-secret": WEBHOOK_SECRET },
      event: { name: "push", payload: { ref: "refs/heads/main", repository: { full_name: "acme/bot", default_branch: "main" } } },
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.outputs).toMatchObject({ status: "failure", gate: "failed" });
    expect(annotations(r, "error").join("\n")).toMatch(/gate failed/);
    expect(r.stdout).toMatch(new RegExp(`baseline: artifact ${prev.id}`));
    const report = JSON.parse(readFileSync(join(strictWs, "cognigy-nlu-report", "report.json"), "utf8"));
    expect(report.baselineMetrics?.macroF1).toBeGreaterThan(0);
    expect(r.summary.split("\n")[0]).toMatch(/Failed/);
    expect(hooks).toHaveLength(2);
    expect(hooks[1].verified.ok).toBe(true);
    expect(JSON.parse(hooks[1].body).status).toBe("failure");
  });

  it("backup: snapshot package, exports and manifest uploaded as the artifact, and copied to S3", async () => {
    const r = await action("backup", {
      cwd: cleanWs,
      inputs: { mode: "backup", "api-key": API_KEY, "base-url": emu.url, "rate-limit": "0", "artifact-name": "cognigy-nlu-backup", "retention-days": "30", "s3-uri": "s3://backups/nightly" },
      event: { name: "schedule", payload: { schedule: "17 3 * * *", repository: { full_name: "acme/bot", default_branch: "main" } } },
      env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: s3Url },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs.status).toBe("success");
    const files = [...art.files("cognigy-nlu-backup").keys()];
    expect(files).toContain("report.json");
    expect(files.some((f) => /^backups\/[^/]+\/manifest\.json$/.test(f))).toBe(true);
    expect(files.some((f) => /^backups\/[^/]+\/.*\.csnap$/.test(f))).toBe(true);
    expect(r.outputs["artifact-id"]).toMatch(/^\d+$/);
    // the S3 client is loaded from the deferred part of dist/index.js
    expect(s3Puts.some((u) => u.startsWith("/backups/nightly/") && u.split("?")[0].endsWith("/manifest.json")), `${s3Puts.join("\n")}\n${r.stdout}`).toBe(true);
  });

  it("webhook-required: an undeliverable webhook fails an otherwise passing run; not required, it only warns", async () => {
    const inputs = { mode: "validate", "webhook-url": hookUrl, "webhook-secret": WRONG_SECRET };
    const before = hooks.length;
    const soft = await action("webhook-soft", { cwd: cleanWs, inputs });
    expect(soft.code, soft.stdout + soft.stderr).toBe(0);
    expect(annotations(soft, "warning").join("\n")).toMatch(/Webhook not delivered: webhook to http:\/\/\S+ answered 401/);
    const hard = await action("webhook-hard", { cwd: cleanWs, inputs: { ...inputs, "webhook-required": "true" } });
    expect(hard.code).toBe(1);
    expect(hard.outputs.status).toBe("failure");
    expect(annotations(hard, "error").join("\n")).toMatch(/webhook-required: webhook to .* answered 401/);
    expect(hooks.slice(before).map((h) => h.verified.ok)).toEqual([false, false]);
  });

  it("release without an API key is a clear input error", async () => {
    const r = await action("release-nokey", { cwd: cleanWs, inputs: { mode: "release" }, event: { name: "push", payload: {} } });
    expect(r.code).toBe(1);
    expect(annotations(r, "error").join("\n")).toMatch(/input 'api-key': mode release needs a Cognigy API key/);
    expect(r.summary).toMatch(/Failed[\s\S]*input 'api-key'/);
  });

  it("no secret and no planted PII in any file or request the runs produced", () => {
    const everything = [...produced];
    for (const q of gh.requests) {
      const { authorization: _a, ...headers } = q.headers;
      everything.push({ where: `github ${q.method} ${q.url}`, text: `${q.url}\n${JSON.stringify(headers)}\n${q.body.toString("utf8")}` });
    }
    for (const c of [...gh.comments.values()].flat()) everything.push({ where: `comment ${c.id}`, text: c.body });
    for (const q of art.requests) {
      const { authorization: _a, ...headers } = q.headers;
      everything.push({ where: `artifacts ${q.method} ${q.url}`, text: `${q.url}\n${JSON.stringify(headers)}\n${q.body.toString("latin1")}` });
    }
    for (const u of art.uploads.filter((x) => x.finalized)) {
      for (const [name, buf] of unzip(u.blob)) everything.push({ where: `artifact ${u.id}/${name}`, text: buf.toString("utf8") });
    }
    for (const h of hooks) everything.push({ where: "webhook", text: `${JSON.stringify(h.headers)}\n${h.body}` });
    // A PR check uploads the PR's training data (pii: warning here, the workspace's choice) to its preview flow, as a
    // release would to production: those writes go to flows the check deleted afterwards, and only they may carry it.
    const deleted = new Set(emu.requestLog.filter((e) => e.method === "DELETE").map((e) => /^\/new\/v2\.0\/flows\/([0-9a-f]{24})$/.exec(e.path)?.[1]).filter(Boolean));
    expect(deleted.size).toBeGreaterThan(0);
    for (const e of emu.requestLog) {
      const flow = /\/flows\/([0-9a-f]{24})\//.exec(e.path)?.[1];
      if (flow && deleted.has(flow) && e.method !== "GET") continue;
      everything.push({ where: `emulator ${e.method} ${e.path}`, text: JSON.stringify(e) });
    }
    expect(everything.length).toBeGreaterThan(50);
    // the planted PII did reach the checks (masked) — the scan below is not vacuous
    expect(everything.some((x) => /j\*+@e\*+\.org|\*\*\*/.test(x.text) && x.where.includes("check-1"))).toBe(true);
    const leaks: string[] = [];
    for (const { where, text } of everything) {
      for (const s of [...SECRETS, ...PII, "url-borne-token"]) {
        if (text.includes(s) || text.includes(encodeURIComponent(s))) leaks.push(`${s.slice(0, 6)}… in ${where}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
