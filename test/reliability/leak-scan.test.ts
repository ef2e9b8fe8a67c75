// The leak scanner finds a needle in every encoding and container it claims to, and stays quiet on clean data.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { base64Cores, encodedForms, LeakScanner, scanForLeaks } from "./leak-scan.js";

const KEY = "sk-leak-test-KEY+/=9f8e7d";
const dir = mkdtempSync(join(tmpdir(), "cnlu-leak-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-entry zip (deflated), enough for the scanner's zip reader. */
function zip(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const n = Buffer.from(name);
  const loc = Buffer.alloc(30);
  loc.writeUInt32LE(0x04034b50, 0);
  loc.writeUInt16LE(8, 8);
  loc.writeUInt32LE(data.length, 18);
  loc.writeUInt32LE(content.length, 22);
  loc.writeUInt16LE(n.length, 26);
  const cen = Buffer.alloc(46);
  cen.writeUInt32LE(0x02014b50, 0);
  cen.writeUInt16LE(8, 10);
  cen.writeUInt32LE(data.length, 20);
  cen.writeUInt32LE(content.length, 24);
  cen.writeUInt16LE(n.length, 28);
  cen.writeUInt32LE(0, 42);
  const body = Buffer.concat([loc, n, data]);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + n.length, 12);
  eocd.writeUInt32LE(body.length, 16);
  return Buffer.concat([body, cen, n, eocd]);
}

describe("leak scanner", () => {
  it("finds the needle raw, URL-encoded, form-encoded, JSON-escaped, HTML-escaped and in hex", () => {
    const pii = 'Jöhn "J" <j@x.org>';
    const cases: Record<string, string> = {
      raw: `a ${KEY} b`,
      url: `?k=${encodeURIComponent(KEY)}&x=1`,
      "url-form": `k=${new URLSearchParams({ x: pii }).toString().slice(2)}`,
      json: JSON.stringify({ note: `he said ${pii}` }),
      "json-ascii": JSON.stringify({ note: pii }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
      html: `<td>${pii.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")}</td>`,
      hex: `digest ${Buffer.from(KEY).toString("hex").toUpperCase()}`,
    };
    for (const [encoding, text] of Object.entries(cases)) {
      const s = new LeakScanner([{ name: "key", value: KEY }, { name: "pii", value: pii }]).addText(encoding, text);
      expect(s.hits().map((h) => h.encoding), encoding).toContain(encoding);
    }
  });

  it("finds base64 / base64url at every byte alignment inside a longer encoded blob", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.boolean(), (before, after, url) => {
        const blob = Buffer.from(`${before}${KEY}${after}`).toString(url ? "base64url" : "base64");
        const hits = new LeakScanner([KEY]).addText("blob", `Authorization: Basic ${blob}`).hits();
        expect(hits.some((h) => h.encoding.startsWith("base64"))).toBe(true);
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(base64Cores(Buffer.from("abcdef"), "base64")).toHaveLength(3);
  });

  it("looks inside zip entries, gzip streams and .csnap-like packages (header line + gzip)", () => {
    const report = Buffer.from(JSON.stringify({ summary: `key ${KEY}` }));
    const csnap = Buffer.concat([Buffer.from('CSNAP1 {"name":"x"}\n'), gzipSync(report), Buffer.alloc(100, 7)]);
    const s = new LeakScanner([KEY]).addText("artifact.zip", zip("report.json", report)).addText("package.csnap", csnap).addText("plain.gz", gzipSync(report));
    const where = s.hits().map((h) => h.where);
    expect(where).toContain("artifact.zip!report.json");
    expect(where.some((w) => w.startsWith("package.csnap@gz"))).toBe(true);
    expect(where.some((w) => w.startsWith("plain.gz@gz"))).toBe(true);
  });

  it("walks folders, reports without printing the secret, and is quiet on clean data", () => {
    mkdirSync(join(dir, "out", "nested"), { recursive: true });
    writeFileSync(join(dir, "out", "clean.txt"), "nothing to see here: sk-leak-test-KEY is not the whole key");
    writeFileSync(join(dir, "out", "nested", "audit.jsonl"), `{"message":"${encodeURIComponent(KEY)}"}\n`);
    const lines = scanForLeaks([{ name: "api key", value: KEY }], { paths: [join(dir, "out")], texts: { stdout: "ok" } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^api key \(url\) in .*nested\/audit\.jsonl @\d+$/);
    expect(lines.join("\n")).not.toContain(KEY);
    // random clean text never matches (no false positives from short forms)
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(new LeakScanner([KEY, "jane.doe@example.org"]).addText("t", text.replace(/sk-leak|jane/g, "")).hits()).toEqual([]);
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it("has every encoded form at least 6 bytes long", () => {
    for (const f of encodedForms(KEY)) expect(f.bytes.length).toBeGreaterThanOrEqual(6);
  });
});
