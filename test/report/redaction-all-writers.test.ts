import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPii } from "../../src/checks/pii.js";
import { AuditLog } from "../../src/report/audit.js";
import { renderPrComment, renderSummary } from "../../src/report/markdown.js";
import { Redactor } from "../../src/report/redact.js";
import type { Report } from "../../src/report/types.js";
import { sendWebhook, webhookPayload } from "../../src/report/webhook.js";
import { writeReportFiles } from "../../src/report/write.js";
import { sampleReport } from "./helpers.js";

const API_KEY = "cgy_9d8c7b6a5f4e3d2c1b0a99887766";
const EMAIL = "jane.doe@example.com";
const PHONE = "+49 151 24681357";

/** A stand-in PII masker so this test checks the plumbing whatever the detectors in src/checks/pii.ts do. */
function testMasker(s: string): string {
  return s.replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, "[email]").replace(/\+?\d[\d ]{8,}\d/g, "[phone]");
}

/** The report with the secret and PII planted wherever user text goes. */
function planted(): Report {
  const r = sampleReport();
  r.summary = `release failed; key ${API_KEY}`;
  r.error = { step: "sync", message: `401 for key ${API_KEY} (call ${PHONE})` };
  r.findings[0].message = `"mail ${EMAIL} or call ${PHONE}" uses key ${API_KEY}`;
  r.findings[0].hint = `rotate ${encodeURIComponent(API_KEY)}`;
  r.metrics!.confusions[0].examples = [`my number is ${PHONE}`, `write to ${EMAIL}`, `Basic ${Buffer.from(`u:${API_KEY}`).toString("base64")}`];
  r.plan!.flows[0].addSentences[0].text = `contact ${EMAIL}`;
  r.gate!.reasons.push(`debug: ${Buffer.from(API_KEY).toString("base64")}`);
  return r;
}

function expectClean(name: string, text: string) {
  for (const bad of [API_KEY, encodeURIComponent(API_KEY), Buffer.from(API_KEY).toString("base64").slice(0, 20), EMAIL, "24681357"]) {
    expect(text.includes(bad), `${name} contains ${bad}`).toBe(false);
  }
}

let server: Server;
let url = "";
const bodies: string[] = [];
let dir = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  dir = await mkdtemp(join(tmpdir(), "cnlu-redact-"));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function everyOutput(report: Report, redactor: Redactor, sub: string): Promise<Record<string, string>> {
  const out = join(dir, sub);
  const files = await writeReportFiles(report, out, { redactor });
  const audit = new AuditLog(join(out, "audit.jsonl"), { actor: "octocat", repository: "acme/bot", commit: report.commit, mode: "release" }, redactor);
  await audit.event({ step: "sync", outcome: "failure", durationMs: 12, message: `key ${API_KEY} for ${EMAIL} ${PHONE}`, counts: { writeCalls: 3 } });
  bodies.length = 0;
  const sent = await sendWebhook(url, { ...webhookPayload(report, { repository: "acme/bot" }), note: `${API_KEY} ${EMAIL}` }, { redactor, secret: "whsec_abcdef" });
  expect(sent.delivered).toBe(true);
  return {
    "report.json": await readFile(files.json, "utf8"),
    "report.md": await readFile(files.md, "utf8"),
    "report.html": await readFile(files.html!, "utf8"),
    summary: renderSummary(report, { redactor }),
    comment: renderPrComment(report, { redactor, stickyId: "Main" }),
    "audit.jsonl": await readFile(join(out, "audit.jsonl"), "utf8"),
    webhook: bodies[0],
  };
}

describe("every writer redacts", () => {
  it("removes the API key (plain, URL-encoded, base64) and masks PII in md, comment, html, json, audit and webhook", async () => {
    const redactor = new Redactor({ maskPii: testMasker });
    redactor.addSecret(API_KEY);
    const report = planted();
    const outputs = await everyOutput(report, redactor, "injected");
    for (const [name, text] of Object.entries(outputs)) {
      expect(text.length, name).toBeGreaterThan(0);
      expectClean(name, text);
    }
    // the masks are visible where the text was
    expect(outputs["report.md"]).toContain("\\[email\\]");
    expect(outputs["report.html"]).toContain("[phone]");
    expect(outputs["report.json"]).toContain("***");
    expect(JSON.parse(outputs["report.json"]).metrics.macroF1).toBe(report.metrics!.macroF1);
    expect(JSON.parse(outputs["audit.jsonl"].trim()).message).toBe("key *** for [email] [phone]");
    // the input report is untouched
    expect(report.summary).toContain(API_KEY);
  });

  it("masks planted PII with the real detectors (src/checks/pii.ts)", async () => {
    // a detector that stops finding the planted PII is the regression this test guards: it fails, never skips
    expect(findPii(EMAIL).length, "the e-mail detector finds the planted address").toBeGreaterThan(0);
    expect(findPii(`call ${PHONE}`).length, "the phone detector finds the planted number").toBeGreaterThan(0);
    const redactor = new Redactor();
    redactor.addSecret(API_KEY);
    const outputs = await everyOutput(planted(), redactor, "real");
    for (const [name, text] of Object.entries(outputs)) expectClean(name, text);
  });
});
