// The validate step of check / release: the loader's findings take the configured severities, once.
import { describe, expect, it } from "vitest";
import { finding } from "../../src/checks/finding.js";
import type { RunConfig } from "../../src/config/options.js";
import type { Config } from "../../src/config/schema.js";
import { RecordingLogger } from "../../src/logger.js";
import { runCheck } from "../../src/pipeline/run.js";
import { validateData } from "../../src/pipeline/validate.js";
import { config, dataset, smallBot } from "./helpers.js";

function withLoaderFindings(cfg: Config) {
  const bot = smallBot();
  const ds = dataset(cfg, bot.intents, bot.tests);
  ds.findings = [
    finding("schema", { file: "training-data/main/intents/a.yml", line: 3, column: 1 }, "unknown key 'exmaples' (did you mean 'examples'?)"),
    finding("yaml", { file: "training-data/main/intents/b.yml", line: 1, column: 1 }, "tab character in indentation"),
  ];
  return ds;
}

function runOf(cfg: Config): RunConfig {
  return { config: cfg, configPath: "/tmp/cognigy-nlu.yml", root: "/tmp", out: "/tmp/out", format: "text", dryRun: false, force: false, debug: false };
}

describe("validateData", () => {
  const base = { minExamples: { error: 1, warning: 1 } };

  it("keeps the loader's findings at their default severity", async () => {
    const cfg = config({ checks: base });
    const v = await validateData(runOf(cfg), withLoaderFindings(cfg));
    expect(v.findings.filter((f) => f.rule === "schema" || f.rule === "yaml").map((f) => [f.rule, f.severity])).toEqual([
      ["schema", "error"],
      ["yaml", "error"],
    ]);
    expect(v.blocking).toBe(2);
  });

  it("a severity override of a loader finding holds (warning, off), each finding once", async () => {
    const cfg = config({ checks: { ...base, rules: { schema: "warning", yaml: "off" } } });
    const v = await validateData(runOf(cfg), withLoaderFindings(cfg));
    const loader = v.findings.filter((f) => f.rule === "schema" || f.rule === "yaml");
    expect(loader.map((f) => [f.rule, f.severity])).toEqual([["schema", "warning"]]);
    expect(v.errors).toBe(0);
    expect(v.blocking).toBe(0);
  });

  it("check mode reports the overridden severity and does not fail on it", async () => {
    const cfg = config({ checks: { ...base, rules: { schema: "warning" } } });
    const report = await runCheck(runOf(cfg), { logger: new RecordingLogger(), dataset: withLoaderFindings(cfg) });
    expect(report.findings.filter((f) => f.rule === "schema").map((f) => f.severity)).toEqual(["warning"]);
    expect(report.findings.filter((f) => f.rule === "yaml").map((f) => f.severity)).toEqual(["error"]);
    expect(report.error?.step).toBe("validate");
    const relaxed = config({ checks: { ...base, rules: { schema: "warning", yaml: "warning" } } });
    const ok = await runCheck(runOf(relaxed), { logger: new RecordingLogger(), dataset: withLoaderFindings(relaxed) });
    expect(ok.status).toBe("success");
    expect(ok.findings.filter((f) => f.rule === "schema" || f.rule === "yaml").map((f) => f.severity)).toEqual(["warning", "warning"]);
  });
});
