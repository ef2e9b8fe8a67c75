// The local estimate finds relabelled intents: a generated 30-intent bot at the base commit, the working tree relabels
// most examples of 10 intents to other intents; those 10 must be the biggest losers and the gate must fail.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { mulberry32 } from "../../src/classifier/index.js";
import { loadConfig } from "../../src/config/load.js";
import { RecordingLogger } from "../../src/logger.js";
import { comparePaired, gateComparison, losers } from "../../src/pipeline/compare.js";
import { localEstimate } from "../../src/pipeline/estimate.js";

const ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() };
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "init.defaultBranch=main", ...args], { cwd, env: ENV, stdio: "ignore" });

const INTENTS = 30;
const RELABELLED = 10;
const rnd = mulberry32(2026);
const syllables = ["ka", "lo", "mi", "ne", "pu", "ra", "si", "to", "vu", "ze", "bo", "da", "fi", "gu", "ha", "jo"];
const word = () => Array.from({ length: 3 }, () => syllables[Math.floor(rnd() * syllables.length)]).join("");
const fillers = ["please", "can you", "i want", "tell me", "the", "my", "about", "now"];

/** Each intent: its own 10 words; utterances are 3 of them with a filler. */
function generate(): { examples: Map<string, string[]>; tests: Map<string, string[]> } {
  const examples = new Map<string, string[]>();
  const tests = new Map<string, string[]>();
  for (let i = 0; i < INTENTS; i++) {
    const name = `Intent${String(i).padStart(2, "0")}`;
    const vocab = Array.from({ length: 10 }, word);
    const utter = () => `${fillers[Math.floor(rnd() * fillers.length)]} ${Array.from({ length: 3 }, () => vocab[Math.floor(rnd() * vocab.length)]).join(" ")}`;
    examples.set(name, [...new Set(Array.from({ length: 24 }, utter))]);
    tests.set(name, [...new Set(Array.from({ length: 8 }, utter))].filter((t) => !examples.get(name)?.includes(t)));
  }
  return { examples, tests };
}

function write(dir: string, examples: Map<string, string[]>, tests: Map<string, string[]>): void {
  const intents = join(dir, "training-data", "main", "intents");
  rmSync(intents, { recursive: true, force: true });
  mkdirSync(intents, { recursive: true });
  for (const [name, ex] of examples) writeFileSync(join(intents, `${name}.yml`), stringify({ intent: name, examples: ex, tests: tests.get(name) ?? [] }));
}

const dir = mkdtempSync(join(tmpdir(), "estimate-relabel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("local estimate on a relabelled batch", () => {
  it("names the 10 relabelled intents as the biggest losers and fails the gate", async () => {
    writeFileSync(
      join(dir, "cognigy-nlu.yml"),
      stringify({ cognigy: { baseUrl: "https://api-trial.cognigy.ai", project: "Gen" }, flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US" }, defaultLocale: "en-US" }] }),
    );
    const { examples, tests } = generate();
    write(dir, examples, tests);
    git(dir, "init", "--quiet");
    git(dir, "add", "-A");
    git(dir, "commit", "--quiet", "-m", "base");
    const names = [...examples.keys()];
    const picked = names.filter((_, i) => i % 3 === 0).slice(0, RELABELLED);
    const head = new Map([...examples].map(([k, v]) => [k, [...v]]));
    picked.forEach((name, i) => {
      const other = names[(names.indexOf(name) + 1 + (i % 2)) % names.length]; // a neighbour that is not relabelled
      const ex = head.get(name) ?? [];
      head.set(name, ex.slice(0, 3));
      head.set(other, [...(head.get(other) ?? []), ...ex.slice(3)]);
    });
    write(dir, head, tests);
    const { config, root } = loadConfig("cognigy-nlu.yml", dir);
    const est = await localEstimate({ cwd: root, config, baseRef: "HEAD", logger: new RecordingLogger(), event: null });
    expect(est.noBaseReason).toBeUndefined();
    const c = comparePaired(est.base ?? [], est.head, { baseRef: "HEAD", engine: "local" });
    const lost = losers(c).map(([n]) => n);
    expect(lost.slice(0, RELABELLED).sort()).toEqual([...picked].sort());
    expect(c.flipped.toWrong.length).toBeGreaterThan(c.flipped.toRight.length);
    const g = gateComparison(c, config.gate);
    expect(g.passed).toBe(false);
    for (const n of lost.slice(0, 5)) expect(g.reasons[0]).toContain(n);
  }, 120_000);
});

describe("local estimate when the pull request adds a flow", () => {
  it("the new flow's tests are left out of the comparison (counted), not scored as base failures", async () => {
    const repo = join(dir, "addflow");
    mkdirSync(repo, { recursive: true });
    const flow = (name: string, d: string) => ({ name, dir: d, locales: { "en-US": "en-US" }, defaultLocale: "en-US" });
    const cfg = (flows: unknown[]) => stringify({ cognigy: { baseUrl: "https://api-trial.cognigy.ai", project: "Gen" }, flows });
    const { examples, tests } = generate();
    const first = new Map([...examples].slice(0, 6));
    const second = new Map([...examples].slice(6, 10));
    writeFileSync(join(repo, "cognigy-nlu.yml"), cfg([flow("Main", "training-data/main")]));
    write(repo, first, tests);
    git(repo, "init", "--quiet");
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "base");
    // the pull request: a second flow in its own folder
    writeFileSync(join(repo, "cognigy-nlu.yml"), cfg([flow("Main", "training-data/main"), flow("Extra", "training-data/extra")]));
    const extra = join(repo, "training-data", "extra", "intents");
    mkdirSync(extra, { recursive: true });
    let extraTests = 0;
    for (const [name, ex] of second) {
      extraTests += tests.get(name)?.length ?? 0;
      writeFileSync(join(extra, `${name}.yml`), stringify({ intent: name, examples: ex, tests: tests.get(name) ?? [] }));
    }
    const { config, root } = loadConfig("cognigy-nlu.yml", repo);
    const est = await localEstimate({ cwd: root, config, baseRef: "HEAD", logger: new RecordingLogger(), event: null });
    expect(est.head.filter((p) => p.flow === "Extra")).toHaveLength(extraTests);
    expect(est.base?.some((p) => p.flow === "Extra")).toBe(false);
    const c = comparePaired(est.base ?? [], est.head, { baseRef: "HEAD", engine: "local" });
    expect(c.excluded).toBe(extraTests);
    expect(c.delta.macroF1).toBe(0);
    expect(c.flipped.toRight).toEqual([]);
  }, 120_000);
});
