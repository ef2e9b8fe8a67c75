import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/report/audit.js";
import { Redactor } from "../../src/report/redact.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cnlu-audit-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("AuditLog", () => {
  it("appends one JSON line per event, in call order, with the base fields and an ISO time", async () => {
    let t = Date.UTC(2025, 2, 14, 9, 0, 0);
    const file = join(dir, "nested", "audit.jsonl");
    const log = new AuditLog(
      file,
      { actor: "octocat", repository: "acme/bot", commit: "3f9c2b7e1a4d5c6b7a8e9f0d1c2b3a4e5f6a7b8c", mode: "release", runId: "9001" },
      new Redactor({ maskPii: (s) => s }),
      { now: () => new Date((t += 1000)) },
    );
    // fired without awaiting each: order must still hold
    const p1 = log.event({ step: "validate", outcome: "success", durationMs: 412.4, counts: { findings: 8, errors: 2 } });
    const p2 = log.event({ step: "sync", outcome: "failure", durationMs: 2210, message: "batch rejected" });
    const p3 = log.event({ step: "promote", outcome: "skipped", durationMs: 0 });
    await Promise.all([p1, p2, p3]);
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    const recs = lines.map((l) => JSON.parse(l));
    expect(recs.map((r) => r.step)).toEqual(["validate", "sync", "promote"]);
    expect(recs[0]).toEqual({
      time: "2025-03-14T09:00:01.000Z",
      actor: "octocat",
      repository: "acme/bot",
      commit: "3f9c2b7e1a4d5c6b7a8e9f0d1c2b3a4e5f6a7b8c",
      mode: "release",
      runId: "9001",
      step: "validate",
      outcome: "success",
      counts: { findings: 8, errors: 2 },
      durationMs: 412,
    });
    expect(recs[1]).toMatchObject({ outcome: "failure", message: "batch rejected", time: "2025-03-14T09:00:02.000Z" });
    expect(recs[2].counts).toBeUndefined();
  });

  it("never writes secrets and masks PII in messages, keeps commit hashes intact", async () => {
    const redactor = new Redactor({ maskPii: (s) => s.replace(/[\w.]+@[\w.]*\w/g, "[email]").replace(/\d{7,}/g, "[digits]") });
    redactor.addSecret("sk_live_abcdef123456");
    const file = join(dir, "audit2.jsonl");
    const log = new AuditLog(file, { actor: "me@example.com", commit: "1234567890123456789012345678901234567890", mode: "release" }, redactor);
    const rec = await log.event({
      step: "sync",
      outcome: "failure",
      durationMs: 5,
      message: "auth failed for sk_live_abcdef123456 (mail ops@example.com, ticket 12345678)",
      counts: { "sk_live_abcdef123456": 1, ok: Number.NaN },
    });
    const text = await readFile(file, "utf8");
    expect(text).not.toContain("sk_live_abcdef123456");
    expect(text).not.toContain("ops@example.com");
    expect(text).not.toContain("me@example.com");
    expect(rec.message).toBe("auth failed for *** (mail [email], ticket [digits])");
    expect(rec.commit).toBe("1234567890123456789012345678901234567890");
    expect(rec.counts).toEqual({ "***": 1 });
    expect(JSON.parse(text)).toEqual(rec);
  });
});
