// The attack suite (issue #11): each finding as a reproduction, against the real modules and local fakes. Every test
// here failed on the code before the fix (see docs/security.md for the list and figures). No wall-clock assertion:
// speed is in bench/security.bench.ts as a size-doubling ratio.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles, uploadReportArtifact } from "../../src/action/artifacts.js";
import { downloadBaseline } from "../../src/action/baseline.js";
import type { GitHubContext } from "../../src/action/context.js";
import { actionLogger } from "../../src/action/logger.js";
import { upsertStickyComment } from "../../src/action/sticky-comment.js";
import { applyTrustedConfig } from "../../src/action/trust.js";
import { parseInputs, readRawInputs } from "../../src/action/inputs.js";
import { findPii } from "../../src/checks/pii.js";
import { DownloadLimitError } from "../../src/cognigy/download.js";
import { loadConfig } from "../../src/config/load.js";
import { resolveRunConfig } from "../../src/config/options.js";
import { prepareFreshDir, safeWriteFile, UnsafePathError } from "../../src/io/safe-fs.js";
import { consoleLogger } from "../../src/logger.js";
import { gateLines, metricsLines, planLines } from "../../src/pipeline/console.js";
import { prBody } from "../../src/pipeline/harvest/render.js";
import { selectCandidates } from "../../src/pipeline/harvest/select.js";
import { driftMarkdown } from "../../src/report/drift-markdown.js";
import { Redactor } from "../../src/report/redact.js";
import type { Metrics, Plan } from "../../src/report/types.js";
import { writeReportFiles } from "../../src/report/write.js";
import { hasWorkflowCommand } from "../../src/text/untrusted.js";
import { makeClient } from "../cognigy/helpers.js";
import { type FakeArtifactService, startFakeArtifactService } from "../fakes/artifact-service.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-api.js";
import { sampleReport } from "../report/helpers.js";
import { makeZip } from "../fakes/zip.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "cnlu-sec-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder outside the workspace with a file an attacker wants (stands in for ~ or /etc). */
function outside(name: string): { dir: string; file: string } {
  const dir = join(tmp, `outside-${name}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "id_rsa");
  writeFileSync(file, "PRIVATE KEY MATERIAL\n");
  return { dir, file };
}

function workspace(name: string): string {
  const ws = join(tmp, `ws-${name}`);
  mkdirSync(ws, { recursive: true });
  return ws;
}

describe("artifact exfiltration and writes through links", () => {
  it("A1: a committed link in the report folder (loot -> ~) is never uploaded", async () => {
    const home = outside("a1");
    const ws = workspace("a1");
    const out = join(ws, "cognigy-nlu-report");
    mkdirSync(out);
    symlinkSync(home.dir, join(out, "loot"));
    writeFileSync(join(out, "committed.txt"), "a file the PR committed, not written by the run");
    await prepareFreshDir(out, ws);
    await writeReportFiles(sampleReport(), out);
    const files = (await listFiles(out)).map((f) => f.slice(out.length + 1)).sort();
    expect(files).toEqual(["report.html", "report.json", "report.md"]);
  });

  it("A1 (upload): the fake artifact service receives only the run's own files, even with a link planted after the writes", async () => {
    const home = outside("a1u");
    const ws = workspace("a1u");
    const out = join(ws, "cognigy-nlu-report");
    await prepareFreshDir(out, ws);
    await writeReportFiles(sampleReport(), out);
    symlinkSync(home.dir, join(out, "loot"));
    symlinkSync(home.file, join(out, "key.txt"));
    const svc: FakeArtifactService = await startFakeArtifactService();
    const saved = { ...process.env };
    try {
      const env = { ACTIONS_RUNTIME_TOKEN: svc.runtimeToken, ACTIONS_RESULTS_URL: `${svc.url}/`, GITHUB_SERVER_URL: "https://github.com" };
      Object.assign(process.env, env);
      const r = await uploadReportArtifact({ name: "sec-a1", dir: out, env });
      expect(r.files).toBe(3);
      const names = [...svc.files("sec-a1").keys()].sort();
      expect(names).toEqual(["report.html", "report.json", "report.md"]);
      for (const b of svc.files("sec-a1").values()) expect(b.toString()).not.toContain("PRIVATE KEY");
    } finally {
      process.env = saved;
      await svc.close();
    }
  });

  it("A2: a committed report.md -> <file outside> is not overwritten (the folder is created fresh; a write refuses links)", async () => {
    const victim = outside("a2");
    const ws = workspace("a2");
    const out = join(ws, "cognigy-nlu-report");
    mkdirSync(out);
    symlinkSync(victim.file, join(out, "report.md"));
    // Without the fresh folder, the write itself refuses the link.
    await expect(writeReportFiles(sampleReport(), out)).rejects.toBeInstanceOf(UnsafePathError);
    expect(readFileSync(victim.file, "utf8")).toBe("PRIVATE KEY MATERIAL\n");
    await prepareFreshDir(out, ws);
    await writeReportFiles(sampleReport(), out);
    expect(readFileSync(victim.file, "utf8")).toBe("PRIVATE KEY MATERIAL\n");
  });

  it("A3: the report folder itself committed as a link to a folder outside: replaced by a fresh folder, the target untouched", async () => {
    const victim = outside("a3");
    const ws = workspace("a3");
    const out = join(ws, "cognigy-nlu-report");
    symlinkSync(victim.dir, out);
    await prepareFreshDir(out, ws);
    await writeReportFiles(sampleReport(), out);
    expect(readFileSync(victim.file, "utf8")).toBe("PRIVATE KEY MATERIAL\n");
    expect(() => readFileSync(join(victim.dir, "report.md"))).toThrow();
  });

  it("A4: pull's write through a symlinked intent file or intents folder is refused; nothing outside changes", async () => {
    const victim = outside("a4");
    const ws = workspace("a4");
    mkdirSync(join(ws, "training-data", "main"), { recursive: true });
    symlinkSync(victim.dir, join(ws, "training-data", "main", "intents"));
    await expect(safeWriteFile(ws, join(ws, "training-data/main/intents/greeting.yml"), "intent: x\n")).rejects.toBeInstanceOf(UnsafePathError);
    mkdirSync(join(ws, "training-data", "other", "intents"), { recursive: true });
    symlinkSync(victim.file, join(ws, "training-data", "other", "intents", "a.yml"));
    await expect(safeWriteFile(ws, join(ws, "training-data/other/intents/a.yml"), "intent: x\n")).rejects.toBeInstanceOf(UnsafePathError);
    await expect(safeWriteFile(ws, join(ws, "../escape.yml"), "x")).rejects.toBeInstanceOf(UnsafePathError);
    expect(readFileSync(victim.file, "utf8")).toBe("PRIVATE KEY MATERIAL\n");
  });

  it("A5: a config file linking out of the repository is not read, and the target's keys are not echoed", () => {
    const dir = join(tmp, "outside-a5");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "secrets.yml"), "AWS_SECRET_ACCESS_KEY_NAME: 1\nprod_db_password: 2\n");
    const ws = workspace("a5");
    symlinkSync(join(dir, "secrets.yml"), join(ws, "cognigy-nlu.yml"));
    let msg = "";
    try {
      loadConfig("cognigy-nlu.yml", ws);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/symbolic link to a file outside the repository/);
    expect(msg).not.toMatch(/AWS_SECRET|prod_db_password/);
  });
});

describe("workflow-command injection in the log", () => {
  const hostile = ["hi\n::stop-commands::tok", "x\r::error file=a.yml::forged", "  ##[error]forged", "::add-mask::nothing", "ok\r\n  ::warning::w"];
  const plan: Plan = {
    empty: false,
    flows: [
      {
        flow: "Main",
        createIntents: [],
        updateIntents: [],
        deleteIntents: [{ intent: "::error::Intent" } as never],
        addSentences: hostile.map((text) => ({ intent: "Greet\n::stop-commands::x", locale: "en-US", text })),
        removeSentences: [],
        unchanged: 0,
      } as never,
    ],
  } as unknown as Plan;

  function captureCore() {
    const lines: string[] = [];
    const push = (m: string) => lines.push(...m.split(/\r\n|\r|\n/));
    return { lines, core: { debug: push, info: push, warning: push, error: push, startGroup: push, endGroup: () => {} } };
  }

  it("A6: plan, metric and gate lines carrying data never start a workflow command (Action logger)", () => {
    const { lines, core } = captureCore();
    const log = actionLogger(core as never, (s) => s);
    for (const l of planLines(plan)) log.info(l);
    const metrics = {
      total: 3,
      accuracy: 1,
      macroF1: 1,
      macroPrecision: 1,
      macroRecall: 1,
      weightedF1: 1,
      latencyMs: { p50: 1, p95: 2 },
      perIntent: { "::error::x": { f1: 0.5, precision: 0.5, recall: 0.5, support: 1 } },
      confusions: [{ expected: "a", predicted: "b", count: 1, examples: ["\n::stop-commands::zz"] }],
    } as unknown as Metrics;
    for (const l of metricsLines(metrics)) log.info(l);
    for (const l of gateLines({ passed: false, checks: [], reasons: ["intent x\n##[error]forged"] } as never)) log.warn(l);
    log.error("Cognigy said: \n::error::from the server");
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(hasWorkflowCommand(l), l).toBe(false);
  });

  it("A6 (CLI): the console logger escapes the same lines when the CLI runs inside a workflow step", () => {
    let text = "";
    const stream = {
      write: (s: string) => {
        text += s;
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    const log = consoleLogger({ stream });
    for (const l of planLines(plan)) log.info(l);
    for (const h of hostile) log.warn(h);
    expect(hasWorkflowCommand(text)).toBe(false);
    expect(text).toContain("stop-commands"); // shown, harmlessly
  });
});

describe("the key and the Cognigy host on pull requests", () => {
  const ctx = (fork: boolean): GitHubContext => ({
    eventName: "pull_request_target",
    repository: "acme/bot",
    owner: "acme",
    repo: "bot",
    serverUrl: "https://github.com",
    apiUrl: "https://api.github.com",
    pullRequest: { number: 5, fromFork: fork, baseSha: "b".repeat(40), baseRef: "main", headRepo: "mallory/bot", baseRepo: "acme/bot" },
  });
  const trusted = "cognigy:\n  baseUrl: https://api-trial.cognigy.ai\n  project: Pizza Bot\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\n";
  const prConfig = trusted.replace("https://api-trial.cognigy.ai", "https://collector.attacker.example").replace("Pizza Bot", "Other").replace("name: Main", "name: Main");

  function prWorkspace(name: string): string {
    const ws = workspace(name);
    writeFileSync(join(ws, "cognigy-nlu.yml"), prConfig);
    mkdirSync(join(ws, "training-data", "main", "intents"), { recursive: true });
    return ws;
  }

  it("A7: with a key on a fork PR, host and project come from the base branch's config, not the PR's", async () => {
    const ws = prWorkspace("a7");
    const raw = readRawInputs((n) => ({ "api-key": "cognigy-key-abcdef123456" })[n] ?? "");
    const { action, run } = parseInputs(raw, {}, ws);
    expect(run.config.cognigy.baseUrl).toBe("https://collector.attacker.example");
    const shown: string[] = [];
    const out = await applyTrustedConfig(run, action, raw, ctx(true), {
      show: async (rev, path) => {
        shown.push(`${rev}:${path}`);
        return rev === "b".repeat(40) ? trusted : undefined;
      },
    });
    expect(out.validateOnly).toBeUndefined();
    expect(run.config.cognigy.baseUrl).toBe("https://api-trial.cognigy.ai");
    expect(run.config.cognigy.project).toBe("Pizza Bot");
    expect(shown[0]).toBe(`${"b".repeat(40)}:cognigy-nlu.yml`);
  });

  it("A7: a PR that adds the config for the first time has no trusted one: validate only", async () => {
    const ws = prWorkspace("a7b");
    const raw = readRawInputs((n) => ({ "api-key": "cognigy-key-abcdef123456" })[n] ?? "");
    const { action, run } = parseInputs(raw, {}, ws);
    const out = await applyTrustedConfig(run, action, raw, ctx(false), { show: async () => undefined });
    expect(out.validateOnly).toMatch(/no trusted Cognigy configuration/);
  });

  it("A7: a PR cannot add a flow of its own choosing to a trusted project", async () => {
    const ws = prWorkspace("a7c");
    writeFileSync(join(ws, "cognigy-nlu.yml"), trusted.replace("name: Main", "name: Production"));
    const raw = readRawInputs((n) => ({ "api-key": "cognigy-key-abcdef123456" })[n] ?? "");
    const { action, run } = parseInputs(raw, {}, ws);
    const out = await applyTrustedConfig(run, action, raw, ctx(false), { show: async () => trusted });
    expect(out.validateOnly).toMatch(/none of the pull request's flows/);
    expect(run.config.flows).toHaveLength(0);
  });

  it("A8: plain http:// only for loopback unless allowed; an allowlist of hosts", () => {
    const ws = workspace("a8");
    writeFileSync(join(ws, "cognigy-nlu.yml"), trusted.replace("https://api-trial.cognigy.ai", "http://cognigy.internal.example"));
    expect(() => resolveRunConfig({}, {}, ws)).toThrow(/plain http:\/\//);
    expect(resolveRunConfig({ allowHttp: true }, {}, ws).config.cognigy.baseUrl).toBe("http://cognigy.internal.example");
    expect(resolveRunConfig({ baseUrl: "http://127.0.0.1:8080" }, {}, ws).config.cognigy.baseUrl).toBe("http://127.0.0.1:8080");
    expect(() => resolveRunConfig({ baseUrl: "https://evil.example", allowedHosts: "api-trial.cognigy.ai" }, {}, ws)).toThrow(/not in allowed-hosts/);
  });

  it("A9: credentials in base-url are refused and never echoed (input and config file)", () => {
    const ws = workspace("a9");
    writeFileSync(join(ws, "cognigy-nlu.yml"), trusted);
    let msg = "";
    try {
      resolveRunConfig({ baseUrl: "https://deploy:hunter2-s3cret@api-trial.cognigy.ai" }, {}, ws);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/carries credentials/);
    expect(msg).not.toMatch(/hunter2|deploy:/);
    writeFileSync(join(ws, "cognigy-nlu.yml"), trusted.replace("https://", "https://deploy:hunter2-s3cret@"));
    msg = "";
    try {
      resolveRunConfig({}, {}, ws);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/credentials/);
    expect(msg).not.toMatch(/hunter2/);
  });
});

describe("GitHub: forged baseline, sticky-comment hijack", () => {
  let gh: FakeGitHub;
  const zip = (report: unknown) => makeZip({ "report.json": JSON.stringify(report) });
  const good = { mode: "release", status: "success", gate: { passed: true }, metrics: { macroF1: 0.91 } };
  const forged = { mode: "release", status: "success", gate: { passed: true }, metrics: { macroF1: 0.01 } };
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: "ghs_securitySuiteToken123" });
  });
  afterAll(() => gh.close());
  const ctx: GitHubContext = { eventName: "pull_request", repository: "acme/bot", owner: "acme", repo: "bot", serverUrl: "https://github.com", apiUrl: "", defaultBranch: "main", runId: "1" };

  it("A10: an artifact from a fork's run on a branch named main, or from another workflow, is never the baseline", async () => {
    const t = Date.now();
    gh.artifacts.push(
      { id: 1, name: "rep", expired: false, created_at: new Date(t - 3000).toISOString(), workflow_run: { id: 11, head_branch: "main", head_sha: "a" }, zip: zip(good) },
      { id: 2, name: "rep", expired: false, created_at: new Date(t - 2000).toISOString(), workflow_run: { id: 12, head_branch: "main", head_sha: "b" }, run: { path: ".github/workflows/pwn.yml" }, zip: zip(forged) },
      { id: 3, name: "rep", expired: false, created_at: new Date(t - 1000).toISOString(), workflow_run: { id: 13, head_branch: "main", head_sha: "c" }, run: { headRepository: "mallory/bot", event: "pull_request" }, zip: zip(forged) },
    );
    const octokit = getOctokit(gh.token, { baseUrl: gh.url });
    const r = await downloadBaseline(octokit, { ...ctx, apiUrl: gh.url }, { name: "rep", dir: join(tmp, "baseline-a10") });
    expect(r.artifactId).toBe(1);
    expect(JSON.parse(readFileSync(r.path!, "utf8")).metrics.macroF1).toBe(0.91);
  });

  it("A11: a comment by someone else carrying the marker is never edited; the Action's own is", async () => {
    const marker = "<!-- cognigy-nlu:sticky:nlu:check -->";
    const octokit = getOctokit(gh.token, { baseUrl: gh.url });
    const bait = gh.seedComment(42, `${marker}\nlooks official`, "mallory");
    const first = await upsertStickyComment(octokit, { owner: "acme", repo: "bot", issueNumber: 42 }, marker, `${marker}\nverdict 1`);
    expect(first.action).toBe("created");
    expect(gh.comments.get(42)!.find((c) => c.id === bait.id)!.body).toBe(`${marker}\nlooks official`);
    const second = await upsertStickyComment(octokit, { owner: "acme", repo: "bot", issueNumber: 42 }, marker, `${marker}\nverdict 2`);
    expect(second).toMatchObject({ action: "updated", id: first.id });
  });
});

describe("resource exhaustion", () => {
  it("A12: the e-mail detector's match is bounded (a 200 KB digit run or local part is not scanned to its end from every position)", () => {
    // Before: [A-Za-z0-9._%+-]+@ matched a 100-character local part (and read to the end of the run from every start).
    expect(findPii(`${"1".repeat(100)}@example.com`).filter((m) => m.kind === "email" && m.end - m.start > 80)).toEqual([]);
    expect(findPii("write to jane.doe@example.com").map((m) => m.kind)).toEqual(["email"]);
  });

  it("A12 (harvest): a 100 KB chat message is dropped for its length before any PII scan", () => {
    const text = `${"call me on 0176 1234567 ".repeat(4200)}`;
    const sel = selectCandidates([{ text, intent: "A", score: 0.99, locale: "en-US", source: "log" }], [], new Set(["A"]), {
      minScore: 0.5,
      minPerIntent: 1,
      length: { min: 2, max: 300 },
      nearDuplicate: "off",
      pii: "drop",
      normalize: (s) => s,
    });
    expect(sel.dropped).toEqual({ length: 1 });
  });

  it("A14: a download bigger than its cap fails with a clear error (a fast stream cannot fill the disk)", async () => {
    const server = await chunkServer((res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk)) {
          /* keep writing */
        }
        res.once("drain", pump);
      };
      pump();
      res.on("error", () => {});
    });
    try {
      const { client } = makeClient(server.url, { download: { maxBytes: 1024 * 1024, deadlineMs: 60_000 } });
      const file = join(tmp, "a14.csnap");
      await expect(client.downloadToFile(`${server.url}/pkg`, file)).rejects.toBeInstanceOf(DownloadLimitError);
      expect(() => readFileSync(file)).toThrow();
    } finally {
      await server.close();
    }
  });

  it("A14: a drip stream that keeps the idle timer alive ends at the overall deadline", async () => {
    const server = await chunkServer((res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const t = setInterval(() => res.write("x"), 20);
      res.on("close", () => clearInterval(t));
    });
    try {
      const { client } = makeClient(server.url, { download: { maxBytes: 1024 * 1024, deadlineMs: 300 } });
      const err = await client.downloadToFile(`${server.url}/pkg`, join(tmp, "a14b.csnap")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DownloadLimitError);
      expect((err as Error).message).toMatch(/overall deadline/);
    } finally {
      await server.close();
    }
  });
});

describe("markdown from data", () => {
  const evil = "@acme/security-team please merge ![t](https://tracker.example/p.png) [click](https://phish.example) <img src=x onerror=alert(1)> https://bare.example";

  function assertInert(md: string): void {
    expect(md).not.toMatch(/@acme\/security-team/);
    expect(md).not.toMatch(/!\[t\]\(/);
    expect(md).not.toMatch(/\[click\]\(/);
    expect(md).not.toMatch(/<img/);
    expect(md).not.toMatch(/https:\/\/bare/);
  }

  it("A13: harvest-pr.md escapes mentions, images, links and HTML from chat logs", () => {
    const md = prBody({
      proposals: [{ intent: "Greet", locale: "en-US", file: "training-data/main/intents/greet.yml", flow: "Main", examples: [{ text: evil, score: 0.9, count: 1, source: "log" }] } as never],
      dropped: {},
      tooFew: [],
      read: { "logged user messages": 1 },
      minScore: 0.5,
      minPerIntent: 1,
      pii: "mask",
    });
    assertInert(md);
  });

  it("A13: the drift tables escape the same in names and sentences from Cognigy", () => {
    const md = driftMarkdown({
      clean: false,
      totals: { addedSentences: 1, removedSentences: 0, editedSentences: 0, addedIntents: 1, removedIntents: 0, changedIntents: 0 },
      flows: [{ flow: "Main", addedIntents: [{ intent: evil, sentences: 1 }], removedIntents: [], changedIntents: [], editedSentences: [], addedSentences: [{ intent: "A", locale: "en-US", text: evil }], removedSentences: [] }],
    } as never);
    assertInert(md);
  });
});

describe("over-masking (#16): the tool's figures and ids stay readable", () => {
  it("metric lines keep their numbers, trace ids and loopback addresses stay readable; data PII is still masked", () => {
    const { lines, core } = (() => {
      const lines: string[] = [];
      const push = (m: string) => lines.push(m);
      return { lines, core: { debug: push, info: push, warning: push, error: push, startGroup: push, endGroup: () => {} } };
    })();
    const r = new Redactor();
    const log = actionLogger(core as never, (s) => r.redactSecrets(s));
    const metrics = {
      total: 8,
      accuracy: 0.875,
      macroF1: 0.833,
      macroPrecision: 0.75,
      macroRecall: 0.9,
      weightedF1: 0.8,
      latencyMs: { p50: 12, p95: 40 },
      perIntent: { TalkToHuman: { f1: 0.833, precision: 0.75, recall: 0.9, support: 8 } },
      confusions: [{ expected: "A", predicted: "B", count: 1, examples: ["mail jane.doe@example.com"] }],
    } as unknown as Metrics;
    for (const l of metricsLines(metrics)) log.info(l);
    log.error("POST /new/v2.0/x failed (traceId api--fdbd32d7-62e3-4a1b-9970-0123456789ab): connect ECONNREFUSED 127.0.0.1:29999");
    const text = lines.join("\n");
    expect(text).toMatch(/TalkToHuman\s+0\.833\s+0\.750\s+0\.900\s+8/);
    expect(text).toContain("api--fdbd32d7-62e3-4a1b-9970-0123456789ab");
    expect(text).toContain("127.0.0.1:29999");
    expect(text).not.toContain("jane.doe@example.com");
  });
});

// ---- helpers ----

async function chunkServer(handler: (res: import("node:http").ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => handler(res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
