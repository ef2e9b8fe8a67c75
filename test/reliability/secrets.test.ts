// Secrets and PII: every byte a run produced — log, report files, audit log, webhook request, the emulator's request log —
// scanned (raw, URL-encoded, JSON/HTML-escaped, hex, base64) for the API key, the webhook secret, the GitHub token, a
// URL-borne token and planted PII; runs under faults and with --debug. Webhook receivers verify the HMAC, reject replays.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { AuditLog } from "../../src/report/audit.js";
import { Redactor } from "../../src/report/redact.js";
import { DELIVERY_HEADER, SIGNATURE_HEADER, sendWebhook, TIMESTAMP_HEADER, verifyWebhookSignature, webhookPayload } from "../../src/report/webhook.js";
import { ensureCli } from "./dist.js";
import { recordFigures } from "./figures.js";
import { API_KEY, type Baseline, type BotVersion, botV2, configYaml, emulatorFrom, makeBaseline, releaseInProcess, runCli, tempDir, writeRepo } from "./harness.js";
import { LeakScanner, type Needle } from "./leak-scan.js";

const WEBHOOK_SECRET = "whsec-reliability-7a6b5c4d3e2f1a0b";
const GH_TOKEN = "ghs_reliabilityToken0123456789ABCDEFabcd";
const URL_TOKEN = "url-borne-token-55aa66bb";
const PII = ["maria.planted@example.com", "+49 170 1234567", "DE89370400440532013000", "4111 1111 1111 1111"];
const SECRETS: Needle[] = [
  { name: "api key", value: API_KEY },
  { name: "webhook secret", value: WEBHOOK_SECRET },
  { name: "github token", value: GH_TOKEN },
  { name: "url token", value: URL_TOKEN },
];
const PII_NEEDLES: Needle[] = PII.map((p, i) => ({ name: `pii ${i + 1}`, value: p }));

/** v2 with PII planted in training examples and in a held-out test. */
function botWithPii(): BotVersion {
  const v = botV2();
  v.intents.BankBalance.examples.push(`send my balance to ${PII[0]} please`, `call me on ${PII[1]} about my account`, `my iban is ${PII[2]}`);
  v.intents.OrderPizza.examples.push(`pay the pizza with card ${PII[3]}`);
  return v;
}

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
  verdict: { ok: boolean; reason?: string };
}

/** A webhook receiver as the docs describe it: HMAC over `${t}.${rawBody}`, 5-minute window, each signature once. */
async function startReceiver(opts: { failFirst?: number } = {}): Promise<{ url: string; hooks: Hook[]; server: Server; seen: Set<string> }> {
  const hooks: Hook[] = [];
  const seen = new Set<string>();
  let fail = opts.failFirst ?? 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (fail > 0) {
        fail--;
        hooks.push({ headers: req.headers, body, verdict: { ok: false, reason: "simulated outage" } });
        res.writeHead(503).end();
        return;
      }
      const verdict = verifyWebhookSignature({
        body,
        timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()] as string,
        signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        secret: WEBHOOK_SECRET,
        seen,
      });
      hooks.push({ headers: req.headers, body, verdict });
      res.writeHead(verdict.ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cognigy?token=${URL_TOKEN}`, hooks, server, seen };
}

let cli: string;
let baseline: Baseline;
let work: string;
const servers: Server[] = [];
const figures: string[] = [];

beforeAll(async () => {
  cli = ensureCli();
  work = tempDir("cnlu-secrets-");
  baseline = await makeBaseline(work);
});

afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  recordFigures("secrets", { rows: figures });
  if (figures.length) process.stdout.write(`leak scans:\n${figures.map((f) => `  ${f}`).join("\n")}\n`);
});

function scanned(name: string, s: LeakScanner): void {
  figures.push(`${name}: ${s.sources.length} sources, ${(s.bytesScanned / 1024).toFixed(0)} kB scanned, ${s.hits().length} hits`);
}

describe("no secret and no planted PII in anything a run produces", () => {
  it("release in process as the Action runs it (audit log, reports, signed webhook) under 429 / 5xx / drops, PII as a warning", async () => {
    const emu: Emulator = await emulatorFrom(baseline.before, work, { faults: "429:0.1,500:0.05,drop:0.03,seed=5" });
    try {
      const repo = writeRepo(join(work, "pii-warning"), botWithPii(), configYaml({ extra: "" }).replace("  nearDuplicate: off\n", "  nearDuplicate: off\n  pii: warning\n"));
      const out = join(work, "out-pii-warning");
      const redactor = new Redactor();
      for (const s of [API_KEY, WEBHOOK_SECRET, GH_TOKEN]) redactor.addSecret(s);
      const audit = new AuditLog(join(out, "audit.jsonl"), { actor: "octocat", repository: "acme/bot", commit: "0123456789abcdef0123456789abcdef01234567", mode: "release", runId: "42" }, redactor);
      const run = await releaseInProcess(repo, emu, out, { audit: (e) => void audit.event(e) });
      await audit.flush();
      expect(run.report?.status, run.log).toBe("success");
      // the PII reached the checks (as masked warnings): the scan below is not vacuous
      expect(run.report?.findings.filter((f) => f.rule === "pii").length).toBeGreaterThanOrEqual(4);
      const receiver = await startReceiver({ failFirst: 1 });
      servers.push(receiver.server);
      const sent = await sendWebhook(receiver.url, webhookPayload(run.report!, { repository: "acme/bot", redactor }), { secret: WEBHOOK_SECRET, redactor, sleep: async () => {} });
      expect(sent.delivered, sent.error).toBe(true);
      expect(receiver.hooks.at(-1)?.verdict).toEqual({ ok: true });

      const scan = new LeakScanner([...SECRETS, ...PII_NEEDLES]).addText("log", run.log).addPath(out, "out");
      for (const h of receiver.hooks) scan.addText("webhook request", `${JSON.stringify(h.headers)}\n${h.body}`);
      expect(scan.report()).toEqual([]);
      // Cognigy itself receives the training data (PII as a warning means: upload it) — never a secret
      const emuScan = new LeakScanner(SECRETS).addText("emulator request log", JSON.stringify(emu.requestLog));
      expect(emuScan.report()).toEqual([]);
      expect(Object.values(emu.faults.injected).reduce((a, b) => a + b, 0), "faults were injected").toBeGreaterThan(0);
      scanned("in-process release + audit + webhook", scan);
    } finally {
      await emu.close();
    }
  });

  it("node dist/cli.js release --debug under faults, PII as an error (stops at validate): nothing anywhere, Cognigy included", async () => {
    const emu = await emulatorFrom(baseline.before, work, { faults: "429:0.2,retryafter=0,503:0.1,seed=9" });
    try {
      const repo = writeRepo(join(work, "pii-error"), botWithPii());
      const out = join(work, "out-pii-error");
      const r = await runCli(cli, ["release", "--debug", "--base-url", emu.url, "--rate-limit", "0", "--out", out], repo, { env: { GITHUB_TOKEN: GH_TOKEN, WEBHOOK_SECRET } });
      expect(r.code, r.stderr).toBe(1);
      expect(`${r.stdout}${r.stderr}`).toMatch(/release failed at validate/);
      expect(`${r.stdout}${r.stderr}`).toMatch(/\*\*\*/);
      const scan = new LeakScanner([...SECRETS, ...PII_NEEDLES]).addText("stdout", r.stdout).addText("stderr", r.stderr).addPath(out, "out").addText("emulator request log", JSON.stringify(emu.requestLog));
      expect(scan.report()).toEqual([]);
      scanned("CLI release, PII error", scan);
    } finally {
      await emu.close();
    }
  });

  it("node dist/cli.js release --debug under 429 / 5xx / drops, PII as a warning: passes, prints no secret or PII", async () => {
    const emu = await emulatorFrom(baseline.before, work, { faults: "429:0.05,retryafter=0,500:0.03,drop:0.02,seed=3" });
    try {
      const repo = writeRepo(join(work, "pii-cli"), botWithPii(), configYaml().replace("  nearDuplicate: off\n", "  nearDuplicate: off\n  pii: warning\n"));
      const out = join(work, "out-pii-cli");
      const r = await runCli(cli, ["release", "--debug", "--base-url", emu.url, "--rate-limit", "0", "--out", out], repo, { env: { GITHUB_TOKEN: GH_TOKEN, WEBHOOK_SECRET } });
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      const scan = new LeakScanner([...SECRETS, ...PII_NEEDLES]).addText("stdout", r.stdout).addText("stderr", r.stderr).addPath(out, "out");
      expect(scan.report()).toEqual([]);
      expect(new LeakScanner(SECRETS).addText("emulator request log", JSON.stringify(emu.requestLog)).report()).toEqual([]);
      scanned("CLI release --debug, PII warning", scan);
    } finally {
      await emu.close();
    }
  });

  it("a wrong key and a key that expires mid-run: clear 401 messages that never echo the key", async () => {
    const emu = await emulatorFrom(baseline.before, work);
    try {
      const repo = writeRepo(join(work, "keys"), botV2());
      const wrong = "wrong-key-0a1b2c3d4e5f6a7b";
      const a = await runCli(cli, ["release", "--debug", "--base-url", emu.url, "--rate-limit", "0", "--out", join(work, "out-wrong")], repo, { env: { COGNIGY_API_KEY: wrong } });
      expect(a.code).toBe(1);
      expect(`${a.stdout}${a.stderr}`).toMatch(/release failed at plan: .*401/);
      emu.faults.set("expirekey=12");
      const b = await runCli(cli, ["release", "--debug", "--base-url", emu.url, "--rate-limit", "0", "--out", join(work, "out-expired")], repo);
      expect(b.code).toBe(1);
      expect(`${b.stdout}${b.stderr}`).toMatch(/release failed at \w+: .*(401|expired)/i);
      const scan = new LeakScanner([{ name: "wrong key", value: wrong }, ...SECRETS])
        .addText("wrong key run", `${a.stdout}\n${a.stderr}`)
        .addText("expired key run", `${b.stdout}\n${b.stderr}`)
        .addPath(join(work, "out-wrong"))
        .addPath(join(work, "out-expired"))
        .addText("emulator request log", JSON.stringify(emu.requestLog));
      expect(scan.report()).toEqual([]);
      scanned("401 runs", scan);
    } finally {
      await emu.close();
    }
  });
});

describe("webhook receivers verify the HMAC and reject replays", () => {
  it("accepts the signed delivery once; rejects a replay, an old timestamp, a changed body and a missing signature", async () => {
    const receiver = await startReceiver();
    servers.push(receiver.server);
    const redactor = new Redactor();
    redactor.addSecret(WEBHOOK_SECRET);
    const payload = { event: "run", status: "success", summary: "release passed" };
    const res = await sendWebhook(receiver.url, payload, { secret: WEBHOOK_SECRET, redactor, sleep: async () => {} });
    expect(res.delivered).toBe(true);
    const first = receiver.hooks[0];
    expect(first.verdict.ok).toBe(true);
    const headers = {
      "content-type": "application/json",
      [TIMESTAMP_HEADER]: String(first.headers[TIMESTAMP_HEADER.toLowerCase()]),
      [SIGNATURE_HEADER]: String(first.headers[SIGNATURE_HEADER.toLowerCase()]),
      [DELIVERY_HEADER]: String(first.headers[DELIVERY_HEADER.toLowerCase()]),
    };
    const post = (h: Record<string, string>, body: string) => fetch(receiver.url, { method: "POST", headers: h, body }).then((r) => r.status);
    expect(await post(headers, first.body), "an exact replay").toBe(401);
    expect(receiver.hooks.at(-1)?.verdict.reason).toMatch(/replay/);
    expect(await post(headers, first.body.replace("success", "failure")), "a changed body").toBe(401);
    const { [SIGNATURE_HEADER]: _sig, ...unsigned } = headers;
    expect(await post(unsigned, first.body), "no signature").toBe(401);
    // an old, correctly signed request (captured 10 minutes ago) is outside the window
    const old = Math.floor(Date.now() / 1000) - 600;
    const { signWebhook } = await import("../../src/report/webhook.js");
    expect(await post({ ...headers, [TIMESTAMP_HEADER]: String(old), [SIGNATURE_HEADER]: signWebhook(first.body, old, WEBHOOK_SECRET) }, first.body), "an old timestamp").toBe(401);
    expect(receiver.hooks.at(-1)?.verdict.reason).toMatch(/tolerance|old|replay/);
    expect(receiver.hooks.filter((h) => h.verdict.ok)).toHaveLength(1);
  });

  it("a retried delivery is signed afresh (new timestamp and signature, same delivery id) and accepted", async () => {
    const receiver = await startReceiver({ failFirst: 2 });
    servers.push(receiver.server);
    const redactor = new Redactor();
    let clock = Date.now();
    const res = await sendWebhook(receiver.url, { event: "run" }, { secret: WEBHOOK_SECRET, redactor, sleep: async (ms) => void (clock += ms + 1000), now: () => clock });
    expect(res.delivered).toBe(true);
    expect(res.attempts).toBe(3);
    const sigs = receiver.hooks.map((h) => h.headers[SIGNATURE_HEADER.toLowerCase()]);
    expect(new Set(sigs).size).toBe(3);
    expect(new Set(receiver.hooks.map((h) => h.headers[DELIVERY_HEADER.toLowerCase()])).size).toBe(1);
  });
});
