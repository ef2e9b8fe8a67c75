// Hostile input through the library (loadConfig → loadDataset → runChecks): every case gives a clear error or finding
// with file and line, within its time bound, under a heap cap, without throwing, polluting prototypes or writing files.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { treeDiff, treeSnapshot } from "../reliability/dist.js";
import { recordFigures } from "../reliability/figures.js";
import { LibraryRunner } from "./bounded.js";
import { hostileCases } from "./corpus.js";
import { judge, sandbox } from "./judge.js";

const cases = hostileCases();
let runner: LibraryRunner;
const timings: { id: string; ms: number }[] = [];
const failures: string[] = [];

beforeAll(() => {
  runner = new LibraryRunner();
});

afterAll(async () => {
  await runner.close();
  const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 5);
  recordFigures("hostile-library", { cases: cases.length, bad: cases.filter((c) => c.expect.some((e) => e.kind !== "ok")).length, passed: timings.length, failed: failures, slowest });
  process.stdout.write(`hostile (library): ${timings.length} cases; slowest ${slowest.map((t) => `${t.id} ${Math.round(t.ms)} ms`).join(", ")}\n`);
});

describe("hostile input: library", () => {
  it("the corpus has at least 100 bad files and configs", () => {
    const bad = cases.filter((c) => c.expect.some((e) => e.kind !== "ok"));
    expect(bad.length).toBeGreaterThanOrEqual(100);
    expect(cases.filter((c) => c.id.startsWith("configs/") || c.id.startsWith("generated/config")).length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    onTestFailed(() => void failures.push(c.id));
    const sb = sandbox();
    try {
      c.build(sb.repo, sb.root);
      const before = treeSnapshot(sb.root);
      // hang protection only (speed is not asserted here: a loaded machine is slow, not wrong)
      const hardLimit = Math.max(60_000, c.limitMs * 5);
      const o = await runner.run(sb.repo, hardLimit);
      if (o.kind === "timeout") expect.fail(`${c.description}: still running after ${hardLimit} ms (a hang)`);
      if (o.kind === "oom") expect.fail(`${c.description}: ran out of the 512 MB heap: ${o.detail}`);
      if (o.kind === "crash") expect.fail(`${c.description}: threw instead of reporting: ${o.detail}`);
      const r = o.result;
      timings.push({ id: c.id, ms: r.ms });
      expect(judge(c, r), c.description).toEqual([]);
      expect(treeDiff(before, treeSnapshot(sb.root)), "the library wrote files").toEqual([]);
    } finally {
      rmSync(sb.root, { recursive: true, force: true });
    }
  });
});
