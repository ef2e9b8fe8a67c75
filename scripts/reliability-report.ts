// Runs the full reliability suite (RELIABILITY_FULL=1: fault matrix, downloads, SIGTERM, concurrency, CLI faults, leak
// scans, hostile input) and renders the measured figures; `--write` puts them into docs/reliability.md between markers.
//   node --import tsx scripts/reliability-report.ts [--write] [--no-run DIR]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tally } from "../test/reliability/matrix.js";

const START = "<!-- figures:start -->";
const END = "<!-- figures:end -->";
const args = process.argv.slice(2);
const noRun = args.indexOf("--no-run");
const dir = noRun >= 0 ? args[noRun + 1] : mkdtempSync(join(tmpdir(), "cnlu-figures-"));
const command = "RELIABILITY_FULL=1 npx vitest run test/reliability test/hostile";

let exit = 0;
let seconds = 0;
let date = new Date().toISOString().slice(0, 10);
if (noRun >= 0 && existsSync(join(dir, "meta.json"))) ({ exit, seconds, date } = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")));
if (noRun < 0) {
  const t0 = Date.now();
  const r = spawnSync("npx", ["vitest", "run", "test/reliability", "test/hostile"], {
    env: { ...process.env, RELIABILITY_FULL: "1", RELIABILITY_FIGURES: dir },
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  seconds = Math.round((Date.now() - t0) / 1000);
  exit = r.status ?? 1;
  const summary = (r.stdout ?? "").split("\n").filter((l) => /Test Files|Tests {2}|FAIL/.test(l.replace(/\x1b\[[0-9;]*m/g, "")));
  process.stderr.write(`${summary.map((l) => l.replace(/\x1b\[[0-9;]*m/g, "")).join("\n")}\n`);
  writeFileSync(join(dir, "meta.json"), JSON.stringify({ exit, seconds, date }));
}

function read<T>(name: string): T | undefined {
  const p = join(dir, `${name}.json`);
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as T) : undefined;
}

interface Row {
  id: string;
  outcome: string;
  state: string;
  step?: string;
  faults: number;
  wasted: number;
}

const out: string[] = [];
const faults = read<{ tally: Tally; baseline: { requests: number; ms: number }; rows: Row[] }>("faults");
if (faults) {
  const t = faults.tally;
  out.push("### Fault matrix (whole `release` runs, in process, faults armed at the start of one step)", "");
  out.push("| runs | faults injected | completed | failed cleanly | inconsistent | unclear failures | requests wasted |", "|---:|---:|---:|---:|---:|---:|---:|");
  out.push(`| ${t.runs} | ${t.faults} | ${t.completed} | ${t.failedCleanly} | ${t.inconsistent} | ${t.unclear} | ${t.wasted} |`, "");
  out.push(
    `Measured: **inconsistent: ${t.inconsistent}** of ${t.runs} runs. Requests wasted = work requests (task polls not counted) beyond the fault-free release of the same change (${faults.baseline.requests} requests, ${faults.baseline.ms} ms).`,
    "",
  );
  const steps = [...new Set(faults.rows.map((r) => r.id.split(" × ")[0]))];
  const kinds = [...new Set(faults.rows.map((r) => r.id.split(" × ")[1]))];
  out.push(`| fault \\ step | ${steps.join(" | ")} |`, `|---|${steps.map(() => ":---:").join("|")}|`);
  for (const k of kinds) {
    const cells = steps.map((s) => {
      const r = faults.rows.find((x) => x.id === `${s} × ${k}`);
      if (!r) return "";
      const mark = r.outcome === "completed" ? "✓" : r.outcome === "failed cleanly" ? `✗ ${r.state === "mixed, restorable backup recorded" ? "mixed+backup" : r.state}` : `**${r.outcome}**`;
      return `${mark} (${r.faults}, +${r.wasted})`;
    });
    out.push(`| ${k} | ${cells.join(" | ")} |`);
  }
  out.push("", "✓ completed with the intended state · ✗ failed cleanly at that step, leaving the state named (before / intended / mixed with a restorable backup recorded) · (faults injected, requests wasted)", "");
}

const downloads = read<{ rows: { id: string; outcome: string; step?: string }[] }>("downloads");
if (downloads) {
  out.push("### Backup downloads", "", "| fault | outcome |", "|---|---|");
  for (const r of downloads.rows) out.push(`| ${r.id} | ${r.outcome}${r.step ? ` at ${r.step}` : ""} |`);
  out.push("");
}
const sigterm = read<{ rows: string[] }>("sigterm");
if (sigterm) out.push("### SIGTERM mid-run, then re-run (`node dist/cli.js release` child processes)", "", ...sigterm.rows.map((r) => `- ${r.replace(/[0-9a-f]{24}/g, "…")}`), "");
const cliFaults = read<{ spec: string; rows: string[] }>("cli-faults");
if (cliFaults) out.push(`### CLI releases against \`cognigy-nlu emulator --faults ${cliFaults.spec}\``, "", ...cliFaults.rows.map((r) => `- ${r}`), "");
const conc = read<{ rows: string[]; rounds?: number; exits0?: number; violations?: number }>("concurrency");
if (conc) {
  const mixed = conc.rows.filter((r) => /state mixed/.test(r)).length;
  out.push(
    "### Two releases on one flow at once (no concurrency group)",
    "",
    `${conc.rows.length} pairs of concurrent runs: ${conc.exits0 ?? "?"} runs exited 0, ${conc.violations ?? "?"} of them without their commit's data at their verification read (the invariant: must be 0); ${mixed} rounds ended with a mix of both commits${mixed ? " (see Concurrency above: use the concurrency group)" : ""}.`,
    "",
  );
}
if (conc) out.push(...conc.rows.map((r) => `- ${r.replace(/traceId [^)]*/g, "traceId …").replace(/[0-9a-f]{24}/g, "…")}`), "");
const secrets = read<{ rows: string[] }>("secrets");
if (secrets) out.push("### Leak scans (API key, webhook secret, GitHub token, URL-borne token, 4 planted PII strings)", "", ...secrets.rows.map((r) => `- ${r}`), "");
const hl = read<{ cases: number; bad: number; passed: number; failed: string[]; slowest: { id: string; ms: number }[] }>("hostile-library");
const hc = read<{ runs: number; maxRssMb: number; slowest: { id: string; ms: number }; hung: string[]; failed: string[] }>("hostile-cli");
if (hl || hc) {
  out.push("### Hostile input", "");
  if (hl)
    out.push(
      `- library (loadConfig → loadDataset → runChecks in a worker, 512 MB heap): ${hl.cases} cases (${hl.bad} bad files/configs), ${hl.cases - hl.failed.length} behaved, ${hl.failed.length} did not${hl.failed.length ? `: ${hl.failed.join(", ")}` : ""}; slowest ${hl.slowest.map((s) => `${s.id} ${Math.round(s.ms)} ms`).join(", ")}`,
    );
  if (hc)
    out.push(
      `- \`node dist/cli.js validate\`: ${hc.runs} runs, peak RSS ${hc.maxRssMb} MB, slowest ${hc.slowest.id} ${hc.slowest.ms} ms, hung (killed at 15/30 s): ${hc.hung.length ? hc.hung.join(", ") : "none"}, failed: ${hc.failed.length ? hc.failed.join(", ") : "none"}`,
    );
  out.push("");
}
out.push(`Produced by \`${command}\`${seconds ? ` (exit ${exit}, ${seconds} s, ${date})` : ""} via \`node --import tsx scripts/reliability-report.ts --write\`.`);

const text = out.join("\n");
process.stdout.write(`${text}\n`);
if (args.includes("--write")) {
  const doc = "docs/reliability.md";
  const cur = readFileSync(doc, "utf8");
  const a = cur.indexOf(START);
  const b = cur.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${doc}: markers ${START} … ${END} not found`);
  writeFileSync(doc, `${cur.slice(0, a + START.length)}\n${text}\n${cur.slice(b)}`);
  process.stderr.write(`wrote the figures into ${doc}\n`);
}
process.exitCode = exit;
