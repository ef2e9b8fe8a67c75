// A release killed (SIGTERM) mid-run and re-run, as `node dist/cli.js release` child processes: the killed run leaves the
// state before, the intended state or a mix with its backup snapshot recorded in its output (restorable); the re-run
// completes and reaches exactly the intended state.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../src/emulator/index.js";
import type { PersistedState } from "../../src/emulator/state.js";
import { silentLogger } from "../../src/logger.js";
import type { Report } from "../../src/report/types.js";
import { ensureCli, FULL } from "./dist.js";
import { recordFigures } from "./figures.js";
import { API_KEY, type Baseline, botV2, clientFor, emulatorFrom, makeBaseline, runCli, sameData, tempDir, writeRepo } from "./harness.js";
import { LeakScanner } from "./leak-scan.js";

interface KillPoint {
  id: string;
  /** A fresh matcher per run: true for the answered request after which the CLI is killed. */
  when: () => (e: RequestLogEntry) => boolean;
  fast?: boolean;
}

/** The nth answered request matching `test`, after `after` (when given) was seen. */
function nth(n: number, test: (e: RequestLogEntry) => boolean, after?: (e: RequestLogEntry) => boolean): () => (e: RequestLogEntry) => boolean {
  return () => {
    let armed = !after;
    let seen = 0;
    return (e) => {
      if (!armed) {
        armed = Boolean(after?.(e));
        return false;
      }
      return test(e) && ++seen === n;
    };
  };
}

const isPoll = (e: RequestLogEntry) => e.method === "GET" && /\/tasks\/[0-9a-f]{24}$/.test(e.path);
const POINTS: KillPoint[] = [
  { id: "mid-sync, after the first sentence batch", when: nth(1, (e) => e.method === "PATCH" && /\/sentences$/.test(e.path)), fast: true },
  { id: "mid-sync, after the intent batch", when: nth(1, (e) => e.method === "PATCH" && /\/flows\/[0-9a-f]+\/intents$/.test(e.path)) },
  { id: "during the backup snapshot", when: nth(1, (e) => e.method === "POST" && /\/snapshots$/.test(e.path)) },
  { id: "while training (polling the task)", when: nth(1, isPoll, (e) => e.method === "POST" && /\/intents\/train$/.test(e.path)) },
  { id: "during evaluation", when: nth(3, (e) => e.method === "POST" && /\/nlu\/scores$/.test(e.path)) },
  { id: "during promotion (snapshot task)", when: nth(1, isPoll, (e) => e.method === "POST" && /\/nlu\/scores$/.test(e.path)) },
];

let cli: string;
let baseline: Baseline;
let work: string;
const rows: string[] = [];

beforeAll(async () => {
  cli = ensureCli();
  work = tempDir("cnlu-sigterm-");
  baseline = await makeBaseline(work);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  recordFigures("sigterm", { full: FULL, rows });
  if (rows.length) process.stdout.write(`SIGTERM and re-run:\n${rows.map((r) => `  ${r}`).join("\n")}\n`);
});

/** Restores `snapshotId` on a copy of the state and says whether that gives the state before back. */
async function restoresBefore(state: PersistedState, snapshotId: string): Promise<boolean> {
  const emu = await emulatorFrom(state, work);
  try {
    const client = clientFor(emu.url, silentLogger);
    const project = await client.resolveProject("Reliability Bot");
    await client.restoreSnapshot(snapshotId, project._id, { timeoutMs: 20_000 });
    return sameData(emu.dumpState(), baseline.beforeDump);
  } finally {
    await emu.close();
  }
}

describe("release killed with SIGTERM, then re-run", () => {
  it.each((FULL ? POINTS : POINTS.filter((p) => p.fast)).map((p, i) => [p.id, p, i] as const))("%s", async (_id, p, i) => {
    const when = p.when();
    let kill: ((sig: NodeJS.Signals) => void) | undefined;
    let killedAfter = "";
    const emu = await emulatorFrom(baseline.before, work, {
      onRequest: (e) => {
        if (kill && when(e)) {
          killedAfter = `${e.method} ${e.path}`;
          kill("SIGTERM");
        }
      },
    });
    try {
      const repo = writeRepo(join(work, `repo-${i}`), botV2());
      const first = await runCli(cli, ["release", "--base-url", emu.url, "--rate-limit", "0", "--out", join(work, `out-${i}-a`)], repo, {
        onSpawn: (k) => {
          kill = k;
        },
      });
      kill = undefined;
      expect(killedAfter, `the kill point was never reached\n${first.stdout}\n${first.stderr}`).not.toBe("");
      expect(first.signal === "SIGTERM" || first.code !== 0, `the killed run exited 0 (${first.code})`).toBe(true);
      const out = `${first.stdout}\n${first.stderr}`;
      expect(out, "a killed run must not print a stack").not.toMatch(/unexpected failure|^\s+at .+:\d+:\d+\)?$/m);

      // Right after the kill: before, intended, or a mix whose backup snapshot the run printed and which restores the state before.
      const mid = emu.dumpState();
      let midState = sameData(mid, baseline.beforeDump) ? "before" : sameData(mid, baseline.intendedDump) ? "intended" : "mixed";
      if (midState === "mixed") {
        const id = /backup: snapshot \S+ \(([0-9a-f]{24})\)/.exec(first.stdout)?.[1];
        expect(id, `mixed state after the kill and no backup snapshot in the killed run's output\n${first.stdout}`).toBeDefined();
        expect(mid.projects[0].snapshots.length).toBeGreaterThan(baseline.beforeDump.projects[0].snapshots.length);
        expect(await restoresBefore(JSON.parse(JSON.stringify(emu.state.toJSON())), id as string), "the recorded backup does not restore the state before").toBe(true);
        midState = "mixed, restorable backup recorded";
      }

      // The re-run converges to the intended state.
      const second = await runCli(cli, ["release", "--base-url", emu.url, "--rate-limit", "0", "--out", join(work, `out-${i}-b`)], repo);
      expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
      const report = JSON.parse(readFileSync(join(work, `out-${i}-b`, "report.json"), "utf8")) as Report;
      expect(report.status).toBe("success");
      expect(sameData(emu.dumpState(), baseline.intendedDump), `the re-run did not reach the intended state\n${second.stdout}`).toBe(true);
      rows.push(`killed after ${killedAfter} (${p.id}): state ${midState}; re-run exit ${second.code}, intended state reached`);
      const leaks = new LeakScanner([API_KEY])
        .addText("killed run", out)
        .addText("re-run", `${second.stdout}\n${second.stderr}`)
        .addPath(join(work, `out-${i}-b`))
        .addText("emulator", JSON.stringify(emu.requestLog));
      expect(leaks.report()).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
