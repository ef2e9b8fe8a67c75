// Adopting a bot that lives only in Cognigy (emulator over HTTP): init's project description, pull --holdout, the
// baseline, and a plan whose held-out-test removals are expected and do not trip sync.maxDeletions.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { describeProject, pickProject, renderConfig, renderTemplate } from "../../src/commands/init.js";
import type { Project } from "../../src/cognigy/types.js";
import { configSchema } from "../../src/config/schema.js";
import { loadDataset } from "../../src/dataset/load.js";
import { isUserError } from "../../src/errors.js";
import { planFlows } from "../../src/pipeline/plan.js";
import { pullFlows } from "../../src/pipeline/pull.js";
import { runRelease } from "../../src/pipeline/run.js";
import { checkDeletions } from "../../src/pipeline/sync.js";
import { type Setup, setup, syncAndTrain, writeBot } from "../backup/helpers.js";

describe("init", () => {
  const p = (name: string, id: string): Project => ({ _id: id, name });
  it("takes the only project or the named one; several and none named is a usage error listing them", () => {
    expect(pickProject([p("Bot", "a".repeat(24))], undefined).name).toBe("Bot");
    expect(pickProject([p("A", "1".repeat(24)), p("B", "2".repeat(24))], "B").name).toBe("B");
    let err: unknown;
    try {
      pickProject([p("A", "1".repeat(24)), p("B", "2".repeat(24))], undefined);
    } catch (e) {
      err = e;
    }
    expect(isUserError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toMatch(/2 projects[\s\S]*A \(1{24}\)[\s\S]*B \(2{24}\)/);
  });

  it("writes configs the schema accepts, with and without a key (never a key)", () => {
    const cfg = renderConfig("https://api-trial.cognigy.ai", "Pizza: Bot", [{ name: "Main Flow", dir: "training-data/main-flow", locales: { "en-US": "en-US" }, defaultLocale: "en-US" }]);
    expect(configSchema.parse(parse(cfg)).cognigy.project).toBe("Pizza: Bot");
    expect(configSchema.parse(parse(renderTemplate("https://api-trial.cognigy.ai", undefined, ["A", "B"]))).flows.map((f) => f.dir)).toEqual(["training-data/a", "training-data/b"]);
    expect(cfg).not.toMatch(/apiKey|api-key:/);
  });

  it("reads the project, its flows and locales from Cognigy", async () => {
    const s = await setup();
    try {
      const d = await describeProject(s.client, { flows: [] });
      expect(d.project.name).toBe(s.cfg.cognigy.project);
      expect(d.flows.map((f) => f.name)).toEqual(s.cfg.flows.map((f) => f.name));
      expect(d.flows[0]?.locales).toMatchObject({ "en-US": "en-US" });
      await expect(describeProject(s.client, { flows: ["No Such Flow"] })).rejects.toThrow(/no flow 'No Such Flow'/);
    } finally {
      await s.close();
    }
  });
});

/**
 * The adoption set-up: a bot synced to the emulator (not trained), an empty repo for it in a temp folder with
 * sync.maxDeletions 0, and the run context that points at that repo; all removed after `fn`.
 */
async function withEmptyRepo(fn: (a: { s: Setup; cfg: Setup["cfg"]; root: string; run: Setup["run"] }) => Promise<void>): Promise<void> {
  const s = await setup();
  const root = mkdtempSync(join(tmpdir(), "cnlu-holdout-"));
  try {
    await syncAndTrain(s, { train: false });
    const cfg = { ...s.cfg, sync: { ...s.cfg.sync, maxDeletions: 0 } };
    writeBot(root, [], cfg);
    await fn({ s, cfg, root, run: { ...s.run, config: cfg, root, configPath: join(root, "cognigy-nlu.yml") } });
  } finally {
    rmSync(root, { recursive: true, force: true });
    await s.close();
  }
}

describe("pull --holdout → release", () => {
  it("moves a seeded share of each intent into tests:; the release removes them from Cognigy within maxDeletions; then plan is empty", async () => {
    await withEmptyRepo(async ({ s, cfg, root, run }) => {
      const r = await pullFlows(run, s.deps, { holdout: 0.25 });
      expect(r.flows[0]?.heldOut).toBe(8); // 4 intents × 8 examples × 0.25
      const dir = join(root, "training-data/main/intents");
      for (const f of readdirSync(dir)) {
        const doc = parse(readFileSync(join(dir, f), "utf8"));
        expect([doc.examples.length, doc.tests.length]).toEqual([6, 2]);
        for (const t of doc.tests) expect(doc.examples).not.toContain(t);
      }
      // the same seed picks the same tests: a second pull (Cognigy still has them) changes nothing
      const again = await pullFlows(run, s.deps, { holdout: 0.25 });
      expect([again.flows[0]?.updated, again.flows[0]?.heldOut]).toEqual([[], 0]);
      const p = await planFlows(run, s.deps, { dataset: loadDataset({ config: cfg, root }) });
      expect(p.plan.totals.removeSentences).toBe(8);
      expect(p.plan.flows[0]?.heldOutRemovals).toBe(8);
      expect(p.plan.flows[0]?.removeSentences.every((x) => x.heldOut)).toBe(true);
      expect(p.flows[0]?.deletions).toBe(0);
      expect(() => checkDeletions(run, p)).not.toThrow();
      const rel = await runRelease({ ...run, config: { ...cfg, gate: { ...cfg.gate, macroF1: 0, macroPrecision: 0, minIntentF1: 0, minTestsPerIntent: 1 } } }, s.deps);
      expect(rel.status).toBe("success");
      expect(rel.metrics?.total).toBe(8);
      expect((await planFlows(run, s.deps, { dataset: loadDataset({ config: cfg, root }) })).plan.empty).toBe(true);
    });
  });

  it("any other deletion still counts against maxDeletions", async () => {
    await withEmptyRepo(async ({ s, cfg, root, run }) => {
      await pullFlows(run, s.deps, { holdout: 0.25 });
      const ds = loadDataset({ config: cfg, root });
      ds.flows[0]?.intents[0]?.examples["en-US"]?.pop();
      const p = await planFlows(run, s.deps, { dataset: ds });
      expect(p.flows[0]?.deletions).toBe(1);
      expect(() => checkDeletions(run, p)).toThrow(/deletes 1 sentence/);
    });
  });
});
