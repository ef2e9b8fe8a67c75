// The pipeline commands through the CLI entry (in-process), on a small bot written as YAML files, against the emulator.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runMain } from "../cli-main.js";
import { CognigyClient } from "../../src/cognigy/client.js";
import { loadConfig } from "../../src/config/load.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import type { Report } from "../../src/report/types.js";
import { smallBot } from "./helpers.js";

const KEY = "cli-pipeline-key-90ab12cd";
let dir: string;
let emu: Emulator;
const cwd = process.cwd();

function writeBot(root: string): void {
  const bot = smallBot(4, 8, 3);
  const q = (s: string) => JSON.stringify(s);
  mkdirSync(join(root, "training-data/main/intents"), { recursive: true });
  mkdirSync(join(root, "training-data/main/tests"), { recursive: true });
  for (const i of bot.intents) {
    const ex = i.examples["en-US"].map((u) => `  - ${q(u.text)}\n`).join("");
    const ts = i.tests["en-US"].map((u) => `  - ${q(u.text)}\n`).join("");
    writeFileSync(join(root, `training-data/main/intents/${i.name}.yml`), `intent: ${i.name}\nexamples:\n${ex}tests:\n${ts}`);
  }
  writeFileSync(join(root, "training-data/main/tests/oos.yml"), bot.tests.map((t) => `- text: ${q(t.text)}\n  expect: null\n`).join(""));
  writeFileSync(
    join(root, "cognigy-nlu.yml"),
    `cognigy:
  baseUrl: http://127.0.0.1:9
  project: CLI Bot
flows:
  - name: Main
    dir: training-data/main
    locales: { en-US: en-US }
    defaultLocale: en-US
checks:
  minExamples: { error: 1, warning: 1 }
gate:
  macroF1: 0.5
  macroPrecision: 0.5
  minIntentF1: 0
  minTestsPerIntent: 1
`,
  );
}

function cli(args: string[]): Promise<CliRun> {
  // `report merge` reads files only: it takes no connection flags
  const connect = args[0] === "report" ? [] : ["--base-url", emu.url, "--rate-limit", "0"];
  return runMain([...args, ...connect], { ...process.env, COGNIGY_API_KEY: KEY });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cnlu-cli-"));
  writeBot(dir);
  // a git checkout: check reads its base's data (drift is production against it) with git
  const g = (...a: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...a], { cwd: dir, stdio: "ignore" });
  g("init", "-q");
  g("add", "-A");
  g("commit", "-qm", "base");
  emu = await startEmulator({ port: 0, apiKey: KEY, seed: loadConfig(join(dir, "cognigy-nlu.yml")).config, rateLimit: 0, taskDelayMs: 10 });
  process.chdir(dir);
});

afterAll(async () => {
  process.chdir(cwd);
  await emu.close();
});

describe("pipeline commands", () => {
  it("plan --format json prints the plan JSON and writes plan.json; release passes and never prints the key", async () => {
    const plan = await cli(["plan", "--format", "json", "--out", join(dir, "p1")]);
    expect(plan.code).toBe(0);
    const p = JSON.parse(plan.out);
    expect(p.totals.createIntents).toBe(4);
    expect(JSON.parse(readFileSync(join(dir, "p1", "plan.json"), "utf8"))).toEqual(p);
    const rel = await cli(["release", "--out", join(dir, "r1")]);
    expect(rel.err).toBe("");
    expect(rel.code).toBe(0);
    expect(rel.out).toMatch(/✓ release passed/);
    const written = readFileSync(join(dir, "r1", "report.json"), "utf8");
    expect(`${rel.out}${rel.err}${written}`).not.toContain(KEY);
    // machine names survive the writers' PII masking
    expect((JSON.parse(written) as Report).promotion?.snapshotName).toMatch(/^cognigy-nlu-[a-z0-9-]+-\d{8}T\d{4}$/);
    const again = await cli(["plan", "--format", "json", "--out", join(dir, "p2")]);
    expect(JSON.parse(again.out).empty).toBe(true);
  });

  it("evaluate --shard writes shard reports that report merge combines; a strict gate exits 1", async () => {
    for (const i of [1, 2]) expect((await cli(["evaluate", "--shard", `${i}/2`, "--out", join(dir, `s${i}`)])).code).toBe(0);
    const merged = await cli(["report", "merge", join(dir, "s1", "report.json"), join(dir, "s2", "report.json"), "--out", join(dir, "m")]);
    expect(merged.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, "m", "report.json"), "utf8")) as Report;
    expect(m.metrics?.total).toBe(14);
    expect(m.gate?.passed).toBe(true);
    const whole = await cli(["evaluate", "--out", join(dir, "w")]);
    const w = JSON.parse(readFileSync(join(dir, "w", "report.json"), "utf8")) as Report;
    expect(whole.code).toBe(0);
    expect(m.metrics?.macroF1).toBe(w.metrics?.macroF1);
    writeFileSync(join(dir, "strict.yml"), readFileSync(join(dir, "cognigy-nlu.yml"), "utf8").replace("macroF1: 0.5", "macroF1: 1").replace("minTestsPerIntent: 1", "minTestsPerIntent: 9"));
    const strict = await cli(["evaluate", "--config", join(dir, "strict.yml"), "--out", join(dir, "x")]);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/gate: FAILED/);
    expect(strict.out).toMatch(/intent IntentA has 3 test utterances, at least 9 required/);
  });

  it("check shows drift and exits 1 on it with --fail-on-drift", async () => {
    expect((await cli(["check", "--base-ref", "HEAD", "--fail-on-drift", "--out", join(dir, "c0")])).code).toBe(0);
    const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0 });
    const project = await client.resolveProject("CLI Bot");
    const flow = (await client.listFlows(project._id))[0];
    const locale = (await client.listLocales(project._id))[0];
    const intent = (await client.listIntents(flow._id)).find((i) => i.name === "IntentC");
    await client.batchSentences(flow._id, intent?._id as string, [{ op: "create", value: { text: "which gate for the night flight", localeId: locale._id } }]);
    const check = await cli(["check", "--base-ref", "HEAD", "--out", join(dir, "c1")]);
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/drift: 1 sentence\(s\) added in Cognigy and not in git/);
    expect(readFileSync(join(dir, "c1", "report.md"), "utf8")).toContain("| Main | IntentC | en-US | added | which gate for the night flight |");
    const strict = await cli(["check", "--base-ref", "HEAD", "--fail-on-drift", "--out", join(dir, "c2")]);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/fail-on-drift/);
  });
});
