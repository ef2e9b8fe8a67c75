// A PR that adds a flow Cognigy does not have yet: check judges it in a new tagged preview flow (no base: the absolute
// thresholds alone, said so), deletes it, and leaves production as it was; plan and release stop with what to do.
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { runCheck, runPlan, runRelease } from "../../src/pipeline/run.js";
import { cli, flows, git, KEY, production, type Repo, repo, SUPPORT, writeConfig, writeIntents } from "./fixture.js";

const open: Repo[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

/** main released to Cognigy, then a PR branch that declares flow Support with its own intents. */
async function prAddingSupport(): Promise<Repo> {
  const r = await repo();
  open.push(r);
  const rel = await runRelease(r.run(), r.deps);
  expect(rel.status).toBe("success");
  git(r.root, "checkout", "-qb", "add-support");
  writeIntents(r.root, "training-data/support", SUPPORT);
  writeConfig(r.root, "http://127.0.0.1:9", { Main: "training-data/main", Support: "training-data/support" });
  git(r.root, "add", "-A");
  git(r.root, "commit", "-qm", "add flow Support");
  return r;
}

describe("a PR adding a flow Cognigy does not have", () => {
  it("check makes a new tagged preview for it, scores it without a base, deletes it; production untouched", async () => {
    const r = await prAddingSupport();
    const before = production(r);
    const during: Awaited<ReturnType<typeof flows>>[] = [];
    const report = await runCheck(r.run({ check: { pr: 5, runId: "55-1", baseRef: "main" } }), {
      ...r.deps,
      onStep: (s) => {
        if (s === "evaluate") void flows(r).then((f) => during.push(f));
      },
    });
    expect(report.error).toBeUndefined();
    expect(report.status).toBe("success");
    // while it ran: production Main, its clone and a new flow for Support, both tagged for PR #5, run 55-1
    await vi.waitFor(() => expect(during).toHaveLength(1));
    expect(during[0].map((f) => [f.name, f.tag?.flow, f.tag?.owner, f.tag?.run])).toEqual([
      ["Main", undefined, undefined, undefined],
      ["Main · PR #5 preview (cognigy-nlu)", "Main", "pr:5", "55-1"],
      ["Support · PR #5 preview (cognigy-nlu)", "Support", "pr:5", "55-1"],
    ]);
    // head covers both flows; the comparison only Main (Support has no base), and the summary says why
    expect(report.evaluation).toMatchObject({ subject: "head", engine: "cognigy" });
    expect(Object.keys(report.metrics?.perIntent ?? {})).toEqual(expect.arrayContaining(["Support/ResetPassword", "Support/Refund", "Main/OrderPizza"]));
    expect(report.comparison).toBeDefined();
    expect(Object.keys(report.comparison?.delta.perIntent ?? {}).filter((k) => /Refund|ResetPassword/.test(k))).toEqual([]);
    expect(report.comparison?.head.metrics.total).toBe(report.predictions?.filter((p) => p.flow === "Main").length);
    expect(report.summary).toMatch(/flow Support is new in this PR \(not in Cognigy yet\): its preview is a new flow with no base/);
    expect(report.summary).toMatch(/release stops until it is created in Cognigy/);
    expect(report.plan?.flows.find((f) => f.flow === "Support")?.createIntents.map((i) => i.intent).sort()).toEqual(["Refund", "ResetPassword"]);
    // the PR's new flow is not drift (drift is production against main's data)
    expect(report.drift).toMatchObject({ clean: true });
    // afterwards: only production, byte for byte as before; no flow named Support was ever made in production
    expect((await flows(r)).map((f) => f.name)).toEqual(["Main"]);
    expect(production(r)).toBe(before);
  });

  it("when the PR's only flow is new: no comparison, head faces the absolute thresholds alone, saying why", async () => {
    const r = await prAddingSupport();
    const run = r.run({ check: { pr: 6, runId: "66-1", baseRef: "main" } });
    run.config.flows = run.config.flows.filter((f) => f.name === "Support");
    const report = await runCheck(run, r.deps);
    expect(report.error).toBeUndefined();
    expect(report.comparison).toBeUndefined();
    expect(report.metrics?.total).toBeGreaterThan(0);
    expect(report.gate?.passed).toBe(true);
    expect(report.summary).toMatch(/no base to compare with \(its tests face the absolute thresholds alone\)/);
    expect(report.timings.map((t) => t.step)).not.toContain("evaluate-base");
    expect((await flows(r)).map((f) => f.name)).toEqual(["Main"]);
  });

  it("plan and release stop with what to do (no stack); release creates no flow", async () => {
    const r = await prAddingSupport();
    const before = production(r);
    await expect(runRelease(r.run(), r.deps)).rejects.toThrow(ConfigError);
    const err = await runPlan(r.run(), r.deps).catch((e: ConfigError) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe("flow 'Support' is declared in cognigy-nlu.yml but does not exist in project 'Test Bot' (its flows: 'Main')");
    expect((err as ConfigError).hint).toMatch(/^create the flow in Cognigy .*release never creates flows/);
    expect((await flows(r)).map((f) => f.name)).toEqual(["Main"]);
    expect(production(r)).toBe(before);
    // the CLI over HTTP: exit 2, the message and the hint, no stack trace
    const cfg = join(r.root, "cognigy-nlu.yml");
    for (const cmd of ["plan", "release"]) {
      const res = await cli([cmd, "--config", cfg, "--base-url", r.emu.url, "--rate-limit", "0", "--out", join(r.root, `o-${cmd}`)], { COGNIGY_API_KEY: KEY });
      expect(res.code).toBe(2);
      expect(res.err).toContain("flow 'Support' is declared in cognigy-nlu.yml but does not exist in project 'Test Bot'");
      expect(res.err).toMatch(/create the flow in Cognigy/);
      expect(res.err).not.toMatch(/\n\s+at /);
    }
    // and check through the same CLI writes its report
    const chk = await cli(["check", "--config", cfg, "--base-url", r.emu.url, "--rate-limit", "0", "--base-ref", "main", "--run-id", "cli-1", "--out", join(r.root, "o-check")], {
      COGNIGY_API_KEY: KEY,
      GITHUB_REF: "refs/pull/12/merge",
    });
    expect(chk.err).not.toMatch(/not found/);
    expect(chk.code).toBe(0);
    expect(chk.out).toMatch(/flow Support is new in this PR/);
    expect((await flows(r)).map((f) => f.name)).toEqual(["Main"]);
  });
});
