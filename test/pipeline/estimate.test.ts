// The local estimate over real git repositories: base data read at a ref without touching the checkout (fetched into a
// shallow clone as actions/checkout leaves it), a mislabelled batch found, good paraphrases pass, no base → head only.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { RecordingLogger } from "../../src/logger.js";
import { comparePaired, gateComparison, losers } from "../../src/pipeline/compare.js";
import { chooseBase, localEstimate, readEventBase } from "../../src/pipeline/estimate.js";
import { applyGate } from "../../src/pipeline/gate.js";
import { computeMetrics, toScored } from "../../src/pipeline/metrics.js";
import { copyExampleBot, git, seedRepos } from "./git-env.js";


/** Moves all but the first `keep` en-US examples of one intent file into another (a mislabelled batch). */
function mislabel(dir: string, from: string, to: string, keep = 3): void {
  const read = (f: string) => parseDocument(readFileSync(join(dir, f), "utf8"));
  const a = read(from);
  const b = read(to);
  const moved = (a.getIn(["examples", "en-US"]) as { items: unknown[] }).items.splice(keep);
  (b.getIn(["examples", "en-US"]) as { items: unknown[] }).items.push(...moved);
  writeFileSync(join(dir, from), a.toString());
  writeFileSync(join(dir, to), b.toString());
}

let tmp: string;
let origin: string;
let baseSha: string;

/** A shallow single-branch clone of `branch`, as actions/checkout makes it (depth 1, no other refs). */
function shallowClone(branch: string, name: string): string {
  const dir = join(tmp, name);
  git(tmp, "clone", "--quiet", "--depth=1", "--single-branch", "--branch", branch, `file://${origin}`, dir);
  return dir;
}

function configOf(dir: string) {
  return loadConfig("cognigy-nlu.yml", dir);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "estimate-"));
  const repos = seedRepos(tmp, "origin.git");
  origin = repos.origin;
  const seed = repos.seed;
  writeFileSync(join(seed, "README.md"), "bot\n");
  git(seed, "add", "-A");
  git(seed, "commit", "--quiet", "-m", "base");
  baseSha = git(seed, "rev-parse", "HEAD");
  git(seed, "push", "--quiet", origin, "main");
  // a PR that moves most English examples of OrderPizza and TrackOrder into CancelOrder
  git(seed, "checkout", "--quiet", "-b", "mislabel");
  const intents = join(seed, "training-data", "main", "intents");
  mislabel(intents, "order_pizza.yml", "cancel_order.yml");
  mislabel(intents, "track_order.yml", "cancel_order.yml");
  git(seed, "commit", "--quiet", "-am", "mislabel");
  git(seed, "push", "--quiet", origin, "mislabel");
  // a PR that adds good paraphrases
  git(seed, "checkout", "--quiet", "main");
  git(seed, "checkout", "--quiet", "-b", "paraphrases");
  const f = join(intents, "order_pizza.yml");
  const doc = parseDocument(readFileSync(f, "utf8"));
  (doc.getIn(["examples", "en-US"]) as { items: unknown[] }).items.push(doc.createNode("could I get two pizzas delivered"), doc.createNode("I'd like to put in an order for a pizza"));
  writeFileSync(f, doc.toString());
  git(seed, "commit", "--quiet", "-am", "paraphrases");
  git(seed, "push", "--quiet", origin, "paraphrases");
  // later commits on main: the PR's base is not main's tip
  writeFileSync(join(seed, "README.md"), "bot 2\n");
  git(seed, "checkout", "--quiet", "main");
  git(seed, "commit", "--quiet", "-am", "later");
  git(seed, "push", "--quiet", origin, "main");
}, 60_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("localEstimate", () => {
  it("fails a mislabelled batch with the hurt intents named; fetches the base into a shallow clone; leaves the checkout alone", async () => {
    const dir = shallowClone("mislabel", "pr1");
    const headBefore = git(dir, "rev-parse", "HEAD");
    expect(() => git(dir, "rev-parse", "--verify", "--quiet", `${baseSha}^{commit}`)).toThrow(); // not in the clone yet
    const { config, root } = configOf(dir);
    const logger = new RecordingLogger();
    const est = await localEstimate({ cwd: root, config, baseRef: baseSha, logger });
    expect(est.noBaseReason).toBeUndefined();
    expect(est.baseSha).toBe(baseSha);
    expect(est.base?.length).toBeGreaterThan(0);
    expect(est.head.length).toBeGreaterThan(100);
    expect(logger.lines.some((l) => /fetching .* from origin \(depth 1\)/.test(l.message))).toBe(true);
    // the checkout is untouched
    expect(git(dir, "rev-parse", "HEAD")).toBe(headBefore);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(git(dir, "rev-parse", "--is-shallow-repository")).toBe("true");

    const c = comparePaired(est.base ?? [], est.head, { baseRef: est.baseRef, engine: "local" });
    expect(c.delta.macroF1).toBeLessThan(-0.02);
    expect(c.significance.pValue).toBeLessThan(0.05);
    const lost = losers(c).map(([n]) => n);
    expect(lost.slice(0, 3)).toEqual(expect.arrayContaining(["OrderPizza", "TrackOrder"]));
    const g = gateComparison(c, config.gate);
    expect(g.passed).toBe(false);
    expect(g.reasons[0]).toMatch(/intents that lost: .*OrderPizza/);
    expect(g.reasons[0]).toMatch(/TrackOrder/);
    // the tests all paired: none of head's tests is in the base training data
    expect(c.excluded).toBe(0);
    const head = computeMetrics(toScored(est.head), { threshold: est.threshold });
    expect(applyGate({ metrics: head, gate: config.gate, comparison: c }).passed).toBe(false);
  }, 120_000);

  it("passes a pull request that adds good paraphrases, with the delta shown; origin/main resolved by fetching the branch", async () => {
    const dir = shallowClone("paraphrases", "pr2");
    const { config, root } = configOf(dir);
    const est = await localEstimate({ cwd: root, config, logger: new RecordingLogger(), event: null }); // default base: origin/main
    expect(est.baseRef).toBe("origin/main");
    expect(est.noBaseReason).toBeUndefined();
    expect(est.baseSha).toMatch(/^[0-9a-f]{40}$/);
    const c = comparePaired(est.base ?? [], est.head, { baseRef: est.baseRef, engine: "local" });
    expect(Math.abs(c.delta.macroF1)).toBeLessThan(0.02);
    expect(gateComparison(c, config.gate).passed).toBe(true);
    expect(git(dir, "status", "--porcelain")).toBe("");
    // the German data did not change: base and head give the same German predictions (one model, fitted once)
    const de = (ps: typeof est.head) => ps.filter((p) => p.locale === "de-DE").map(({ ms: _ms, ...p }) => p);
    expect(de(est.head).length).toBeGreaterThan(10);
    expect(de(est.base ?? [])).toEqual(de(est.head));
  }, 120_000);

  it("reuses head's predictions only where the base has the same model and the same reject intents", async () => {
    // a PR that only marks one intent as a reject intent: the same training data (one model, fitted once), other rejects
    const dir = shallowClone("main", "pr-reject");
    const f = join(dir, "training-data", "main", "intents", "ask_menu.yml");
    writeFileSync(f, readFileSync(f, "utf8").replace(/^intent: (.*)$/m, "intent: $1\nreject: true"));
    git(dir, "commit", "--quiet", "-am", "reject");
    const { config, root } = configOf(dir);
    const est = await localEstimate({ cwd: root, config, baseRef: baseSha, logger: new RecordingLogger(), event: null });
    const strip = (ps: typeof est.head) => ps.map(({ ms: _ms, ...p }) => p);
    const head = strip(est.head);
    const base = strip(est.base ?? []);
    expect(base.length).toBe(head.length);
    // head says "no intent" where AskMenu is on top; the base (no reject intent) names it
    const flipped = base.filter((b, i) => b.predicted !== head[i].predicted);
    expect(flipped.length).toBeGreaterThan(0);
    for (const b of flipped) expect(head[base.indexOf(b)].predicted).toBeNull();
    expect(flipped.every((b) => b.predicted === "AskMenu")).toBe(true);
    // everything else is the same prediction
    expect(base.filter((b, i) => b.predicted === head[i].predicted).length).toBe(base.length - flipped.length);
  }, 120_000);

  it("is deterministic: the same data gives the same predictions", async () => {
    const dir = shallowClone("mislabel", "pr3");
    const { config, root } = configOf(dir);
    const a = await localEstimate({ cwd: root, config, baseRef: baseSha, logger: new RecordingLogger() });
    const b = await localEstimate({ cwd: root, config, baseRef: baseSha, logger: new RecordingLogger() });
    const strip = (ps: typeof a.head) => ps.map(({ ms: _ms, ...p }) => p);
    expect(strip(b.head)).toEqual(strip(a.head));
    expect(strip(b.base ?? [])).toEqual(strip(a.base ?? []));
  }, 120_000);

  it("without a resolvable base: head's metrics only, with the reason", async () => {
    const dir = shallowClone("mislabel", "pr4");
    const { config, root } = configOf(dir);
    const logger = new RecordingLogger();
    const est = await localEstimate({ cwd: root, config, baseRef: "origin/no-such-branch", logger });
    expect(est.base).toBeUndefined();
    expect(est.noBaseReason).toMatch(/^the base origin\/no-such-branch could not be read: .*fetching it from origin failed/);
    expect(est.head.length).toBeGreaterThan(100);
    expect(logger.lines.some((l) => l.level === "warn" && l.message.includes("without a comparison"))).toBe(true);
    const bad = await localEstimate({ cwd: root, config, baseRef: "--upload-pack=evil", logger });
    expect(bad.noBaseReason).toMatch(/is not a valid git ref/);
  }, 120_000);

  it("on a pull request event: the base commit from the payload, named after its branch; without base.sha: no comparison, why", async () => {
    const dir = shallowClone("mislabel", "pr5");
    const { config, root } = configOf(dir);
    const payload = join(tmp, "event.json");
    writeFileSync(payload, JSON.stringify({ pull_request: { number: 7, base: { ref: "main", sha: baseSha } } }));
    const event = readEventBase({ GITHUB_EVENT_PATH: payload });
    expect(event).toEqual({ ref: "main", sha: baseSha });
    const est = await localEstimate({ cwd: root, config, logger: new RecordingLogger(), event });
    expect(est.baseRef).toBe("origin/main");
    expect(est.baseSha).toBe(baseSha); // the PR's base, not main's later tip
    const noSha = await localEstimate({ cwd: root, config, logger: new RecordingLogger(), event: { ref: "main" } });
    expect(noSha.base).toBeUndefined();
    expect(noSha.noBaseReason).toMatch(/no base\.sha/);
    // --base-ref wins over the event
    expect(chooseBase("v1.2", { ref: "main", sha: baseSha })).toEqual({ ref: "v1.2" });
    // not a pull request's event, or no payload
    writeFileSync(payload, JSON.stringify({ push: {} }));
    expect(readEventBase({ GITHUB_EVENT_PATH: payload })).toBeUndefined();
    expect(readEventBase({})).toBeUndefined();
    expect(chooseBase(undefined, undefined)).toEqual({ ref: "origin/main" });
  }, 120_000);

  it("outside a git checkout: head's metrics only", async () => {
    const dir = join(tmp, "plain");
    copyExampleBot(dir);
    const { config, root } = configOf(dir);
    const est = await localEstimate({ cwd: root, config, logger: new RecordingLogger(), event: null });
    expect(est.noBaseReason).toMatch(/not a git checkout/);
    expect(est.head.length).toBeGreaterThan(0);
  }, 120_000);
});
