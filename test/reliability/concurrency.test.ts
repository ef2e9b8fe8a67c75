// Two release runs on the same flow at once (two workflow runs without a concurrency group): each completes or fails
// clearly; the flow is never trained twice at the same time (the emulator's task history); a run that passes leaves its
// own data; a mix of both commits only ever follows two failed runs whose recorded backup restores the state before.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DumpedState, Emulator } from "../../src/emulator/index.js";
import type { Report } from "../../src/report/types.js";
import { ensureCli, FULL } from "./dist.js";
import { recordFigures } from "./figures.js";
import { API_KEY, type Baseline, type BotVersion, botV2, botV3, botV4, emulatorFrom, makeBaseline, releaseInProcess, runCli, sameData, tempDir, writeRepo } from "./harness.js";
import { LeakScanner } from "./leak-scan.js";
import { wayBackWorks } from "./matrix.js";

let cli: string;
let baseline: Baseline;
let intendedV3: DumpedState;
let intendedV4: DumpedState;
let work: string;
const rows: string[] = [];

beforeAll(async () => {
  cli = ensureCli();
  work = tempDir("cnlu-concurrency-");
  baseline = await makeBaseline(work);
  const intended = async (name: string, bot: BotVersion) => {
    const emu = await emulatorFrom(baseline.before, work);
    const r = await releaseInProcess(writeRepo(join(work, name), bot), emu, join(work, `out-${name}`));
    if (r.report?.status !== "success") throw new Error(`${name} release failed: ${r.report?.summary}`);
    const d = emu.dumpState();
    await emu.close();
    return d;
  };
  intendedV3 = await intended("v3", botV3());
  intendedV4 = await intended("v4", botV4());
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  recordFigures("concurrency", { full: FULL, rows });
  if (rows.length) process.stdout.write(`concurrent releases:\n${rows.map((r) => `  ${r}`).join("\n")}\n`);
});

interface TrainSpan {
  task: string;
  startedMs: number;
  finishedMs: number;
}

/** Every training of the flow: from the POST that created it to the end of the task (from the request log and the store). */
function trainings(emu: Emulator): TrainSpan[] {
  const spans: TrainSpan[] = [];
  for (const e of emu.requestLog) {
    if (e.method !== "POST" || !/\/intents\/train$/.test(e.path) || e.status >= 300 || e.status === 0) continue;
    const id = (JSON.parse(e.responseBody) as { _id: string })._id;
    const t = emu.state.tasks.get(id);
    const finished = t?.lastFinishedAt ? Date.parse(String(t.lastFinishedAt)) : Number.POSITIVE_INFINITY;
    spans.push({ task: id, startedMs: Date.parse(e.time), finishedMs: finished });
  }
  return spans.sort((a, b) => a.startedMs - b.startedMs);
}

/** Pairs of trainings of one flow that were in flight at the same time. */
function overlapping(spans: TrainSpan[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < spans.length; i++) if (spans[i].startedMs < spans[i - 1].finishedMs) out.push(`${spans[i - 1].task} and ${spans[i].task}`);
  return out;
}

const V2 = botV2();
const V3 = botV3();
const V4 = botV4();
const PAIRS: { id: string; a: BotVersion; b: BotVersion; fast?: boolean }[] = [
  { id: "the same commit twice (a re-run while the first run is going)", a: V2, b: V2, fast: true },
  { id: "two different commits with conflicting changes (v2 and v3)", a: V2, b: V3, fast: true },
  { id: "two different commits changing different intents (v2 and v4)", a: V2, b: V4, fast: true },
];
const NAME = new Map<BotVersion, string>([
  [V2, "v2"],
  [V3, "v3"],
  [V4, "v4"],
]);
const ROUNDS = FULL ? 3 : 1;

describe("two release runs on the same flow at once", () => {
  it.each(PAIRS.filter((p) => FULL || p.fast).flatMap((p) => Array.from({ length: ROUNDS }, (_, k) => [`${p.id}, round ${k + 1}`, p, k] as const)))("%s", async (name, p, k) => {
    const emu = await emulatorFrom(baseline.before, work);
    try {
      const tag = `${name.replace(/\W+/g, "-")}-${k}`;
      const ra = writeRepo(join(work, `${tag}-a`), p.a);
      const rb = writeRepo(join(work, `${tag}-b`), p.b);
      const args = (out: string) => ["release", "--base-url", emu.url, "--rate-limit", "0", "--out", out];
      const [a, b] = await Promise.all([runCli(cli, args(join(work, `${tag}-oa`)), ra), runCli(cli, args(join(work, `${tag}-ob`)), rb)]);
      const log = `--- run A exit ${a.code}\n${a.stdout}\n${a.stderr}\n--- run B exit ${b.code}\n${b.stdout}\n${b.stderr}`;
      for (const r of [a, b]) {
        expect([0, 1], log).toContain(r.code);
        expect(`${r.stdout}${r.stderr}`, log).not.toMatch(/unexpected failure|^\s+at .+:\d+:\d+\)?$/m);
        if (r.code === 1) expect(`${r.stdout}\n${r.stderr}`, `a failed run must say which step failed\n${log}`).toMatch(/release failed at \w+/);
      }
      const spans = trainings(emu);
      expect(overlapping(spans), `the flow was trained twice at the same time\n${log}`).toEqual([]);
      const end = emu.dumpState();
      const endsAt = sameData(end, baseline.intendedDump)
        ? "v2"
        : sameData(end, intendedV3)
          ? "v3"
          : sameData(end, intendedV4)
            ? "v4"
            : sameData(end, baseline.beforeDump)
              ? "before"
              : "mixed";
      const why = [a, b].filter((r) => r.code !== 0).map((r) => /release failed at [^\n]*/.exec(`${r.stdout}\n${r.stderr}`)?.[0] ?? "").join("; ");
      let back = "";
      if (endsAt === "mixed") {
        // a mix of both commits: acceptable only when neither run claims success and the way back is printed and works
        expect([a.code, b.code], `a run passed although the flow holds a mix of both commits\n${log}`).toEqual([1, 1]);
        expect(log, "a failed run must print how to restore its backup").toMatch(/cognigy-nlu restore --snapshot [0-9a-f]{24} --yes/);
        const reports = ["oa", "ob"].map((o) => JSON.parse(readFileSync(join(work, `${tag}-${o}`, "report.json"), "utf8")) as Report);
        let works = false;
        for (const r of reports) if (!works) works = await wayBackWorks(emu, r, baseline);
        expect(works, `no recorded backup restores the state before\n${log}`).toBe(true);
        back = " (both failed; the recorded backup restores the state before)";
      }
      rows.push(`${name}: exits ${a.code}/${b.code}, ${spans.length} trainings (none overlapping), state ${endsAt}${back}${why ? ` — ${why}` : ""}`);
      // when exactly one run succeeded, Cognigy holds that run's data
      if (a.code === 0 && b.code !== 0) expect(endsAt, log).toBe(NAME.get(p.a));
      if (b.code === 0 && a.code !== 0) expect(endsAt, log).toBe(NAME.get(p.b));
      expect(new LeakScanner([API_KEY]).addText("runs", log).addText("emulator", JSON.stringify(emu.requestLog)).report()).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
