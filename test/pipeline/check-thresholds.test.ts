// The gate thresholds of a pull request's check come from its base, not from the PR's own cognigy-nlu.yml; what the PR
// changes is reported as proposed (report.json, summary, comment, report.md, HTML). The Action's rule (trust.ts) and the
// CLI's (`check --base-ref`) on a real git repository.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyTrustedThresholds } from "../../src/action/trust.js";
import type { GitHubContext } from "../../src/action/context.js";
import { main } from "../../src/cli.js";
import { resolveRunConfig } from "../../src/config/options.js";
import { RecordingLogger } from "../../src/logger.js";
import { runCheck } from "../../src/pipeline/run.js";
import { gateUsed, loosens, readBaseConfig, trustThresholds } from "../../src/pipeline/thresholds.js";
import { renderHtml } from "../../src/report/html.js";
import { renderPrComment, renderReportMd, renderSummary } from "../../src/report/markdown.js";
import { Redactor } from "../../src/report/redact.js";
import type { Report } from "../../src/report/types.js";
import { config, dataset } from "./helpers.js";
import { bot, gitRepo, mislabel } from "./pr-bot.js";

const CHECKS = "checks:\n  minExamples: { error: 1, warning: 1 }\n  rules: { test-leakage: warning, duplicate-across: warning }\n";
/** The base's gate: macro F1 0.99, which the (imperfect) bot does not reach. */
const STRICT = `${CHECKS}gate:\n  macroF1: 0.99\n  macroPrecision: 0.3\n  minIntentF1: 0\n  minTestsPerIntent: 1\n`;
/** The PR's own: macro F1 0.3 (below its result), and a check that may pass unevaluated. */
const LOOSE = `${CHECKS}gate:\n  macroF1: 0.3\n  macroPrecision: 0.3\n  minIntentF1: 0\n  minTestsPerIntent: 1\ncheck:\n  allowUnevaluated: true\n`;

/** A repository whose base already carries the imperfect data; the PR changes only cognigy-nlu.yml (loosens the gate). */
function loosenedRepo(): { root: string; baseSha: string } {
  const ds = mislabel(dataset(config(), bot()));
  const repo = gitRepo(ds, STRICT);
  const baseSha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo.root, encoding: "utf8" }).trim();
  repo.commit(ds, "loosen-gate", LOOSE);
  return { root: repo.root, baseSha };
}

function expectNamed(report: Report): void {
  const change = "gate.macroF1 0.99 → 0.3 (looser)";
  expect(renderSummary(report, { redactor: new Redactor() })).toContain(change);
  expect(renderPrComment(report, { redactor: new Redactor() })).toContain(`proposed by this PR, apply after merge: ${change}`);
  expect(renderReportMd(report, { redactor: new Redactor() })).toContain(change);
  const html = renderHtml(report, { redactor: new Redactor() });
  expect(html).toMatch(/<p class="thresholds"[^>]*>Thresholds proposed by this PR, apply after merge: gate\.macroF1 0\.99 → 0\.3 \(looser\)/);
}

describe("trustThresholds", () => {
  it("takes the base's thresholds and lists what the change sets differently", () => {
    const base = config({ gate: { macroF1: 0.85, maxRegression: 0.02 } });
    const own = config({ gate: { macroF1: 0.5, maxRegression: 0.02, significance: 0.01, accuracy: 0.7 }, check: { allowUnevaluated: true } });
    const t = trustThresholds(own, { kind: "config", ref: "main (abc)", config: base });
    expect(t.gate.macroF1).toBe(0.85);
    expect(t.gate.significance).toBe(0.05);
    expect(t.allowUnevaluated).toBe(false);
    expect(t.report).toEqual({
      from: "base",
      ref: "main (abc)",
      proposed: [
        { key: "gate.macroF1", base: 0.85, head: 0.5, loosens: true },
        { key: "gate.accuracy", base: null, head: 0.7, loosens: false },
        { key: "gate.significance", base: 0.05, head: 0.01, loosens: true },
        { key: "check.allowUnevaluated", base: false, head: true, loosens: true },
      ],
    });
  });

  it("the tool's defaults when the base has no config; the change's own (said so) when the base cannot be read", () => {
    const own = config({ gate: { macroF1: 0.4 } });
    const absent = trustThresholds(own, { kind: "absent", ref: "main" });
    expect(absent.gate.macroF1).toBe(0.85);
    expect(absent.report.from).toBe("defaults");
    expect(absent.report.proposed.map((c) => c.key)).toEqual(["gate.macroF1"]);
    const unreadable = trustThresholds(own, { kind: "unreadable", ref: "main", problem: "git is not installed" });
    expect(unreadable.gate.macroF1).toBe(0.4);
    expect(unreadable.report).toMatchObject({ from: "head", proposed: [] });
    expect(unreadable.report.note).toMatch(/could not be read \(git is not installed\): this change's own thresholds apply/);
  });

  it("gateUsed (report merge): the file's own gate with each proposed change reverted to the base's value", () => {
    const own = config({ gate: { macroF1: 0.3, accuracy: 0.5 } }).gate;
    const used = gateUsed(own, {
      from: "base",
      ref: "main",
      proposed: [
        { key: "gate.macroF1", base: 0.99, head: 0.3, loosens: true },
        { key: "gate.accuracy", base: null, head: 0.5, loosens: false },
        { key: "check.allowUnevaluated", base: false, head: true, loosens: true },
      ],
    });
    expect(used).toEqual({ ...own, macroF1: 0.99, accuracy: undefined });
    expect(gateUsed(own, undefined)).toEqual(own);
  });

  it("knows which direction loosens", () => {
    expect(loosens("gate.maxRegression", 0.02, 0.1)).toBe(true);
    expect(loosens("gate.maxRegression", 0.02, 0.01)).toBe(false);
    expect(loosens("gate.macroF1", 0.85, 0.9)).toBe(false);
    expect(loosens("gate.minTestsPerIntent", 3, 1)).toBe(true);
    expect(loosens("gate.accuracy", 0.8, null)).toBe(true);
    expect(loosens("check.allowUnevaluated", false, true)).toBe(true);
  });
});

describe("a PR loosening gate.macroF1 below its result", () => {
  it("Action rule: fails with the base's thresholds, and every report names the proposed change", async () => {
    const { root, baseSha } = loosenedRepo();
    const out = mkdtempSync(join(tmpdir(), "cnlu-thr-out-"));
    const run = resolveRunConfig({ config: join(root, "cognigy-nlu.yml"), out }, {}, root);
    expect(run.config.gate.macroF1).toBe(0.3); // the PR's own file
    const ctx = { eventName: "pull_request", serverUrl: "", apiUrl: "", pullRequest: { number: 4, baseSha, baseRef: "main", fromFork: true } } as GitHubContext;
    const t = await applyTrustedThresholds(run, ctx, { read: (rev) => readBaseConfig(run.root, run.configPath, rev) });
    expect(t?.report.from).toBe("base");
    expect(run.config.gate.macroF1).toBe(0.99);
    expect(run.config.check.allowUnevaluated).toBe(false);
    const report = await runCheck({ ...run, check: { baseRef: baseSha, pr: 4 } }, { logger: new RecordingLogger() });
    expect(report.metrics?.macroF1).toBeGreaterThan(0.3);
    expect(report.metrics?.macroF1).toBeLessThan(0.99);
    expect(report.gate?.passed).toBe(false);
    expect(report.gate?.reasons.join(" ")).toMatch(/macro F1 0\.\d{3} is below the required 0\.990/);
    expect(report.status).toBe("failure");
    expect(report.thresholds).toMatchObject({ from: "base", proposedGatePassed: true });
    expect(report.thresholds?.proposed).toEqual([
      { key: "gate.macroF1", base: 0.99, head: 0.3, loosens: true },
      { key: "check.allowUnevaluated", base: false, head: true, loosens: true },
    ]);
    expectNamed(report);
    expect(renderPrComment(report, { redactor: new Redactor() })).toContain("with the proposed thresholds the gate would pass");
  });

  it("Action rule: not a pull-request event → the config's own thresholds, nothing reported", async () => {
    const { root } = loosenedRepo();
    const run = resolveRunConfig({ config: join(root, "cognigy-nlu.yml"), out: mkdtempSync(join(tmpdir(), "cnlu-thr-out-")) }, {}, root);
    const t = await applyTrustedThresholds(run, { eventName: "push", serverUrl: "", apiUrl: "" } as GitHubContext, { read: () => Promise.reject(new Error("not read")) });
    expect(t).toBeUndefined();
    expect(run.config.gate.macroF1).toBe(0.3);
    expect(run.thresholds).toBeUndefined();
  });

  describe("CLI: check --base-ref", () => {
    afterEach(() => vi.restoreAllMocks());

    async function cli(args: string[]): Promise<{ code: number; out: string }> {
      let out = "";
      vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
        out += String(c);
        return true;
      });
      vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
        out += String(c);
        return true;
      });
      const env = { ...process.env };
      delete env.COGNIGY_API_KEY;
      delete env.GITHUB_EVENT_PATH;
      const code = await main(args, env);
      vi.restoreAllMocks();
      return { code, out };
    }

    it("uses the base's thresholds (exit 1) and names the change; without a readable base, its own", async () => {
      const { root } = loosenedRepo();
      const out = mkdtempSync(join(tmpdir(), "cnlu-thr-cli-"));
      const r = await cli(["check", "--config", join(root, "cognigy-nlu.yml"), "--base-ref", "main", "--out", out]);
      expect(r.code).toBe(1);
      const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
      expect(report.gate?.passed).toBe(false);
      expect(report.thresholds?.proposed[0]).toEqual({ key: "gate.macroF1", base: 0.99, head: 0.3, loosens: true });
      expect(r.out).toContain("Thresholds proposed by this PR, apply after merge: gate.macroF1 0.99 → 0.3 (looser)");
      expectNamed(report);
      // a base that does not exist: the working tree's thresholds, and the report says why
      const out2 = mkdtempSync(join(tmpdir(), "cnlu-thr-cli-"));
      const r2 = await cli(["check", "--config", join(root, "cognigy-nlu.yml"), "--base-ref", "no-such-base", "--out", out2]);
      const report2 = JSON.parse(readFileSync(join(out2, "report.json"), "utf8")) as Report;
      expect(report2.thresholds).toMatchObject({ from: "head", proposed: [] });
      expect(report2.thresholds?.note).toMatch(/the base \(no-such-base\) could not be read/);
      expect(report2.gate?.passed).toBe(true);
      expect(r2.code).toBe(0);
    });
  });
});
