// Drift in a PR check is what changed in Cognigy outside git: production against the BASE's data (what main's last
// release left), never against the PR's head. A PR's own edit is its plan, not drift; a sentence edited in Cognigy by
// hand is drift; without a readable base, drift is not judged and the summary says why.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { DriftResult } from "../../src/pipeline/drift.js";
import { runCheck, runRelease } from "../../src/pipeline/run.js";
import { git, MAIN, type Repo, repo } from "./fixture.js";

const open: Repo[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

describe("drift in a PR check", () => {
  it("a PR editing one sentence shows no drift; a sentence edited in Cognigy by hand does", async () => {
    const r = await repo();
    open.push(r);
    expect((await runRelease(r.run(), r.deps)).status).toBe("success");
    // the PR edits one of OrderPizza's examples
    git(r.root, "checkout", "-qb", "edit-pizza");
    const pizza = MAIN[0];
    const from = pizza.examples[0];
    const to = `${from} with extra basil`;
    writeFileSync(join(r.root, "training-data/main/intents/OrderPizza.yml"), stringify({ intent: "OrderPizza", examples: [to, ...pizza.examples.slice(1)], tests: pizza.tests }, { lineWidth: 0 }));
    git(r.root, "commit", "-qam", "edit one sentence");

    const clean = await runCheck(r.run({ check: { pr: 3, runId: "30-1", baseRef: "main" } }), r.deps);
    expect(clean.error).toBeUndefined();
    expect(clean.plan?.totals).toMatchObject({ addSentences: 1, removeSentences: 1 });
    expect((clean.drift as DriftResult).clean).toBe(true);
    expect(clean.summary).not.toMatch(/drift/);

    // someone edits a Weather sentence in the Cognigy UI
    const p = await r.client.resolveProject("Test Bot");
    const flow = await r.client.resolveFlow(p._id, "Main");
    const locale = (await r.client.listLocales(p._id))[0];
    const weather = (await r.client.listIntents(flow._id)).find((i) => i.name === "Weather");
    const old = (await r.client.listSentences(flow._id, weather!._id)).find((x) => x.text === MAIN[1].examples[2]);
    expect(old).toBeDefined();
    const edited = old!.text.replace(" for ", " for the ");
    expect(edited).not.toBe(old!.text);
    await r.client.batchSentences(flow._id, weather!._id, [
      { op: "delete", id: old!._id },
      { op: "create", value: { text: edited, localeId: locale._id } },
    ]);
    const drifted = await runCheck(r.run({ check: { pr: 3, runId: "30-2", baseRef: "main" }, failOnDrift: true } as Parameters<typeof runCheck>[0]), r.deps);
    const d = drifted.drift as DriftResult;
    expect(d.clean).toBe(false);
    expect(d.flows[0].editedSentences).toEqual([{ intent: "Weather", locale: "en-US", from: old!.text, to: edited, similarity: expect.any(Number) }]);
    // the PR's own edit (OrderPizza) is nowhere in the drift
    expect(JSON.stringify(d)).not.toContain("basil");
    expect(d.totals).toMatchObject({ addedSentences: 0, removedSentences: 0, editedSentences: 1 });
    expect(drifted.summary).toMatch(/drift: 1 edited in Cognigy and not in git \(fail-on-drift\)/);
    expect(drifted.status).toBe("failure");
  });

  it("a base that cannot be read: drift is not judged (never against the head), and the summary says why", async () => {
    const r = await repo();
    open.push(r);
    expect((await runRelease(r.run(), r.deps)).status).toBe("success");
    git(r.root, "checkout", "-qb", "edit");
    const pizza = MAIN[0];
    writeFileSync(join(r.root, "training-data/main/intents/OrderPizza.yml"), stringify({ intent: "OrderPizza", examples: [...pizza.examples, "one more pizza please"], tests: pizza.tests }, { lineWidth: 0 }));
    git(r.root, "commit", "-qam", "one more");
    const report = await runCheck(r.run({ check: { pr: 4, runId: "40-1", baseRef: "no-such-branch" }, failOnDrift: true } as Parameters<typeof runCheck>[0]), r.deps);
    expect(report.error).toBeUndefined();
    expect(report.drift).toBeUndefined();
    expect(report.summary).toMatch(/drift not checked: the base no-such-branch could not be read \(.*\); pass --base-ref/);
    expect(report.status).toBe("success");
  });
});
