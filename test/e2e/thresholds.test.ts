// End to end (the built dist/index.js as a runner runs it): on a pull request the gate thresholds come from the base
// branch's cognigy-nlu.yml, not from the PR's own; a PR loosening gate.macroF1 below its result still fails, and the
// job summary names the change as proposed. A fork PR (no key): the local estimate is gated by the base's thresholds.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { config, dataset } from "../pipeline/helpers.js";
import { bot, gitRepo, mislabel } from "../pipeline/pr-bot.js";
import type { Report } from "../../src/report/types.js";
import { ensureBuilt, pullRequestEvent, runAction } from "./runner.js";

const CHECKS = "checks:\n  minExamples: { error: 1, warning: 1 }\n  rules: { test-leakage: warning, duplicate-across: warning }\n";
const STRICT = `${CHECKS}gate:\n  macroF1: 0.99\n  macroPrecision: 0.3\n  minIntentF1: 0\n  minTestsPerIntent: 1\n`;
const LOOSE = `${CHECKS}gate:\n  macroF1: 0.3\n  macroPrecision: 0.3\n  minIntentF1: 0\n  minTestsPerIntent: 1\n`;

beforeAll(() => ensureBuilt());

describe("the Action on a pull request that loosens its own gate", () => {
  it("fails with the base's thresholds; the summary and report.json name the proposed change", async () => {
    const ds = mislabel(dataset(config(), bot()));
    const repo = gitRepo(ds, STRICT);
    const baseSha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo.root, encoding: "utf8" }).trim();
    repo.commit(ds, "loosen-gate", LOOSE);
    const payload = pullRequestEvent({ number: 12, fork: true }) as { pull_request: { base: { sha: string } } };
    payload.pull_request.base.sha = baseSha;
    const r = await runAction({ cwd: repo.root, temp: mkdtempSync(join(tmpdir(), "cnlu-thr-e2e-")), inputs: { mode: "check", config: "cognigy-nlu.yml" }, event: { name: "pull_request", payload } });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.outputs.gate).toBe("failed");
    expect(r.outputs["evaluation-engine"]).toBe("local");
    expect(r.summary).toContain("Thresholds proposed by this PR, apply after merge: gate.macroF1 0.99 → 0.3 (looser)");
    expect(r.summary).toContain("with the proposed thresholds the gate would pass");
    const report = JSON.parse(readFileSync(r.outputs["report-path"], "utf8")) as Report;
    expect(report.thresholds).toMatchObject({ from: "base", proposed: [{ key: "gate.macroF1", base: 0.99, head: 0.3, loosens: true }], proposedGatePassed: true });
    expect(report.gate?.reasons.join(" ")).toMatch(/below the required 0\.990/);
  });
});
