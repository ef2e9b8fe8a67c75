// Faults × pipeline steps, whole release runs against the emulator: every run completes with the intended state or fails
// clearly at the faulted step leaving the state before / the intended state / a restorable backup — never an inconsistent
// mix — and never leaks the API key. npm test runs a fast subset; RELIABILITY_FULL=1 the whole matrix.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FULL } from "./dist.js";
import { recordFigures } from "./figures.js";
import { API_KEY, type Baseline, botV2, configYaml, emulatorFrom, makeBaseline, releaseInProcess, tempDir, writeRepo } from "./harness.js";
import { LeakScanner } from "./leak-scan.js";
import { type Classified, classify, scenarios, tally, tallyLine } from "./matrix.js";

const list = FULL ? scenarios() : scenarios().filter((s) => s.fast);
const rows: Classified[] = [];
let baseline: Baseline;
let work: string;

beforeAll(async () => {
  work = tempDir("cnlu-faults-");
  baseline = await makeBaseline(work);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (!rows.length) return;
  const t = tally(rows);
  const lines = [
    `fault matrix (${FULL ? "full" : "fast subset"}): ${tallyLine(t)}`,
    `  fault-free release: ${baseline.cleanRequests} requests (task polls not counted), ${Math.round(baseline.cleanMs)} ms`,
    ...rows.map((r) => `  ${r.outcome.padEnd(15)} ${r.state.padEnd(33)} faults ${String(r.faults).padStart(3)}  +${String(r.wasted).padStart(3)} req  ${r.id}${r.step ? `  [failed at ${r.step}]` : ""}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  recordFigures("faults", { full: FULL, tally: t, baseline: { requests: baseline.cleanRequests, ms: Math.round(baseline.cleanMs) }, rows });
});

describe("fault matrix: whole release runs under injected faults", () => {
  it.each(list.map((s, i) => [s.id, s, i] as const))("%s", async (_id, s, i) => {
    const repo = writeRepo(join(work, `repo-${i}`), botV2(), configYaml({ trainTimeout: s.trainTimeoutSeconds ?? 60 }));
    const emu = await emulatorFrom(baseline.before, work, { slowMs: 1500 });
    try {
      let armed = false;
      const onStep = (step: string) => {
        if (step === s.step) {
          s.arm(emu);
          armed = true;
        } else if (armed) {
          emu.faults.clear();
          armed = false;
        }
      };
      const run = await releaseInProcess(repo, emu, join(work, `out-${i}`), { onStep, timeoutMs: s.timeoutMs });
      const c = await classify(s.id, run, emu, baseline);
      rows.push(c);
      const why = `${s.id}: ${c.outcome}, state ${c.state}, ${run.report?.summary ?? run.thrown?.stack}\n${run.log.slice(-3000)}`;
      expect(c.faults, `no fault was injected: the cell tests nothing\n${why}`).toBeGreaterThan(0);
      expect(c.outcome, why).not.toBe("inconsistent");
      expect(c.outcome, why).not.toBe("unclear failure");
      if (s.expect === "complete") expect(c.outcome, `retries should absorb this fault\n${why}`).toBe("completed");
      else {
        expect(c.outcome, why).toBe("failed cleanly");
        expect(c.step, `the failure should name the faulted step\n${why}`).toBe(s.step);
      }
      const leaks = new LeakScanner([{ name: "api key", value: API_KEY }])
        .addText("log", run.log)
        .addPath(run.out, "out")
        .addText("emulator request log", JSON.stringify(emu.requestLog));
      expect(leaks.report()).toEqual([]);
    } finally {
      await emu.close();
    }
  });

  it("no run left Cognigy inconsistent (inconsistent: 0)", () => {
    expect(rows.length).toBe(list.length);
    const t = tally(rows);
    expect(t.inconsistent).toBe(0);
    expect(t.unclear).toBe(0);
    expect(t.completed + t.failedCleanly).toBe(t.runs);
  });
});
