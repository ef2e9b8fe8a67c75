// A sharded check: `check --prepare` makes, syncs and trains the preview once; each `check --shard i/n` finds it by
// its tag (owner + run), only scores it (and the deployed model on the same utterances); `report merge` pairs every
// shard, applies the gate and deletes the preview — only flows carrying that tag. Production stays byte for byte.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { previewDescription, previewName } from "../../src/pipeline/preview.js";
import { runCheck, runRelease } from "../../src/pipeline/run.js";
import type { Report } from "../../src/report/types.js";
import { cli, flows, git, KEY, MAIN, production, type Repo, repo } from "./fixture.js";

const open: Repo[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

/** main released; a PR branch that mislabels most of OrderPizza's examples as Weather (a real regression). */
async function badPr(): Promise<Repo> {
  const r = await repo();
  open.push(r);
  expect((await runRelease(r.run(), r.deps)).status).toBe("success");
  git(r.root, "checkout", "-qb", "bad");
  const pizza = MAIN[0];
  const weather = MAIN[1];
  const k = Math.floor((pizza.examples.length * 3) / 4);
  const dir = join(r.root, "training-data/main/intents");
  writeFileSync(join(dir, "OrderPizza.yml"), stringify({ intent: "OrderPizza", examples: pizza.examples.slice(k), tests: pizza.tests }, { lineWidth: 0 }));
  writeFileSync(join(dir, "Weather.yml"), stringify({ intent: "Weather", examples: [...weather.examples, ...pizza.examples.slice(0, k)], tests: weather.tests }, { lineWidth: 0 }));
  git(r.root, "commit", "-qam", "move pizza examples");
  return r;
}

function save(r: Repo, name: string, report: Report): string {
  mkdirSync(join(r.root, name), { recursive: true });
  const f = join(r.root, name, "report.json");
  writeFileSync(f, JSON.stringify(report));
  return f;
}

const WRITE = /^(POST|PATCH|PUT|DELETE)$/;

describe("sharded check", () => {
  it("prepare → 2 shards (found by tag, scoring only) → report merge compares, gates and deletes the preview", async () => {
    const r = await badPr();
    const before = production(r);
    const p = await r.client.resolveProject("Test Bot");
    const check = { pr: 8, runId: "77-1", baseRef: "main" };
    // a person's flow with the preview's name but no tag, and another PR's tagged preview: neither is ever touched
    await r.client.createFlow(p._id, { name: previewName("Main", "PR #8"), description: "made by hand" });
    const other = { tool: "cognigy-nlu" as const, kind: "preview" as const, flow: "Main", owner: "pr:9", pr: 9, run: "90-1", createdAt: new Date().toISOString() };
    await r.client.createFlow(p._id, { name: previewName("Main", "PR #9"), description: previewDescription(other) });

    const prep = await runCheck(r.run({ check: { ...check, prepare: true } }), r.deps);
    expect(prep.error).toBeUndefined();
    expect(prep.preview).toEqual({ owner: "pr:8", run: "77-1", flows: ["Main · PR #8 preview (cognigy-nlu)"] });
    expect(prep.timings.map((t) => [t.step, t.outcome])).toContainEqual(["evaluate", "skipped"]);
    const tagged = (await flows(r)).filter((f) => f.tag?.owner === "pr:8");
    expect(tagged.map((f) => f.tag?.run)).toEqual(["77-1"]);

    // the shards: no clone, no sync, no training, no deletion — only reads and scores
    const files: string[] = [];
    const shards: Report[] = [];
    for (const i of [1, 2]) {
      const mark = r.emu.requestLog.length;
      const s = await runCheck(r.run({ shard: { index: i, count: 2 }, check }), r.deps);
      expect(s.error).toBeUndefined();
      const writes = r.emu.requestLog.slice(mark).filter((e) => WRITE.test(e.method) && !/\/nlu\/scores|\/intents\/export/.test(e.path));
      expect(writes.map((e) => `${e.method} ${e.path}`)).toEqual([]);
      expect(s.evaluation).toMatchObject({ shard: `${i}/2`, flow: "Main · PR #8 preview (cognigy-nlu)", engine: "cognigy" });
      expect(s.basePredictions?.predictions.length).toBeGreaterThan(0);
      expect(s.timings.map((t) => [t.step, t.outcome])).toContainEqual(["gate", "skipped"]);
      expect(s.timings.map((t) => t.step)).not.toContain("train");
      expect((await flows(r)).filter((f) => f.tag?.owner === "pr:8")).toHaveLength(1);
      shards.push(s);
      files.push(save(r, `shard-${i}`, s));
    }
    expect(shards[0].predictions?.length).toBeGreaterThan(0);
    expect(shards[1].predictions?.length).toBeGreaterThan(0);

    // a shard of another run finds nothing and says what to do; it deletes nothing
    const lost = await runCheck(r.run({ shard: { index: 1, count: 2 }, check: { ...check, runId: "78-1" } }), r.deps);
    expect(lost.error?.step).toBe("preview");
    expect(lost.error?.message).toBe("no prepared preview of flow Main for PR #8, run 78-1");
    expect(lost.evaluation?.engine).toBeUndefined();
    expect((await flows(r)).filter((f) => f.tag?.owner === "pr:8")).toHaveLength(1);

    // the merging job: compares base and head over every shard, gates, deletes the preview (by its tag only)
    const m = await cli(["report", "merge", ...files, "--config", join(r.root, "cognigy-nlu.yml"), "--base-url", r.emu.url, "--out", join(r.root, "merged")], { COGNIGY_API_KEY: KEY });
    const merged = JSON.parse(readFileSync(join(r.root, "merged", "report.json"), "utf8")) as Report;
    expect(merged.comparison?.base.engine).toBe("cognigy");
    expect(merged.comparison?.head.metrics.total).toBe(shards[0].basePredictions!.predictions.length + shards[1].basePredictions!.predictions.length);
    expect(merged.comparison?.delta.macroF1).toBeLessThan(-0.02);
    expect(merged.gate?.reasons).toBeDefined();
    expect(merged.summary).toMatch(/macro F1 \d\.\d{3} → \d\.\d{3}/);
    expect(merged.summary).toMatch(/deleted the preview flow Main · PR #8 preview \(cognigy-nlu\)/);
    expect((await flows(r)).map((f) => [f.name, f.tag?.owner])).toEqual([
      ["Main", undefined],
      ["Main · PR #8 preview (cognigy-nlu)", undefined],
      ["Main · PR #9 preview (cognigy-nlu)", "pr:9"],
    ]);
    expect(production(r)).toBe(before);

    // the merged comparison is the one an unsharded check of the same PR makes
    const whole = await runCheck(r.run({ check: { pr: 10, runId: "100-1", baseRef: "main" } }), r.deps);
    expect(whole.comparison?.head.metrics.total).toBe(merged.comparison?.head.metrics.total);
    expect(whole.comparison?.delta.macroF1).toBe(merged.comparison?.delta.macroF1);
    expect(whole.comparison?.significance.pValue).toBe(merged.comparison?.significance.pValue);
    expect(merged.gate?.passed).toBe(whole.gate?.passed);
    expect(m.code).toBe(whole.status === "success" ? 0 : 1);
  });

  it("the CLI refuses --prepare with --shard, and a run id that is not a plain token", async () => {
    const r = await repo();
    open.push(r);
    const base = ["check", "--config", join(r.root, "cognigy-nlu.yml"), "--base-url", r.emu.url, "--out", join(r.root, "o")];
    const both = await cli([...base, "--prepare", "--shard", "1/2"], { COGNIGY_API_KEY: KEY });
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--prepare makes the preview once for all shards/);
    const bad = await cli([...base, "--shard", "1/2", "--run-id", "x y"], { COGNIGY_API_KEY: KEY });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/run-id: expected 1–64 letters/);
    expect((await flows(r)).map((f) => f.name)).toEqual(["Main"]);
  });
});
