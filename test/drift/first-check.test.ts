// A first check against a project this repository never synced: the pull request's own new intents are the plan, not
// drift; once the flow is synced, an intent deleted in Cognigy is drift again.
import { afterEach, describe, expect, it } from "vitest";
import { loadDataset } from "../../src/dataset/load.js";
import { type DriftResult, runDrift } from "../../src/pipeline/drift.js";
import { runCheck } from "../../src/pipeline/run.js";
import { type Setup, setup, syncAndTrain } from "../backup/helpers.js";

const open: Setup[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

describe("drift of a flow never synced", () => {
  it("an empty project: no intent is 'missing in Cognigy'; check reports the plan, not drift", async () => {
    const s = await setup();
    open.push(s);
    const d = (await runDrift(s.run, s.deps)).drift as DriftResult;
    expect(d.totals.removedIntents).toBe(0);
    expect(d.totals.removedSentences).toBe(0);
    expect(d.clean).toBe(true);
    // the base (main's data) is the same as the head here: drift is production against it
    const check = await runCheck(s.run, { ...s.deps, baseDataset: loadDataset({ config: s.run.config, root: s.root }) });
    expect(check.plan?.totals.createIntents).toBeGreaterThan(0);
    expect((check.drift as DriftResult).clean).toBe(true);
    expect(check.summary).not.toMatch(/drift/);
  });

  it("after a sync, an intent deleted in Cognigy is drift", async () => {
    const s = await setup();
    open.push(s);
    await syncAndTrain(s, { train: false });
    const project = await s.client.resolveProject("Test Bot");
    const flow = (await s.client.listFlows(project._id))[0]!;
    const victim = (await s.client.listIntents(flow._id))[0]!;
    await s.client.deleteIntent(flow._id, victim._id);
    const d = (await runDrift(s.run, s.deps)).drift as DriftResult;
    expect(d.flows[0].removedIntents).toEqual([{ intent: victim.name }]);
  });
});
