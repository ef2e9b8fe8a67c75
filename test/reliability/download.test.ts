// Backups under download faults: a package download cut mid-stream, reset before the body, or answered 409 until ready.
// Each backup completes with a verified package, or fails cleanly naming its step and leaves no half-written backup;
// the bot's data in Cognigy is never changed by a backup.
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { runBackup } from "../../src/pipeline/backup.js";
import { Redactor } from "../../src/report/redact.js";
import { writeReportFiles } from "../../src/report/write.js";
import { type CutProxy, startCutProxy } from "./cut-proxy.js";
import { FULL } from "./dist.js";
import { recordFigures } from "./figures.js";
import { API_KEY, type Baseline, botV1, capturedLogger, clientFor, emulatorFrom, makeBaseline, runConfigFor, sameData, tempDir, writeRepo } from "./harness.js";
import { LeakScanner } from "./leak-scan.js";
import { burst, clearFailure } from "./matrix.js";

const PACKAGE_BYTES = 2 * 1024 * 1024;

interface DownloadScenario {
  id: string;
  /** Cut responses of GET /download/ after this many bytes, this many times. */
  cut?: { afterBytes: number; times: number };
  arm?: (emu: Emulator) => void;
  expect: "complete" | "fail";
  fast?: boolean;
}

const SCENARIOS: DownloadScenario[] = [
  { id: "download cut mid-stream once (after 256 kB of 2 MB)", cut: { afterBytes: 256 * 1024, times: 1 }, expect: "complete", fast: true },
  { id: "download cut mid-stream on every attempt", cut: { afterBytes: 64 * 1024, times: 1000 }, expect: "fail", fast: true },
  { id: "download reset before the body (twice)", arm: (e) => e.faults.queue({ match: "GET /download/", kind: "drop", times: 2 }), expect: "complete" },
  { id: "download link answers 409 until the package is ready", arm: (e) => e.faults.set("early409=3"), expect: "complete" },
  { id: "placeholder body instead of the package", arm: (e) => e.faults.set("placeholder=2"), expect: "complete" },
  { id: "5xx burst on the download", arm: (e) => burst(e, ["502", "503", "500"], "GET /download/"), expect: "complete" },
  { id: "package task ends in error", arm: (e) => e.faults.queue({ match: "/package", kind: "taskerror" }), expect: "fail" },
];

let baseline: Baseline;
let work: string;
const rows: { id: string; outcome: string; step?: string }[] = [];

beforeAll(async () => {
  work = tempDir("cnlu-download-");
  baseline = await makeBaseline(work);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  recordFigures("downloads", { full: FULL, rows });
  if (rows.length) process.stdout.write(`backup downloads: ${rows.map((r) => `${r.outcome}${r.step ? ` at ${r.step}` : ""}: ${r.id}`).join("; ")}\n`);
});

describe("backup downloads under faults", () => {
  it.each((FULL ? SCENARIOS : SCENARIOS.filter((s) => s.fast)).map((s, i) => [s.id, s, i] as const))("%s", async (_id, s, i) => {
    const emu = await emulatorFrom(baseline.before, work, { packagePadBytes: PACKAGE_BYTES });
    let proxy: CutProxy | undefined;
    try {
      let base = emu.url;
      if (s.cut) {
        proxy = await startCutProxy(emu.url, { match: "GET /download/", ...s.cut });
        base = proxy.url;
        emu.core.origin = proxy.url; // download links point through the proxy
      }
      s.arm?.(emu);
      const repo = writeRepo(join(work, `repo-${i}`), botV1());
      const out = join(work, `out-${i}`);
      const redactor = new Redactor();
      redactor.addSecret(API_KEY);
      const { logger, text } = capturedLogger(redactor);
      const run = { ...runConfigFor(repo, emu, out), config: { ...runConfigFor(repo, emu, out).config } };
      run.config.cognigy = { ...run.config.cognigy, baseUrl: base };
      const report = await runBackup(run, { client: clientFor(base, logger, { timeoutMs: 5000 }), logger });
      await writeReportFiles(report, out, { redactor });
      emu.faults.clear();
      const why = `${s.id}: ${report.summary}\n${text().slice(-2000)}`;
      expect(sameData(emu.dumpState(), baseline.beforeDump), `a backup changed the bot's data\n${why}`).toBe(true);
      const backups = existsSync(join(out, "backups")) ? readdirSync(join(out, "backups")) : [];
      if (report.status === "success") {
        rows.push({ id: s.id, outcome: "completed" });
        expect(s.expect, why).toBe("complete");
        expect(backups).toHaveLength(1);
        const folder = join(out, "backups", backups[0]);
        const csnap = readdirSync(folder).find((f) => f.endsWith(".csnap"));
        expect(csnap, why).toBeDefined();
        const bytes = readFileSync(join(folder, csnap as string));
        expect(bytes.length).toBeGreaterThanOrEqual(PACKAGE_BYTES);
        const manifest = readFileSync(join(folder, "manifest.json"), "utf8");
        expect(manifest).toContain(createHash("sha256").update(bytes).digest("hex"));
        expect(readdirSync(folder).filter((f) => f.endsWith(".part")), "a partial download was left behind").toEqual([]);
      } else {
        rows.push({ id: s.id, outcome: "failed cleanly", step: report.error?.step });
        expect(s.expect, why).toBe("fail");
        expect(clearFailure(report), why).toBe(true);
        expect(backups, `a failed backup left a folder that looks like a backup\n${why}`).toEqual([]);
      }
      if (s.cut) expect(proxy?.cuts, "the proxy cut no download").toBeGreaterThan(0);
      const leaks = new LeakScanner([API_KEY]).addText("log", text()).addPath(out).addText("emulator", JSON.stringify(emu.requestLog));
      expect(leaks.report()).toEqual([]);
    } finally {
      await proxy?.close();
      await emu.close();
    }
  });
});
