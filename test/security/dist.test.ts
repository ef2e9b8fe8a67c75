// The attack suite on the built dist/index.js, as an attacker would try it: a fork's pull_request_target event with the
// key available, the PR's config pointing at a hostile server over plain http, links to files outside the workspace
// committed in the report folder, workflow commands in a sentence, a forged sticky comment — against the emulator, the
// local fake GitHub API and artifact service.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { hasWorkflowCommand } from "../../src/text/untrusted.js";
import { type FakeArtifactService, startFakeArtifactService } from "../fakes/artifact-service.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-api.js";
import { ensureBuilt, gitCommitAsBase, pullRequestEvent, ROOT, runAction } from "../e2e/runner.js";

const API_KEY = "sec-e2e-cognigy-key-77aa88bb99cc";
const GH_TOKEN = "ghs_secE2eGithubToken0987654321";

let temp: string;
let emu: Emulator;
let gh: FakeGitHub;
let art: FakeArtifactService;
let hostile: Server;
let hostileUrl: string;
const hostileSeen: { url: string; key?: string }[] = [];

beforeAll(async () => {
  ensureBuilt();
  temp = mkdtempSync(join(tmpdir(), "cnlu-sec-e2e-"));
  hostile = createServer((req, res) => {
    hostileSeen.push({ url: req.url ?? "", key: req.headers["x-api-key"] as string | undefined });
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((r) => hostile.listen(0, "127.0.0.1", r));
  // The PR's host: a non-loopback name for the same listener would need DNS; plain http to a LAN address is the attack.
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
  gh = await startFakeGitHub({ token: GH_TOKEN });
  art = await startFakeArtifactService();
});

afterAll(async () => {
  await emu?.close();
  await gh?.close();
  await art?.close();
  await new Promise<void>((r) => (hostile ? hostile.close(() => r()) : r()));
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe("a fork's pull_request_target run with the key (dist/index.js)", () => {
  it("gets nothing: no key to the PR's host, no outside file uploaded or written, no forged command, no foreign comment edited", async () => {
    // The base branch (main): the example bot, trusted.
    const ws = join(temp, "ws");
    mkdirSync(ws);
    cpSync(join(ROOT, "training-data"), join(ws, "training-data"), { recursive: true });
    cpSync(join(ROOT, "cognigy-nlu.yml"), join(ws, "cognigy-nlu.yml"));
    emu = await startEmulator({ port: 0, apiKey: API_KEY, seed: loadConfig(join(ws, "cognigy-nlu.yml")).config, rateLimit: 0, taskDelayMs: 20 });
    const cfg = parse(readFileSync(join(ws, "cognigy-nlu.yml"), "utf8")) as { cognigy: Record<string, unknown> };
    cfg.cognigy.baseUrl = emu.url;
    writeFileSync(join(ws, "cognigy-nlu.yml"), stringify(cfg));
    gitCommitAsBase(ws);

    // The fork's head: its config sends the key to the attacker's server, links exfiltrate and overwrite, a sentence
    // tries to switch workflow commands off and forge an error.
    cfg.cognigy.baseUrl = hostileUrl;
    // The PR turns the rule off that would stop its sentences at validation, so the run goes on to talk to Cognigy.
    (cfg as Record<string, unknown>).checks = { ...((cfg as Record<string, unknown>).checks as object), rules: { "invisible-chars": "off" } };
    writeFileSync(join(ws, "cognigy-nlu.yml"), stringify(cfg));
    const secretDir = join(temp, "home");
    mkdirSync(secretDir);
    writeFileSync(join(secretDir, "id_rsa"), "PRIVATE KEY MATERIAL\n");
    const out = join(ws, "cognigy-nlu-report");
    mkdirSync(out);
    symlinkSync(secretDir, join(out, "loot"));
    symlinkSync(join(secretDir, "id_rsa"), join(out, "report.md"));
    const intentFile = join(ws, "training-data/main/intents/greeting.yml");
    const intent = parse(readFileSync(intentFile, "utf8")) as { examples: Record<string, string[]> };
    intent.examples["en-US"].push("hello there friend\n::stop-commands::pwned", "good day\r##[error]forged failure");
    writeFileSync(intentFile, stringify(intent));
    // A comment by the attacker carrying the marker.
    const bait = gh.seedComment(9, "<!-- cognigy-nlu:sticky:nlu:check -->\nforged verdict", "mallory");

    const r = await runAction({
      cwd: ws,
      temp,
      inputs: { mode: "check", "api-key": API_KEY, "github-token": GH_TOKEN, "rate-limit": "0" },
      event: { name: "pull_request_target", payload: pullRequestEvent({ number: 9, fork: true }) },
      env: { GITHUB_API_URL: gh.url, ACTIONS_RUNTIME_TOKEN: art.tokenForRun(1), ACTIONS_RESULTS_URL: `${art.url}/`, GITHUB_EVENT_NAME: "pull_request_target" },
      timeoutMs: 120_000,
    });
    const log = `${r.stdout}\n${r.stderr}`;

    // The key never went to the PR's host: the trusted (base branch) host got the work.
    expect(hostileSeen, log).toEqual([]);
    expect(r.outputs["plan-summary"] ?? "", log).not.toBe("");
    expect(log).toMatch(/from the base branch's config \(trusted\)/);
    // No file outside the output folder in the artifact; the outside file is untouched.
    const uploaded = [...art.files("cognigy-nlu-report").keys()];
    expect(uploaded.length, log).toBeGreaterThan(0);
    expect(uploaded.some((f) => f.startsWith("loot"))).toBe(false);
    for (const b of art.files("cognigy-nlu-report").values()) expect(b.toString("utf8")).not.toContain("PRIVATE KEY");
    expect(readFileSync(join(secretDir, "id_rsa"), "utf8")).toBe("PRIVATE KEY MATERIAL\n");
    // No forged workflow command: every line starting a command is one the Action wrote (annotations, masks, groups).
    const commands = r.stdout.split(/\r\n|\r|\n/).filter((l) => hasWorkflowCommand(l));
    expect(commands.filter((l) => /^\s*(?:::stop-commands|##\[)/.test(l))).toEqual([]);
    // The run did plan against the trusted host (the emulator), with the PR's data.
    expect(r.stdout).toMatch(/flow Main: intents \+16/);
    // The attacker's comment is untouched; the Action's own comment is separate.
    expect(gh.comments.get(9)!.find((c) => c.id === bait.id)!.body).toBe("<!-- cognigy-nlu:sticky:nlu:check -->\nforged verdict");
  });
});
