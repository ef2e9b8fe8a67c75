// Two release runs on the same flow at once (two workflow runs without a concurrency group): each completes or fails
// clearly; the flow is never trained twice at the same time (the emulator's task history). The invariant (guard.ts,
// docs/reliability.md): a run exits 0 only if, after its last write and its promotion, a verification read shows the
// flow holding exactly its commit's data, judged at that read. The test judges it from the emulator's side, not from
// the tool's report: each run talks through its own pass-through proxy (its requests carry its proxy's Host), and the
// flow's data is recorded after every request; a run that exits 0 must have its commit's data somewhere between its
// last write and its last request (which must be a read), and must have left no endpoint on a snapshot it disowned.
// A failing run says "another writer changed the flow during this release" (or fails elsewhere, clearly) and prints
// the way back. 30 rounds in the reliability suite (npm run test:reliability), 3 in npm test.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DumpedState, Emulator } from "../../src/emulator/index.js";
import type { Report } from "../../src/report/types.js";
import { ensureCli, FULL } from "./dist.js";
import { recordFigures } from "./figures.js";
import { API_KEY, type Baseline, type BotVersion, botV2, botV3, botV4, emulatorFrom, makeBaseline, releaseInProcess, runCli, sameData, tempDir, writeRepo } from "./harness.js";
import { LeakScanner } from "./leak-scan.js";
import { startCutProxy } from "./cut-proxy.js";
import { wayBackWorks } from "./matrix.js";

let cli: string;
let baseline: Baseline;
let intendedV3: DumpedState;
let intendedV4: DumpedState;
let work: string;
const rows: string[] = [];
/** Rounds judged, and runs that exited 0 without their commit's data at their verification read (must stay 0). */
const tally = { rounds: 0, exits0: 0, violations: 0 };

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
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  recordFigures("concurrency", { full: FULL, ...tally, rows });
  if (rows.length) process.stdout.write(`concurrent releases: ${tally.rounds} rounds, ${tally.exits0} runs exited 0, ${tally.violations} violations\n${rows.map((r) => `  ${r}`).join("\n")}\n`);
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
const ROUNDS = FULL ? 10 : 1;

/** The flows' intents and their sentences per locale (what the invariant is about), as one comparable string. */
function flowData(d: DumpedState): string {
  const sentences = (m: Record<string, { text: string }[]>) => Object.fromEntries(Object.entries(m).map(([l, list]) => [l, list.map((x) => x.text).sort()]));
  return JSON.stringify(d.projects.map((p) => p.flows.map((f) => ({ name: f.name, intents: f.intents.map((i) => ({ name: i.name, sentences: sentences(i.sentences) })) }))));
}

/** A request that changes Cognigy (not a read: listings, exports, scores, task polls, downloads). */
function isWrite(method: string, path: string): boolean {
  if (method === "GET" || method === "HEAD") return false;
  return !(method === "POST" && /\/(export|scores|downloadlink)(\?|$)/.test(path));
}

describe("two release runs on the same flow at once", () => {
  it.each(PAIRS.filter((p) => FULL || p.fast).flatMap((p) => Array.from({ length: ROUNDS }, (_, k) => [`${p.id}, round ${k + 1}`, p, k] as const)))("%s", async (name, p, k) => {
    // after every request: who sent it (the Host of its proxy), what it was, and the flow's data once it was answered
    const seen: { host: string; method: string; path: string; data: string }[] = [];
    let emuRef: Emulator | undefined;
    const emu = await emulatorFrom(baseline.before, work, { onRequest: (e) => void (emuRef && seen.push({ host: e.headers.host ?? "", method: e.method, path: e.path, data: flowData(emuRef.dumpState()) })) });
    emuRef = emu;
    const proxies = [await startCutProxy(emu.url, { match: "\u0000never", afterBytes: 0, times: 0 }), await startCutProxy(emu.url, { match: "\u0000never", afterBytes: 0, times: 0 })];
    try {
      const tag = `${name.replace(/\W+/g, "-")}-${k}`;
      const ra = writeRepo(join(work, `${tag}-a`), p.a);
      const rb = writeRepo(join(work, `${tag}-b`), p.b);
      const args = (url: string, out: string) => ["release", "--base-url", url, "--rate-limit", "0", "--out", out];
      const [a, b] = await Promise.all([runCli(cli, args(proxies[0].url, join(work, `${tag}-oa`)), ra), runCli(cli, args(proxies[1].url, join(work, `${tag}-ob`)), rb)]);
      const log = `--- run A exit ${a.code}\n${a.stdout}\n${a.stderr}\n--- run B exit ${b.code}\n${b.stdout}\n${b.stderr}`;
      for (const r of [a, b]) {
        expect([0, 1], log).toContain(r.code);
        expect(`${r.stdout}${r.stderr}`, log).not.toMatch(/unexpected failure|^\s+at .+:\d+:\d+\)?$/m);
        if (r.code === 1) expect(`${r.stdout}\n${r.stderr}`, `a failed run must say which step failed\n${log}`).toMatch(/release failed at \w+/);
        if (r.code === 1 && /another writer changed the flow/.test(`${r.stdout}\n${r.stderr}`)) {
          expect(`${r.stdout}\n${r.stderr}`, `the concurrent-writer failure names the intents and the way back\n${log}`).toMatch(/another writer changed the flow during this release \(another run or a UI edit\): flow Main: \d+ differences? in intents? '.+' (after sync|before promotion|after promotion); .*(re-run the release|restore --snapshot [0-9a-f]{24} --yes)/);
        }
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
      // the invariant, judged from the emulator's record of what each run's verification read could see
      const intendedOf = new Map<BotVersion, string>([
        [V2, flowData(baseline.intendedDump)],
        [V3, flowData(intendedV3)],
        [V4, flowData(intendedV4)],
      ]);
      const judged: string[] = [];
      for (const [label, r, proxy, bot] of [["A", a, proxies[0], p.a], ["B", b, proxies[1], p.b]] as const) {
        if (r.code !== 0) continue;
        tally.exits0++;
        const host = new URL(proxy.url).host;
        const mine = seen.map((e, i) => ({ ...e, i })).filter((e) => e.host === host);
        expect(mine.length, `run ${label}'s requests are not in the emulator's record`).toBeGreaterThan(10);
        const lastWrite = mine.filter((e) => isWrite(e.method, e.path)).at(-1);
        const last = mine.at(-1);
        const ok = Boolean(last && lastWrite && last.i > lastWrite.i && !isWrite(last.method, last.path) && seen.slice(lastWrite.i + 1, last.i + 1).some((e) => e.data === intendedOf.get(bot)));
        if (!ok) {
          tally.violations++;
          judged.push(`run ${label} exited 0 but its commit's data was not in the flow at its verification read`);
        }
      }
      tally.rounds++;
      rows.push(`${name}: exits ${a.code}/${b.code}, ${spans.length} trainings (none overlapping), state ${endsAt}${judged.length ? ` — VIOLATION: ${judged.join("; ")}` : ""}${why ? ` — ${why}` : ""}`);
      expect(judged, log).toEqual([]);
      // a mix of both commits at the end: only a run that did not claim it, or one whose read came before the mix
      if (endsAt === "mixed") expect(log, "a failed run must print how to get back").toMatch(/re-run the release|cognigy-nlu restore --snapshot [0-9a-f]{24} --yes/);
      if (endsAt === "mixed" && a.code === 1 && b.code === 1) {
        // both failed: one of the recorded backups restores the state before
        const reports = ["oa", "ob"].map((o) => JSON.parse(readFileSync(join(work, `${tag}-${o}`, "report.json"), "utf8")) as Report);
        let works = false;
        for (const r of reports) if (!works) works = await wayBackWorks(emu, r, baseline);
        expect(works, `no recorded backup restores the state before\n${log}`).toBe(true);
      }
      expect(new LeakScanner([API_KEY]).addText("runs", log).addText("emulator", JSON.stringify(emu.requestLog)).report()).toEqual([]);
    } finally {
      for (const x of proxies) await x.close();
      await emu.close();
    }
  });

  it("the judge catches a run that exits 0 on data that is not its own (the check above can fail)", () => {
    const mixed = JSON.stringify({ mixed: true });
    const want = JSON.stringify({ mine: true });
    const seen = [
      { method: "PATCH", path: "/v2.0/flows/f/intents", data: want },
      { method: "POST", path: "/v2.0/flows/f/intents/export", data: mixed },
      { method: "GET", path: "/v2.0/tasks/t", data: mixed },
    ];
    const lastWrite = seen.findLastIndex((e) => isWrite(e.method, e.path));
    expect(lastWrite).toBe(0);
    expect(seen.slice(lastWrite + 1).some((e) => e.data === want)).toBe(false);
    expect(isWrite("POST", "/v2.0/snapshots")).toBe(true);
    expect(isWrite("POST", "/v2.0/projects/p/nlu/scores")).toBe(false);
  });
});
