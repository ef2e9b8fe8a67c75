// The CLI layer: per-command help from the table, did-you-mean, one line per error, exit codes (2 usage/setup, 1 a
// failure once work started), and retries that say what they wait for. In-process main() against the emulator.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHelp, parseCommandLine } from "../../src/cli/args.js";
import { COMMANDS, GLOBAL_FLAGS } from "../../src/cli/commands.js";
import { type CliRun, runMain } from "../cli-main.js";
import { CognigyApiError } from "../../src/cognigy/errors.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { fakeClock, json, KEY as CLIENT_KEY, makeClient, startServer } from "../cognigy/helpers.js";

const KEY = "cli-layer-key-5e6f7a8b";
let dir: string;
let emu: Emulator;
const cwd = process.cwd();

function cli(args: string[], env: NodeJS.ProcessEnv = { COGNIGY_API_KEY: KEY }): Promise<CliRun> {
  return runMain(args, { PATH: process.env.PATH, ...env });
}

const count = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cnlu-cli-layer-"));
  mkdirSync(join(dir, "training-data/main/intents"), { recursive: true });
  for (const [name, words] of [
    ["Greet", ["hello there", "hi friend", "good morning", "hey you", "greetings all"]],
    ["Bye", ["goodbye now", "see you later", "bye for now", "farewell friend", "catch you later"]],
  ] as const) {
    writeFileSync(join(dir, `training-data/main/intents/${name}.yml`), `intent: ${name}\nexamples:\n${words.map((w) => `  - ${w}\n`).join("")}tests:\n  - ${words[0]} again\n`);
  }
  writeFileSync(
    join(dir, "cognigy-nlu.yml"),
    "cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Layer Bot\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\nchecks:\n  minExamples: { error: 1, warning: 1 }\n",
  );
  emu = await startEmulator({ port: 0, apiKey: KEY, seed: (await import("../../src/config/load.js")).loadConfig(join(dir, "cognigy-nlu.yml")).config, rateLimit: 0, taskDelayMs: 10 });
  process.chdir(dir);
});

afterAll(async () => {
  process.chdir(cwd);
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("help from the command table", () => {
  it.each(Object.keys(COMMANDS).filter((c) => c !== "help"))("%s: --help and help <command> show its own flags, defaults and an example", async (name) => {
    const spec = COMMANDS[name];
    const a = await cli([name, "--help"]);
    expect(a.code).toBe(0);
    expect(a.err).toBe("");
    expect(a.out.split("\n")[0]).toBe(`cognigy-nlu ${name}: ${spec.summary}`);
    for (const [flag, f] of Object.entries({ ...spec.flags, ...GLOBAL_FLAGS })) {
      const line = a.out.split("\n").find((l) => new RegExp(`--${flag}\\b`).test(l) && l.trimStart().startsWith("-"));
      expect(line, `--${flag} in ${name} --help`).toBeDefined();
      if (f.default !== undefined) expect(a.out).toContain(`default: ${f.default}`);
    }
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const ex of spec.examples) expect(a.out).toContain(`  ${ex}`);
    // help <command> is the same text
    expect((await cli(["help", name])).out).toBe(a.out);
  });

  it("a command's help lists only its own flags", () => {
    const emulatorHelp = commandHelp("emulator");
    for (const f of ["--port", "--seed", "--faults", "--dialect"]) expect(emulatorHelp).toContain(f);
    expect(emulatorHelp).not.toContain("--base-url");
    expect(commandHelp("plan")).not.toContain("--port");
    expect(commandHelp("check")).toMatch(/--base-ref REF[\s\S]*--estimate[\s\S]*--preview-name NAME[\s\S]*--prepare/);
    expect(commandHelp("init")).toMatch(/--flow NAME….*repeatable/);
    expect(commandHelp("validate")).toContain("--update-baseline");
    expect(commandHelp("pull")).toContain("--holdout SHARE");
    expect(commandHelp("emulator")).toContain("localeReference | localeId");
  });

  it("the usage lists every command; --version prints the version", async () => {
    const u = await cli(["--help"]);
    expect(u.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(u.out).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.err.split("\n")[0]).toBe("error: no command given");
    expect((await cli(["--version"])).out).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});

describe("usage errors: one line, a did-you-mean, exit 2", () => {
  it.each([
    [["emulatr"], "error: unknown command \"emulatr\"; did you mean emulator? (cognigy-nlu help lists the commands)"],
    [["help", "valdate"], 'error: help: unknown command "valdate"; did you mean validate?'],
    [["emulator", "--prot", "8080"], 'error: emulator: unknown flag "--prot"; did you mean --port? (cognigy-nlu emulator --help lists its flags)'],
    [["plan", "--port", "1"], 'error: plan: unknown flag "--port"; it is a flag of emulator (cognigy-nlu plan --help lists its flags)'],
    [["plan", "--out"], "error: plan: --out needs a value (--out DIR)"],
    [["plan", "--out", "--debug"], "error: plan: --out needs a value (--out DIR), got the flag --debug"],
    [["plan", "--format", "jsn"], 'error: plan: --format must be text, json or github, got "jsn"; did you mean json?'],
    [["sync", "--force=yes"], 'error: sync: --force is a switch and takes no value (got "--force=yes")'],
    [["plan", "extra"], 'error: plan takes no arguments, got "extra" (cognigy-nlu plan --help shows its usage)'],
    [["emulator", "--dialect", "localeid"], 'error: emulator: --dialect must be localeReference or localeId, got "localeid"; did you mean localeId?'],
  ])("%j", async (args, line) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(`${line}\n`);
    expect(r.err).not.toMatch(/To specify a positional argument|ERR_PARSE_ARGS/);
  });

  it("parses lists, switches and short flags into the command's values", () => {
    const p = parseCommandLine(["init", "--flow", "Main", "-c", "x.yml", "--flow", "FAQ", "--force"]);
    expect(p).toMatchObject({ kind: "run", command: "init", values: { flow: ["Main", "FAQ"], config: "x.yml", force: true }, positionals: [] });
    expect(parseCommandLine(["report", "merge", "a.json", "b.json", "-o", "m"])).toMatchObject({ kind: "run", positionals: ["merge", "a.json", "b.json"], values: { out: "m" } });
    expect(parseCommandLine(["plan", "-h"])).toEqual({ kind: "help", command: "plan" });
  });
});

describe("errors are printed once, with the exit code of their kind", () => {
  it("a missing key: one line, exit 2", async () => {
    const r = await cli(["plan", "--base-url", emu.url], {});
    expect(r.code).toBe(2);
    expect(count(r.out + r.err, "no Cognigy API key")).toBe(1);
    expect(count(r.out + r.err, "hint:")).toBe(1);
  });

  it("a wrong project: one line, exit 2", async () => {
    const r = await cli(["plan", "--base-url", emu.url, "--rate-limit", "0", "--project", "Nope"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(count(r.out + r.err, "project 'Nope' not found")).toBe(1);
  });

  it("a wrong key: the 401 once, exit 2 (nothing was done in Cognigy)", async () => {
    const r = await cli(["release", "--base-url", emu.url, "--rate-limit", "0", "--out", join(dir, "o-wrong")], { COGNIGY_API_KEY: "wrong-key-1234abcd" });
    expect(r.code).toBe(2);
    expect(count(r.out + r.err, "HTTP 401")).toBe(1);
    expect(r.out + r.err).toMatch(/release failed at plan: Cognigy GET \/projects failed: HTTP 401/);
    expect(r.out + r.err).not.toContain("wrong-key-1234abcd");
  });

  it("a host that never answers: retries say what they wait for, then exit 2 in seconds", async () => {
    const srv = await startServer();
    const url = srv.url;
    await srv.close(); // nothing listens there now
    const r = await cli(["plan", "--base-url", url, "--rate-limit", "0", "--out", join(dir, "o-down")]);
    expect(r.code).toBe(2);
    const waits = r.out.split("\n").filter((l) => l.includes(`Cognigy at ${url} not reachable (ECONNREFUSED) — retry`));
    expect(waits.map((l) => l.replace(/in [\d.]+ s/, "in N s").trim())).toEqual([
      `Cognigy at ${url} not reachable (ECONNREFUSED) — retry 1/2 in N s`,
      `Cognigy at ${url} not reachable (ECONNREFUSED) — retry 2/2 in N s`,
    ]);
    expect(count(r.out + r.err, "failed: network error")).toBe(1);
  });

  it("a failure once the work started exits 1 (the gate)", async () => {
    writeFileSync(join(dir, "strict.yml"), `${(await import("node:fs")).readFileSync(join(dir, "cognigy-nlu.yml"), "utf8")}gate:\n  minTestsPerIntent: 5\n`);
    const r = await cli(["release", "--config", "strict.yml", "--base-url", emu.url, "--rate-limit", "0", "--out", join(dir, "o-gate")]);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/gate/);
  });
});

describe("the transport: first contact vs a host lost mid-run", () => {
  it("unreachable before any answer: 2 retries, logged with what they wait for, a setup error (exit 2)", async () => {
    const srv = await startServer();
    await srv.close();
    const { client, clock, logger } = makeClient(srv.url, { maxRetries: 5 });
    const e = (await client.listProjects().catch((x) => x)) as CognigyApiError;
    expect(e).toBeInstanceOf(CognigyApiError);
    expect(clock.sleeps).toHaveLength(2);
    expect(e.setup).toBe(true);
    expect(e.exitCode).toBe(2);
    expect(logger.lines.filter((l) => l.level === "info" && /not reachable \(ECONNREFUSED\) — retry \d\/2 in [\d.]+ s/.test(l.message))).toHaveLength(2);
  });

  it("lost after work started: every retry, logged, then a step failure (exit 1)", async () => {
    const srv = await startServer((_q, res) => json(res, 200, { items: [{ _id: "p1", name: "P" }], total: 1 }));
    const clock = fakeClock();
    const { client, logger } = makeClient(srv.url, { maxRetries: 3, now: clock.now, sleep: clock.sleep });
    await client.listProjects();
    await srv.close();
    const e = (await client.listProjects().catch((x) => x)) as CognigyApiError;
    expect(e).toBeInstanceOf(CognigyApiError);
    expect(clock.sleeps).toHaveLength(3);
    expect(e.setup).toBe(false);
    expect(e.exitCode).toBe(1);
    expect(logger.lines.filter((l) => l.level === "info" && /retry \d\/3 in/.test(l.message))).toHaveLength(3);
    expect(e.message).not.toContain(CLIENT_KEY);
  });

  it("a 401 on the first request is a setup error; a 401 after work started is not", async () => {
    let n = 0;
    const srv = await startServer((_q, res) => (++n === 1 ? json(res, 200, { items: [], total: 0 }) : json(res, 401, { title: "Unauthorized", status: 401, detail: "expired" })));
    const { client } = makeClient(srv.url);
    await client.listProjects();
    const late = (await client.listProjects().catch((x) => x)) as CognigyApiError;
    expect([late.status, late.setup, late.exitCode]).toEqual([401, false, 1]);
    const first = (await makeClient(srv.url).client.listProjects().catch((x) => x)) as CognigyApiError;
    expect([first.status, first.setup, first.exitCode]).toEqual([401, true, 2]);
    await srv.close();
  });
});
