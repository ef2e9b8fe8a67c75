// `validate --base-ref` and `check --base-ref`: the findings baseline compared with the base's copy, read with git
// (a temp repository; the checkout is never touched).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { COMMANDS } from "../../src/cli/commands.js";
import { CONFIG, intentYaml, makeRepo, type Repo } from "../dataset/repo.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()?.();
  vi.restoreAllMocks();
});

/** Runs the CLI in-process; returns the exit code and what it printed. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await main(args, env), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"];
const examples = (topic: string) => words.map((w, i) => `${topic} ${w} ${words[(i + 5) % 16]} ${words[(i + 11) % 16]}`);
const PIZZA = "training-data/main/intents/pizza.yml";
const WEATHER = "training-data/main/intents/weather.yml";
/** Two intents; `dups` examples of pizza repeated (each a duplicate-within warning). */
const pizza = (dups: number) => `${intentYaml("OrderPizza", [...examples("pizza"), ...examples("pizza").slice(0, dups)])}tests:\n  - a pizza for me please\n`;
const weather = `${intentYaml("Weather", examples("weather"))}tests:\n  - is it raining today\n`;

function gitRepo(): { repo: Repo; g: (...args: string[]) => string } {
  const repo = makeRepo({ [PIZZA]: pizza(1), [WEATHER]: weather }, CONFIG.replace("{ en-US: en-US, de-DE: de-DE }", "{ en-US: en-US }"));
  cleanup.push(() => repo.remove());
  const g = (...args: string[]) =>
    execFileSync("git", ["-C", repo.root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  g("init", "-q", "-b", "main");
  return { repo, g };
}

const validate = (repo: Repo, ...args: string[]) => cli(["validate", "--config", join(repo.root, "cognigy-nlu.yml"), ...args]);

describe("validate --base-ref", () => {
  it("calls out a change that grows the baseline, says when one shrinks it, and leaves the checkout as it was", async () => {
    const { repo, g } = gitRepo();
    expect((await validate(repo, "--update-baseline")).code).toBe(0);
    g("add", "-A");
    g("commit", "-qm", "base: one known duplicate");
    const baseSha = g("rev-parse", "HEAD").trim();

    // the pull request: two more duplicates, accepted into the baseline
    g("checkout", "-qb", "pr");
    repo.write(PIZZA, pizza(3));
    const upd = await validate(repo, "--update-baseline", "--base-ref", "main");
    expect(upd.code).toBe(0);
    expect(upd.out).toContain("this change grows cognigy-nlu.baseline.json by 2 findings vs main (1 → 3): new problems accepted as known");
    const status = g("status", "--porcelain");
    const head = g("rev-parse", "HEAD");

    const text = await validate(repo, "--base-ref", "main");
    expect(text.code).toBe(0); // known findings do not fail; the growth is called out, not a failure
    expect(text.out).toContain("this change grows cognigy-nlu.baseline.json by 2 findings vs main (1 → 3)");
    const json = JSON.parse((await validate(repo, "--base-ref", baseSha, "--format", "json")).out) as { baseline: { base: unknown } };
    expect(json.baseline.base).toEqual({ ref: baseSha, size: 1, added: 2, removed: 0 });
    const gh = await validate(repo, "--base-ref", "main", "--format", "github");
    expect(gh.out).toMatch(/^::warning title=findings baseline::this change grows cognigy-nlu\.baseline\.json by 2 findings vs main/m);
    // without --base-ref: no comparison
    expect((await validate(repo)).out).not.toContain("vs main");
    // git show only: the working tree, the index and HEAD are as they were
    expect(g("status", "--porcelain")).toBe(status);
    expect(g("rev-parse", "HEAD")).toBe(head);
    expect(readFileSync(join(repo.root, PIZZA), "utf8")).toBe(pizza(3));

    // a later change fixes every duplicate: the baseline shrinks against the PR branch
    g("add", "-A");
    g("commit", "-qm", "pr: two more known");
    repo.write(PIZZA, pizza(0));
    const fixed = await validate(repo, "--update-baseline", "--base-ref", "pr");
    expect(fixed.out).toContain("this change shrinks cognigy-nlu.baseline.json by 3 findings vs pr (3 → 0)");
  });

  it("a base without a baseline file: everything in this one is added; an unknown ref is a usage error (exit 2)", async () => {
    const { repo, g } = gitRepo();
    g("add", "-A");
    g("commit", "-qm", "base without a baseline");
    expect((await validate(repo, "--update-baseline")).code).toBe(0);
    expect((await validate(repo, "--base-ref", "main")).out).toContain("this change grows cognigy-nlu.baseline.json by 1 finding vs main (0 → 1)");
    const bad = await validate(repo, "--base-ref", "no-such-branch");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/base-ref: 'no-such-branch' is not in this clone and there is no remote 'origin'/);
    const opt = await validate(repo, "--base-ref", "--output=x");
    expect(opt.code).toBe(2);
  });

  it("a shallow clone (actions/checkout's default) fetches the base commit and reads it; its checkout is unchanged", async () => {
    const { repo, g } = gitRepo();
    expect((await validate(repo, "--update-baseline")).code).toBe(0);
    g("add", "-A");
    g("commit", "-qm", "base");
    const baseSha = g("rev-parse", "HEAD").trim();
    repo.write(PIZZA, pizza(2));
    await validate(repo, "--update-baseline");
    g("commit", "-qam", "head: one more known");
    const clone = mkdtempSync(join(tmpdir(), "cnlu-shallow-"));
    cleanup.push(() => rmSync(clone, { recursive: true, force: true }));
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.root}`, clone], { stdio: "ignore" });
    const cg = (...args: string[]) => execFileSync("git", ["-C", clone, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(() => cg("cat-file", "-e", `${baseSha}^{commit}`)).toThrow();
    const head = cg("rev-parse", "HEAD");
    const r = await cli(["validate", "--config", join(clone, "cognigy-nlu.yml"), "--base-ref", baseSha]);
    expect(r.out).toContain(`this change grows cognigy-nlu.baseline.json by 1 finding vs ${baseSha} (1 → 2)`);
    expect(cg("rev-parse", "HEAD")).toBe(head);
    expect(cg("status", "--porcelain")).toBe("");
  });
});

describe("check --base-ref", () => {
  it("compares the findings baseline with the base it judges against (local estimate, no key)", async () => {
    const { repo, g } = gitRepo();
    expect((await validate(repo, "--update-baseline")).code).toBe(0);
    g("add", "-A");
    g("commit", "-qm", "base");
    g("checkout", "-qb", "pr");
    repo.write(PIZZA, pizza(2));
    await validate(repo, "--update-baseline");
    const out = join(repo.root, "out");
    const r = await cli(["check", "--config", join(repo.root, "cognigy-nlu.yml"), "--base-ref", "main", "--out", out, "--format", "json"]);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { knownFindings?: { base?: unknown } };
    expect(report.knownFindings?.base).toEqual({ ref: "main", size: 1, added: 1, removed: 0 });
    expect(r.code).not.toBe(2);
  });

  it("help: validate and check describe --base-ref", () => {
    expect(COMMANDS.validate.flags["base-ref"]?.description).toMatch(/findings baseline.*git/);
    expect(COMMANDS.check.flags["base-ref"]?.description).toMatch(/findings baseline/);
  });
});
