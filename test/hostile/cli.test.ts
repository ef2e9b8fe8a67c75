// Hostile input through `node dist/cli.js validate` in temp repos: a clear error or finding with file and line, exit 1
// or 2 (never an "unexpected failure" or a stack), within a time and memory bound, no writes, no injected annotations.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { Finding } from "../../src/checks/types.js";
import { ensureCli, FULL, treeDiff, treeSnapshot } from "../reliability/dist.js";
import { recordFigures } from "../reliability/figures.js";
import { runCli } from "./bounded.js";
import { type HostileCase, hostileCases, writeBaseRepo } from "./corpus.js";
import { type CaseResult, judge, sandbox } from "./judge.js";

const all = hostileCases();
/** Always through the CLI: secrets, file-system tricks, encodings, annotation injection, the known crash and hang shapes. */
const ALWAYS = /secret|symlink|fifo|workflow-command|invalid-utf8|deep-block-maps|utterance-1mb|dir-traversal/;
/** npm test: those plus every 6th case; RELIABILITY_FULL=1: every case. */
const cases = FULL ? all : all.filter((c, i) => !c.heavy && (ALWAYS.test(c.id) || i % 6 === 0));
const MEMORY_BOUND = 400 * 1024 * 1024;
const figures: { id: string; ms: number; rss: number; timedOut: boolean }[] = [];
const failures: string[] = [];
let cli: string;

beforeAll(() => {
  cli = ensureCli();
});

afterAll(() => {
  if (!figures.length) return;
  const maxRss = Math.max(...figures.map((f) => f.rss));
  const slowest = [...figures].sort((a, b) => b.ms - a.ms)[0];
  recordFigures("hostile-cli", { full: FULL, runs: figures.length, maxRssMb: Math.round(maxRss / 1024 / 1024), slowest: { id: slowest.id, ms: Math.round(slowest.ms) }, hung: figures.filter((f) => f.timedOut).map((f) => f.id), failed: failures });
  process.stdout.write(
    `hostile (cli): ${figures.length} runs of validate; slowest ${slowest.id} ${Math.round(slowest.ms)} ms; peak RSS ${(maxRss / 1024 / 1024).toFixed(0)} MB\n`,
  );
});

/** The only workflow command shape validate may print: `::error file=F,line=L,col=C,title=rule::message` (properties escaped). */
const ANNOTATION = /^::(error|warning|notice) file=([^,:\n]*)(?:,line=(\d+))?(?:,col=(\d+))?,title=([a-z-]+)::(.*)$/;

/** Lines that start a workflow command but are not one of our annotations (injected through names or text). */
function injectedCommands(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.startsWith("::") && !ANNOTATION.test(l));
}

function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
}

function parseRun(c: HostileCase, stdout: string, stderr: string, code: number | null, ms: number): CaseResult {
  const output = `${stdout}\n${stderr}`;
  if (code === 2) return { configError: stderr, findings: [], output, ms };
  if (c.format !== "github") return { findings: (JSON.parse(stdout) as { findings: Finding[] }).findings, output, ms };
  const findings: Finding[] = [];
  for (const l of stdout.split("\n")) {
    const m = ANNOTATION.exec(l);
    if (!m) continue;
    findings.push({
      severity: m[1] === "notice" ? "info" : (m[1] as "error" | "warning"),
      file: unescapeProperty(m[2]),
      line: Number(m[3] ?? 0),
      column: Number(m[4] ?? 0),
      rule: m[5] as Finding["rule"],
      message: unescapeProperty(m[6]),
    });
  }
  return { findings, output, ms };
}

describe("hostile input: node dist/cli.js validate", () => {
  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    onTestFailed(() => void failures.push(c.id));
    const sb = sandbox();
    try {
      c.build(sb.repo, sb.root);
      const before = treeSnapshot(sb.root, (rel) => rel.startsWith("tmp"));
      const r = await runCli({ cli, args: ["validate", "--format", c.format ?? "json"], cwd: sb.repo, home: sb.home, tmp: sb.tmp, timeoutMs: c.heavy ? 120_000 : 60_000 });
      figures.push({ id: c.id, ms: r.ms, rss: r.maxRssBytes, timedOut: r.timedOut });
      const where = `${c.description}\nexit ${r.code} ${r.signal ?? ""}\nstderr: ${r.stderr.slice(0, 1500)}`;
      expect(r.timedOut, `hung: killed after ${Math.round(r.ms)} ms\n${where}`).toBe(false);
      expect(r.stderr, where).not.toMatch(/unexpected failure|out of memory|RangeError|TypeError/i);
      expect(r.stderr, `a stack trace\n${where}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      const wantsConfig = c.expect.some((e) => e.kind === "config");
      expect([0, 1, 2], where).toContain(r.code);
      expect(r.code === 2, `exit ${r.code}: a config error is exit 2, anything else is not\n${where}`).toBe(wantsConfig);
      const result = parseRun(c, r.stdout, r.stderr, r.code, r.ms);
      expect(judge(c, result), where).toEqual([]);
      if (!wantsConfig) expect(r.code, `exit 1 exactly when there are errors\n${where}`).toBe(result.findings.some((f) => f.severity === "error") ? 1 : 0);
      expect(r.maxRssBytes, `peak RSS ${Math.round(r.maxRssBytes / 1024 / 1024)} MB`).toBeLessThan(MEMORY_BOUND);
      if (c.format === "github") expect(injectedCommands(r.stdout), "workflow commands injected through file names or utterances").toEqual([]);
      expect(treeDiff(before, treeSnapshot(sb.root, (rel) => rel.startsWith("tmp"))), "validate wrote files").toEqual([]);
    } finally {
      rmSync(sb.root, { recursive: true, force: true });
    }
  });

  it("check without an API key on hostile repos writes only into --out", async () => {
    const picks = all.filter((c) => ["generated/symlink-file-outside", "generated/symlink-intents-dir-outside", "intents/alias-bomb", "configs/dir-traversal", "generated/invalid-utf8"].includes(c.id));
    expect(picks.length).toBe(5);
    for (const c of picks) {
      const sb = sandbox();
      try {
        c.build(sb.repo, sb.root);
        const skip = (rel: string) => rel.startsWith("tmp") || rel === "out" || rel.startsWith("out/");
        const before = treeSnapshot(sb.root, skip);
        const r = await runCli({ cli, args: ["check", "--out", sb.out], cwd: sb.repo, home: sb.home, tmp: sb.tmp, timeoutMs: 120_000 });
        expect(r.stderr, c.id).not.toMatch(/unexpected failure/);
        expect([1, 2], `${c.id}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
        expect(treeDiff(before, treeSnapshot(sb.root, skip)), `${c.id}: files written outside --out`).toEqual([]);
        for (const s of c.neverEcho) expect(`${r.stdout}${r.stderr}`, c.id).not.toContain(s);
      } finally {
        rmSync(sb.root, { recursive: true, force: true });
      }
    }
  });

  it("a clean repository validates (exit 0): the harness itself is not what fails", async () => {
    const sb = sandbox();
    try {
      writeBaseRepo(sb.repo);
      const r = await runCli({ cli, args: ["validate", "--format", "json"], cwd: sb.repo, home: sb.home, tmp: sb.tmp, timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).findings.filter((f: Finding) => f.severity === "error")).toEqual([]);
    } finally {
      rmSync(sb.root, { recursive: true, force: true });
    }
  });
});
