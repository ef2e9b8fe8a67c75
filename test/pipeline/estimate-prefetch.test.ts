// The check starts the local estimate's base read before validation (prefetchBase): the same results as a read started
// by localEstimate, its log lines (a fetch of a base the shallow clone lacks) in the estimate's place, and no git
// process left behind when validation stops the check or the prefetch is not taken.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { RunConfig } from "../../src/config/options.js";
import { RecordingLogger } from "../../src/logger.js";
import { localEstimate, prefetchBase } from "../../src/pipeline/estimate.js";
import { runCheck } from "../../src/pipeline/run.js";
import { copyExampleBot, git, gitChildren, seedRepos } from "./git-env.js";

let tmp: string;
let origin: string;
let baseSha: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "prefetch-"));
  const repos = seedRepos(tmp, "origin.git");
  origin = repos.origin;
  const seed = repos.seed;
  git(seed, "add", "-A");
  git(seed, "commit", "--quiet", "-m", "base");
  baseSha = git(seed, "rev-parse", "HEAD");
  git(seed, "push", "--quiet", origin, "main");
  git(seed, "checkout", "--quiet", "-b", "pr");
  writeFileSync(join(seed, "training-data", "main", "intents", "ask_menu.yml"), "intent: AskMenu\nexamples:\n  - what is on the menu\n  - show me the menu\n  - which pizzas do you have\n  - menu please\n  - what can I order\n");
  git(seed, "commit", "--quiet", "-am", "pr");
  git(seed, "push", "--quiet", origin, "pr");
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A depth-1 clone of the PR branch, as actions/checkout makes it: the base commit is not in it. */
function prClone(name: string): string {
  const dir = join(tmp, name);
  git(tmp, "clone", "--quiet", "--depth=1", "--single-branch", "--branch", "pr", `file://${origin}`, dir);
  return dir;
}

function run(root: string): RunConfig {
  const { config } = loadConfig("cognigy-nlu.yml", root);
  return { config, configPath: join(root, "cognigy-nlu.yml"), root, out: mkdtempSync(join(tmpdir(), "prefetch-out-")), format: "text", dryRun: false, force: false, debug: false, check: { baseRef: baseSha } };
}

describe("prefetchBase", () => {
  it("gives localEstimate's results; the fetch's log line comes when the estimate takes it", async () => {
    const dir = prClone("a");
    const { config, root } = loadConfig("cognigy-nlu.yml", dir);
    const direct = await localEstimate({ cwd: root, config, baseRef: baseSha, logger: new RecordingLogger(), event: null });
    const dir2 = prClone("b");
    const c2 = loadConfig("cognigy-nlu.yml", dir2);
    const logger = new RecordingLogger();
    const pre = prefetchBase({ cwd: c2.root, config: c2.config, baseRef: baseSha, event: null });
    await new Promise((r) => setTimeout(r, 300)); // the fetch runs meanwhile
    logger.info("validated");
    const est = await localEstimate({ cwd: c2.root, config: c2.config, baseRef: baseSha, logger, event: null, prefetch: pre });
    const strip = (ps: typeof est.head) => ps.map(({ ms: _ms, ...p }) => p);
    expect(est.baseSha).toBe(baseSha);
    expect(strip(est.head)).toEqual(strip(direct.head));
    expect(strip(est.base ?? [])).toEqual(strip(direct.base ?? []));
    expect(est.renames).toEqual(direct.renames);
    const at = (re: RegExp) => logger.lines.findIndex((l) => re.test(l.message));
    expect(at(/fetching .* from origin/)).toBeGreaterThan(at(/^validated$/));
    expect(gitChildren()).toEqual([]);
  }, 60_000);

  it("a prefetch for another base is not taken: cancelled, and the estimate reads its own", async () => {
    const dir = prClone("c");
    const { config, root } = loadConfig("cognigy-nlu.yml", dir);
    const pre = prefetchBase({ cwd: root, config, baseRef: "origin/nope", event: null });
    const est = await localEstimate({ cwd: root, config, baseRef: baseSha, logger: new RecordingLogger(), event: null, prefetch: pre });
    expect(est.baseSha).toBe(baseSha);
    await pre.reading?.result.catch(() => {});
    expect(gitChildren()).toEqual([]);
  }, 60_000);

  it("a read that fails long before the estimate takes it is no unhandled rejection (it would end the process)", async () => {
    const dir = join(tmp, "no-git");
    copyExampleBot(dir);
    const { config, root } = loadConfig("cognigy-nlu.yml", dir);
    const unhandled: unknown[] = [];
    const on = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", on);
    try {
      const pre = prefetchBase({ cwd: root, config, event: null });
      await new Promise((r) => setTimeout(r, 300)); // git fails meanwhile: not a repository
      const est = await localEstimate({ cwd: root, config, logger: new RecordingLogger(), event: null, prefetch: pre });
      expect(est.noBaseReason).toMatch(/could not be read/);
    } finally {
      process.off("unhandledRejection", on);
    }
    expect(unhandled).toEqual([]);
  }, 60_000);
});

describe("runCheck with the prefetch", () => {
  it("compares with the fetched base; the fetch is logged inside the estimate step, after validation", async () => {
    const dir = prClone("d");
    const logger = new RecordingLogger();
    const report = await runCheck(run(dir), { logger });
    expect(report.comparison?.base.ref).toContain(baseSha.slice(0, 12));
    const groups = logger.lines.map((l, i) => ({ ...l, i })).filter((l) => l.level === "group");
    const estimate = groups.find((g) => g.message === "estimate")?.i ?? -1;
    const fetching = logger.lines.findIndex((l) => /fetching .* from origin/.test(l.message));
    expect(estimate).toBeGreaterThan(0);
    expect(fetching).toBeGreaterThan(estimate);
    expect(gitChildren()).toEqual([]);
  }, 60_000);

  it("a check that stops at validation leaves no git process behind", async () => {
    const dir = prClone("e");
    writeFileSync(join(dir, "training-data", "main", "intents", "broken.yml"), "intent: Broken\nexamples: [a, a\n");
    const report = await runCheck(run(dir), { logger: new RecordingLogger() });
    expect(report.status).toBe("failure");
    expect(report.error?.step).toBe("validate");
    await new Promise((r) => setTimeout(r, 100));
    expect(gitChildren()).toEqual([]);
  }, 60_000);
});
