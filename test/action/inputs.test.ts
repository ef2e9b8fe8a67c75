// Parsing the Action's inputs: defaults mirrored from action.yml, typed values, errors that name the input.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INPUT_DEFAULTS, INPUT_NAMES, parseInputs, type RawInputs, readRawInputs } from "../../src/action/inputs.js";
import { ConfigError } from "../../src/errors.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cnlu-inputs-"));
  writeFileSync(
    join(dir, "cognigy-nlu.yml"),
    "cognigy:\n  baseUrl: https://api-trial.cognigy.ai\n  project: Pizza Bot\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\n  - name: Other\n    dir: training-data/other\n    locales: { en-US: en-US }\n    defaultLocale: en-US\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Inputs as the runner would set them: INPUT_<NAME> with the dash kept, read through the same reader. */
function raw(given: Record<string, string>): RawInputs {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(given)) env[`INPUT_${k.toUpperCase()}`] = v;
  return readRawInputs((name) => env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "");
}

function parseErr(given: Record<string, string>, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseInputs(raw(given), env, dir);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("action inputs", () => {
  it("mirrors every input and default of action.yml", () => {
    const yml = parse(readFileSync(join(import.meta.dirname, "../../action.yml"), "utf8")) as { inputs: Record<string, { default?: string; description?: string }> };
    expect(Object.keys(yml.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const name of INPUT_NAMES) {
      expect(yml.inputs[name].description, name).toBeTruthy();
      expect(String(yml.inputs[name].default ?? ""), name).toBe(INPUT_DEFAULTS[name]);
    }
  });

  it("applies the defaults when nothing is given (a local run)", () => {
    const { action, run } = parseInputs(raw({}), {}, dir);
    expect(action).toMatchObject({ mode: "check", comment: "on", failOn: "error", artifactName: "cognigy-nlu-report", dryRun: false, apiKey: undefined, githubToken: undefined });
    expect(run.out).toBe(join(dir, "cognigy-nlu-report"));
    expect(run.apiKey).toBeUndefined();
    expect(run.config.flows.map((f) => f.name)).toEqual(["Main", "Other"]);
  });

  it("parses every typed input into ActionConfig and RunConfig", () => {
    const { action, run } = parseInputs(
      raw({
        mode: "release",
        "api-key": "key-from-input",
        "base-url": "http://127.0.0.1:9999/",
        project: "Other Bot",
        flows: "Main",
        "github-token": "ghs_x",
        comment: "on-failure",
        "fail-on": "warning",
        baseline: "artifact",
        "webhook-url": "https://hooks.example.com/x",
        "webhook-secret": "whsec",
        "webhook-required": "true",
        "retention-days": "14",
        shard: "2/4",
        prepare: "true",
        "rate-limit": "0",
        out: "reports",
        "dry-run": "TRUE",
      }),
      { GITHUB_SHA: "abc123", COGNIGY_API_KEY: "env-key" },
      dir,
    );
    expect(action).toMatchObject({
      mode: "release",
      apiKey: "key-from-input",
      githubToken: "ghs_x",
      comment: "on-failure",
      failOn: "warning",
      baseline: { kind: "artifact" },
      webhook: { url: "https://hooks.example.com/x", secret: "whsec", required: true },
      retentionDays: 14,
      shard: "2/4",
      prepare: true,
      dryRun: true,
    });
    expect(run).toMatchObject({ apiKey: "key-from-input", commit: "abc123", dryRun: true, shard: { index: 2, count: 4 }, baseline: undefined, out: join(dir, "reports") });
    expect(run.config.cognigy).toMatchObject({ baseUrl: "http://127.0.0.1:9999", project: "Other Bot", rateLimit: 0 });
    expect(run.config.flows.map((f) => f.name)).toEqual(["Main"]);
  });

  it("takes the api key from COGNIGY_API_KEY when the input is empty, and a baseline path", () => {
    const { action, run } = parseInputs(raw({ baseline: "prev/report.json" }), { COGNIGY_API_KEY: "env-key" }, dir);
    expect(action.apiKey).toBe("env-key");
    expect(run.apiKey).toBe("env-key");
    expect(run.baseline).toBe("prev/report.json");
  });

  it.each([
    [{ mode: "deploy" }, /input 'mode': expected check, release, backup or validate, got 'deploy'/],
    [{ comment: "yes" }, /input 'comment': expected on, off or on-failure/],
    [{ "fail-on": "info" }, /input 'fail-on': expected error, warning or never/],
    [{ "dry-run": "yes" }, /input 'dry-run': expected true or false, got 'yes'/],
    [{ "retention-days": "401" }, /input 'retention-days': expected a whole number of days from 1 to 400/],
    [{ "s3-uri": "https://bucket" }, /input 's3-uri': expected s3:\/\/bucket\/prefix/],
    [{ "webhook-url": "ftp://user:pw@example.com/x" }, /input 'webhook-url': expected an http\(s\) URL, got a 'ftp:' URL/],
    [{ "webhook-url": "javascript:alert(1)" }, /input 'webhook-url'/],
    [{ "webhook-secret": "s3cr3t" }, /input 'webhook-secret': given without 'webhook-url'/],
    [{ "artifact-name": "a/b" }, /input 'artifact-name'/],
    [{ "rate-limit": "lots" }, /input 'rate-limit': expected a number/],
    [{ "base-url": "file:///etc/passwd" }, /input 'base-url': expected an http\(s\) URL/],
    [{ shard: "5/4" }, /input 'shard': expected i\/n/],
    [{ flows: "Nope" }, /input 'flows': Nope not in/],
    [{ config: "missing.yml" }, /input 'config': missing\.yml: cannot read the config file/],
  ])("%j is an error naming the input", (given, re) => {
    expect(parseErr(given as Record<string, string>).message).toMatch(re);
  });

  it("never echoes a webhook URL (it may carry a token) in its error", () => {
    const e = parseErr({ "webhook-url": "ftp://user:tok3n@example.com/x" });
    expect(e.message).not.toContain("tok3n");
  });

  it("drops an unevaluated token expression (a local run has no github.token)", () => {
    expect(parseInputs(raw({}), {}, dir).action.githubToken).toBeUndefined();
  });
});
