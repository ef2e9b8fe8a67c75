import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redactor } from "../../src/report/redact.js";
import { writeReportFiles } from "../../src/report/write.js";
import { sampleReport } from "./helpers.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cnlu-write-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeReportFiles", () => {
  it("writes report.json (same data), report.md and report.html and returns their paths", async () => {
    const r = sampleReport();
    const out = join(dir, "a", "b");
    const w = await writeReportFiles(r, out, { redactor: new Redactor({ maskPii: (s) => s }) });
    expect(w).toEqual({ json: join(out, "report.json"), md: join(out, "report.md"), html: join(out, "report.html") });
    expect(JSON.parse(await readFile(w.json, "utf8"))).toEqual(r);
    const md = await readFile(w.md, "utf8");
    expect(md.split("\n")[0]).toMatch(/^### ❌ \*\*Failed\*\* · mode `release`/);
    expect(await readFile(w.html!, "utf8")).toMatch(/^<!doctype html>/);
  });

  it("compares with a given baseline report instead of report.baselineMetrics, and can skip the HTML", async () => {
    const r = sampleReport();
    const prev = sampleReport();
    prev.metrics!.macroF1 = 0.5;
    const w = await writeReportFiles(r, join(dir, "c"), { baseline: prev, html: false });
    expect(w.html).toBeUndefined();
    const md = await readFile(w.md, "utf8");
    expect(md.split("\n")[0]).toContain(`(+${(r.metrics!.macroF1 - 0.5).toFixed(4)} vs baseline)`);
  });
});
