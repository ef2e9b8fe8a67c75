// Three fixes of the outside review that landed without tests: (a) when every test was in the deployed model's training
// data there is no (empty) comparison, the reason is in evaluation.noComparison; (b) stdout shows "!" for a check that
// was not evaluated; (c) the HTML report's icon for "not evaluated" has a colour. And a check with every test leaked into the
// examples says so instead of "no test utterances".
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import type { Dataset } from "../../src/dataset/types.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { resultLines, summaryLines } from "../../src/pipeline/console.js";
import { runCheck, runSync, runTrain } from "../../src/pipeline/run.js";
import { renderHtml } from "../../src/report/html.js";
import { Redactor } from "../../src/report/redact.js";
import type { Report } from "../../src/report/types.js";
import { findChromium, measure } from "../report/browser.js";
import { sampleReport } from "../report/helpers.js";
import { config, dataset, intent, utt } from "./helpers.js";
import { bot, gitRepo, TOPICS } from "./pr-bot.js";

const GATE = { macroF1: 0.3, macroPrecision: 0.3, minIntentF1: 0, minTestsPerIntent: 1, maxRegression: 0.02 };
const CHECKS = { minExamples: { error: 1, warning: 1 }, rules: { "test-leakage": "warning", "duplicate-across": "warning" } };

/** `n` distinct three-word texts from `words`. */
function triples(words: string[], n: number): string[] {
  const out: string[] = [];
  for (const a of words) for (const b of words) for (const c of words) if (a !== b && b !== c && a !== c && out.length < n) out.push(`${a} ${b} ${c}`);
  return out;
}

/**
 * 5 intents of 24 examples: 16 from half of the topic's words, 8 from the other half (so that, as tests, the 8 are
 * no near-duplicates of the 16 and test-leakage leaves them in).
 */
function wordsBot(): Dataset {
  const cfg = config({ checks: CHECKS, gate: GATE, evaluate: { split: 0 } });
  return dataset(
    cfg,
    Object.entries(TOPICS).map(([name, w]) => intent(name, { "en-US": [...triples(w.slice(0, 6), 16), ...triples(w.slice(6), 8)] })),
  );
}

/** The PR: each intent's last 8 examples become its tests (out of the examples): all were trained on by the base. */
function testsFromExamples(ds: Dataset): Dataset {
  const out = structuredClone(ds);
  for (const i of out.flows[0].intents) {
    const ex = i.examples["en-US"];
    i.tests = { "en-US": ex.slice(16).map((u) => utt(u.text, "en-US", i.file)) };
    i.examples["en-US"] = ex.slice(0, 16);
  }
  return out;
}

describe("(a) every test was in the base model's training data", () => {
  const KEY = "review-fixes-key-31d9";
  const open: Emulator[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()?.close();
  });

  function expectNoComparison(r: Report, why: RegExp): void {
    expect(r.error).toBeUndefined();
    expect(r.metrics?.total).toBe(40); // head's own metrics keep every test
    expect(r.comparison).toBeUndefined();
    expect(r.evaluation?.noComparison).toMatch(why);
    expect(r.summary).not.toMatch(/0\.000 → 0\.000/);
    expect(r.gate?.checks.map((c) => c.name)).not.toContain("significance");
  }

  it("Cognigy: no comparison; the reason is in report.json evaluation.noComparison", async () => {
    const cfg = config({ checks: CHECKS, gate: GATE, evaluate: { split: 0 } });
    const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 10 });
    open.push(emu);
    cfg.cognigy.baseUrl = emu.url;
    const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: (ms) => new Promise((res) => setTimeout(res, Math.min(ms, 15))) });
    const out = mkdtempSync(join(tmpdir(), "cnlu-review-"));
    const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", dryRun: false, force: false, debug: false };
    const ds = wordsBot();
    const logger = new RecordingLogger();
    // production: every example trained (no tests, so sync and train rather than a release, whose gate needs tests)
    expect((await runSync(run, { client, logger, dataset: ds })).status).toBe("success");
    expect((await runTrain(run, { client, logger, dataset: ds })).status).toBe("success");
    const r = await runCheck({ ...run, check: { pr: 2, runId: "2-1" } }, { client, logger, dataset: testsFromExamples(ds) });
    expect(r.evaluation?.engine).toBe("cognigy");
    expectNoComparison(r, /^no comparison: all 40 tests are in the deployed model's training data/);
  });

  it("local estimate: no comparison; the reason is in report.json evaluation.noComparison", async () => {
    const cfg = config({ checks: CHECKS, gate: GATE, evaluate: { split: 0 } });
    const ds = wordsBot();
    const repo = gitRepo(ds);
    repo.commit(testsFromExamples(ds), "tests-from-examples");
    const out = mkdtempSync(join(tmpdir(), "cnlu-review-out-"));
    const run: RunConfig = { config: cfg, configPath: join(repo.root, "cognigy-nlu.yml"), root: repo.root, out, format: "text", dryRun: false, force: false, debug: false, check: { baseRef: "main" } };
    const r = await runCheck(run, { logger: new RecordingLogger() });
    expect(r.evaluation?.engine).toBe("local");
    expectNoComparison(r, /^no comparison: none of the 40 tests could be paired with the base \(40 tests the base model was trained on\)/);
  });
});

/** A report of a check that scored nothing. */
function notEvaluated(): Report {
  return { ...sampleReport(), mode: "check", status: "not evaluated", summary: "check not evaluated: the training data has no test utterances", metrics: undefined, gate: undefined, comparison: undefined };
}

describe("(b) stdout for a check that was not evaluated", () => {
  afterEach(() => vi.restoreAllMocks());

  it("the verdict lines start with '!', never '✓'", () => {
    expect(summaryLines(notEvaluated())).toEqual(["! check not evaluated: the training data has no test utterances"]);
    expect(resultLines(notEvaluated()).at(-1)).toBe("! check not evaluated: the training data has no test utterances");
  });

  it("`check` on data without tests prints '! check not evaluated' and exits 1", async () => {
    const root = mkdtempSync(join(tmpdir(), "cnlu-review-cli-"));
    mkdirSync(join(root, "training-data/main/intents"), { recursive: true });
    for (const i of bot()) writeFileSync(join(root, `training-data/main/intents/${i.name}.yml`), `intent: ${i.name}\nexamples:\n${i.examples["en-US"].map((u) => `  - ${JSON.stringify(u.text)}\n`).join("")}`);
    writeFileSync(
      join(root, "cognigy-nlu.yml"),
      "cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Test Bot\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\nevaluate:\n  split: 0\n",
    );
    let stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
      stdout += String(c);
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const env = { ...process.env };
    delete env.COGNIGY_API_KEY;
    delete env.GITHUB_EVENT_PATH;
    const code = await main(["check", "--config", join(root, "cognigy-nlu.yml"), "--out", join(root, "out")], env);
    vi.restoreAllMocks();
    expect((JSON.parse(readFileSync(join(root, "out", "report.json"), "utf8")) as Report).status).toBe("not evaluated");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^! check not evaluated: the training data has no test utterances/m);
    expect(stdout).not.toMatch(/^✓ /m);
  });
});

describe("(c) the HTML report's icon for 'not evaluated'", () => {
  /** The background colours the page's stylesheet gives `.icon` inside an element with these classes (".X .icon" rules). */
  function iconBackgrounds(html: string, classes: string[]): string[] {
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    const out: string[] = [];
    for (const m of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
      const selectors = m[1].split(",").map((s) => s.trim());
      const matches = selectors.some((s) => {
        const parts = /^((?:\.[\w-]+)+)\s+\.icon$/.exec(s);
        return parts?.[1].split(".").filter(Boolean).every((c) => classes.includes(c));
      });
      const bg = /(?:^|;)\s*background(?:-color)?\s*:\s*([^;]+)/.exec(m[2]);
      if (matches && bg) out.push(bg[1].trim());
    }
    return out;
  }

  it("has a background colour of its own, as pass, fail and skipped do", () => {
    const html = renderHtml(notEvaluated(), { redactor: new Redactor() });
    const header = /<header class="([^"]+)"[^>]*data-verdict="unevaluated"/.exec(html);
    expect(header?.[1].split(" ")).toContain("unevaluated");
    expect(html).toMatch(/<div class="icon">!<\/div>/);
    const classes = header?.[1].split(" ") ?? [];
    const bgs = iconBackgrounds(html, classes);
    expect(bgs.length).toBeGreaterThan(0);
    expect(bgs.every((c) => /^#[0-9a-f]{3,8}$/i.test(c))).toBe(true);
    // a colour of its own: not the pass / fail / skipped one
    const others = ["pass", "fail", "skipped"].flatMap((v) => iconBackgrounds(html, ["verdict", v]));
    expect(others).toHaveLength(3);
    for (const c of bgs) expect(others).not.toContain(c);
  });

  const chromium = findChromium();
  it.runIf(chromium)("is painted: a browser computes a non-transparent background (white '!' stays readable)", () => {
    const html = renderHtml(notEvaluated(), { redactor: new Redactor() });
    const got = measure(chromium as string, html, 800, `const i = document.querySelector("header .icon"); const s = getComputedStyle(i); const out = { bg: s.backgroundColor, fg: s.color };`) as { bg: string; fg: string };
    expect(got.fg).toBe("rgb(255, 255, 255)");
    expect(got.bg).not.toMatch(/^rgba\(0, 0, 0, 0\)$|^transparent$/);
    expect(got.bg).not.toBe("rgb(255, 255, 255)");
  });
});

describe("not evaluated because every test leaked into the examples", () => {
  it("says so (with the count), not 'the training data has no test utterances'", async () => {
    const cfg = config({ checks: CHECKS, gate: GATE });
    const ds = dataset(cfg, bot());
    for (const i of ds.flows[0].intents) i.tests = { "en-US": i.examples["en-US"].slice(0, 4).map((u) => utt(u.text, "en-US", i.file)) };
    const out = mkdtempSync(join(tmpdir(), "cnlu-review-leak-"));
    const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, out, format: "text", dryRun: false, force: false, debug: false, check: { baseRef: "main" } };
    const r = await runCheck(run, { logger: new RecordingLogger(), dataset: ds });
    expect(r.status).toBe("not evaluated");
    expect(r.evaluation?.skipped).toBe("every test was left out of the evaluation: 20 that leaked into the training examples (test-leakage)");
    expect(r.summary).not.toMatch(/has no test utterances/);
  });
});
