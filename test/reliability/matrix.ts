// The fault matrix: which fault is injected at which pipeline step, how a finished run is classified, and the tallies.
import { CognigyClient } from "../../src/cognigy/client.js";
import type { Emulator } from "../../src/emulator/index.js";
import { silentLogger } from "../../src/logger.js";
import type { Report } from "../../src/report/types.js";
import { API_KEY, type Baseline, type InProcessRun, sameData, shortSleep, workRequests } from "./harness.js";

export const STEPS = ["plan", "backup", "sync", "train", "evaluate", "promote"] as const;
export type Step = (typeof STEPS)[number];

export interface Scenario {
  id: string;
  step: Step;
  fault: string;
  /** Arms the fault when `step` starts; it is cleared when the next step starts (a fault × step cell). */
  arm: (emu: Emulator) => void;
  /** Client timeout (ms) and train/task timeout (s) for this run. */
  timeoutMs?: number;
  trainTimeoutSeconds?: number;
  /** What a correct client and pipeline do: absorb the fault, or stop with a clear failure at this step. */
  expect: "complete" | "fail";
  /** In the fast subset of `npm test`. */
  fast?: boolean;
}

/** A probabilistic storm that starts with one certain hit (a step with few requests still meets the fault). */
function storm(e: Emulator, spec: string, first: "429" | "429noretry" | "502" | "drop"): void {
  e.faults.set(spec);
  e.faults.queue({ kind: first });
}

/** Consecutive faults, one per request, in this order. */
export function burst(e: Emulator, kinds: ("500" | "502" | "503")[], match?: string): void {
  for (const kind of kinds) e.faults.queue({ kind, match });
}

/** HTTP-level faults, each armed at the start of one step. */
const HTTP_FAULTS: { name: string; arm: (emu: Emulator, seed: number) => void; timeoutMs?: number; expect: "complete" | "fail" }[] = [
  { name: "429 storm with Retry-After", arm: (e, s) => storm(e, `429:0.3,retryafter=1,seed=${s}`, "429"), expect: "complete" },
  { name: "429 storm without Retry-After", arm: (e, s) => storm(e, `429noretry:0.3,seed=${s}`, "429noretry"), expect: "complete" },
  { name: "429 burst longer than the retries", arm: (e) => e.faults.queue({ kind: "429", times: 12 }), expect: "fail" },
  { name: "5xx burst (500, 502, 503)", arm: (e) => burst(e, ["500", "502", "503", "500", "503"]), expect: "complete" },
  { name: "5xx on every request", arm: (e) => e.faults.set("500:1"), expect: "fail" },
  { name: "random 5xx (20%)", arm: (e, s) => storm(e, `500:0.1,502:0.05,503:0.05,seed=${s}`, "502"), expect: "complete" },
  { name: "slow responses past the timeout", arm: (e) => e.faults.queue({ kind: "slow", times: 2 }), timeoutMs: 400, expect: "complete" },
  { name: "dropped connections (20%)", arm: (e, s) => storm(e, `drop:0.2,seed=${s}`, "drop"), expect: "complete" },
  { name: "API key expires mid-step", arm: (e) => e.faults.set("expirekey=2"), expect: "fail" },
];

/** Faults of the task a step starts. */
const TASK_FAULTS: { step: Step; name: string; arm: (emu: Emulator) => void; trainTimeoutSeconds?: number; expect: "complete" | "fail" }[] = [
  { step: "backup", name: "snapshot task ends in error", arm: (e) => e.faults.queue({ match: "POST /snapshots", kind: "taskerror" }), expect: "fail" },
  { step: "backup", name: "snapshot task stuck in active", arm: (e) => e.faults.queue({ match: "POST /snapshots", kind: "taskstuck" }), trainTimeoutSeconds: 2, expect: "fail" },
  { step: "train", name: "training task ends in error", arm: (e) => e.faults.queue({ match: "/intents/train", kind: "taskerror" }), expect: "fail" },
  { step: "train", name: "training task stuck in active", arm: (e) => e.faults.queue({ match: "/intents/train", kind: "taskstuck" }), trainTimeoutSeconds: 2, expect: "fail" },
  { step: "train", name: "train request dropped", arm: (e) => e.faults.queue({ match: "POST /flows/", kind: "drop", times: 2 }), expect: "complete" },
  { step: "promote", name: "promotion snapshot request dropped", arm: (e) => e.faults.queue({ match: "POST /snapshots", kind: "drop" }), expect: "complete" },
  { step: "promote", name: "promotion snapshot task ends in error", arm: (e) => e.faults.queue({ match: "POST /snapshots", kind: "taskerror" }), expect: "fail" },
  { step: "sync", name: "sentence batches dropped (before or after being applied)", arm: (e) => e.faults.queue({ match: /^PATCH .*\/sentences$/, kind: "drop", times: 3 }), expect: "complete" },
];

const FAST = new Set([
  "sync × 429 storm with Retry-After",
  "sync × dropped connections (20%)",
  "sync × API key expires mid-step",
  "evaluate × random 5xx (20%)",
  "plan × slow responses past the timeout",
  "promote × 5xx burst (500, 502, 503)",
  "train × training task ends in error",
  "backup × snapshot task ends in error",
  "sync × sentence batches dropped (before or after being applied)",
  "promote × promotion snapshot request dropped",
]);

export function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  let seed = 11;
  for (const step of STEPS) {
    for (const f of HTTP_FAULTS) {
      const s = seed++;
      out.push({ id: `${step} × ${f.name}`, step, fault: f.name, arm: (e) => f.arm(e, s), timeoutMs: f.timeoutMs, expect: f.expect });
    }
  }
  for (const f of TASK_FAULTS) out.push({ id: `${f.step} × ${f.name}`, step: f.step, fault: f.name, arm: f.arm, trainTimeoutSeconds: f.trainTimeoutSeconds, expect: f.expect });
  for (const s of out) s.fast = FAST.has(s.id);
  return out;
}

export type Outcome = "completed" | "failed cleanly" | "inconsistent" | "unclear failure";

export interface Classified {
  id: string;
  outcome: Outcome;
  /** Where Cognigy's data ended: before, intended, or mixed (with / without a way back). */
  state: "before" | "intended" | "mixed, restorable backup recorded" | "mixed";
  step?: string;
  message?: string;
  faults: number;
  requests: number;
  wasted: number;
  ms: number;
}

/** True when a failed report names its step and says why (what the CLI prints as "release failed at <step>: …"). */
export function clearFailure(r: Report): boolean {
  return Boolean(r.error?.step && r.error.message.trim().length > 10 && r.summary.includes(`failed at ${r.error.step}`) && !/\bat .+:\d+:\d+\)?$/m.test(r.error.message));
}

/** Restores the recorded backup snapshot with a fault-free client; true when that gives the state before back. */
export async function wayBackWorks(emu: Emulator, r: Report, baseline: Baseline): Promise<boolean> {
  const id = r.sync?.backup?.kind === "snapshot" ? r.sync.backup.id : undefined;
  if (!id) return false;
  emu.faults.clear();
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: API_KEY, rateLimit: 0, logger: silentLogger, sleep: shortSleep });
  const project = await client.resolveProject("Reliability Bot");
  await client.restoreSnapshot(id, project._id, { timeoutMs: 20_000 });
  return sameData(emu.dumpState(), baseline.beforeDump);
}

export async function classify(id: string, run: InProcessRun, emu: Emulator, baseline: Baseline, faultsBefore = 0): Promise<Classified> {
  emu.faults.clear();
  const now = emu.dumpState();
  const requests = workRequests(emu);
  const base = { id, faults: Object.values(emu.faults.injected).reduce((a, b) => a + b, 0) - faultsBefore, requests, wasted: Math.max(0, requests - baseline.cleanRequests), ms: run.ms };
  const state = sameData(now, baseline.intendedDump) ? "intended" : sameData(now, baseline.beforeDump) ? "before" : "mixed";
  const r = run.report;
  if (!r) return { ...base, outcome: "unclear failure", state, message: run.thrown?.message };
  if (r.status === "success") return { ...base, outcome: state === "intended" ? "completed" : "inconsistent", state };
  const clear = clearFailure(r);
  if (state !== "mixed") return { ...base, outcome: clear ? "failed cleanly" : "unclear failure", state, step: r.error?.step, message: r.error?.message };
  const back = await wayBackWorks(emu, r, baseline);
  return {
    ...base,
    outcome: back ? (clear ? "failed cleanly" : "unclear failure") : "inconsistent",
    state: back ? "mixed, restorable backup recorded" : "mixed",
    step: r.error?.step,
    message: r.error?.message,
  };
}

export interface Tally {
  runs: number;
  faults: number;
  completed: number;
  failedCleanly: number;
  inconsistent: number;
  unclear: number;
  wasted: number;
}

export function tally(rows: Classified[]): Tally {
  return {
    runs: rows.length,
    faults: rows.reduce((n, r) => n + r.faults, 0),
    completed: rows.filter((r) => r.outcome === "completed").length,
    failedCleanly: rows.filter((r) => r.outcome === "failed cleanly").length,
    inconsistent: rows.filter((r) => r.outcome === "inconsistent").length,
    unclear: rows.filter((r) => r.outcome === "unclear failure").length,
    wasted: rows.reduce((n, r) => n + r.wasted, 0),
  };
}

export function tallyLine(t: Tally): string {
  return `runs ${t.runs} · faults injected ${t.faults} · completed ${t.completed} · failed cleanly ${t.failedCleanly} · inconsistent ${t.inconsistent} · unclear failures ${t.unclear} · requests wasted ${t.wasted}`;
}
