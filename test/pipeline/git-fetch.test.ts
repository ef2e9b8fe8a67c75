// Fetches of a base a depth-1 clone lacks: two at once in one repository (the estimate's prefetch and the findings
// baseline's read start together) must not collide on .git/shallow.lock or read each other's FETCH_HEAD; a cancelled
// prefetch stops its fetch instead of waiting for it. The remote answers slowly (a delayed upload-pack) so the fetches
// really overlap.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { prefetchBase } from "../../src/pipeline/estimate.js";
import { tryReadBaseBaseline } from "../../src/pipeline/findings-baseline.js";
import { GitUnavailable, repoPrefix, resolveCommit } from "../../src/pipeline/git.js";
import { git, gitChildren, REPO, seedRepos } from "./git-env.js";

let tmp: string;
let up: string;
const sha: Record<string, string> = {};

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "git-fetch-"));
  const repos = seedRepos(tmp, "up.git");
  up = repos.origin;
  const seed = repos.seed;
  git(seed, "add", "-A");
  git(seed, "commit", "--quiet", "-m", "main");
  for (const b of ["other", "feature"]) {
    git(seed, "checkout", "--quiet", "-b", b);
    git(seed, "commit", "--quiet", "--allow-empty", "-m", b);
  }
  for (const b of ["main", "other", "feature"]) {
    sha[b] = git(seed, "rev-parse", b);
    git(seed, "push", "--quiet", up, b);
  }
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A depth-1 clone of `feature` whose remote takes `delay` seconds to start answering a fetch. */
function slowClone(name: string, delay: number): string {
  const dir = join(tmp, name);
  git(tmp, "clone", "--quiet", "--depth=1", "--single-branch", "--branch", "feature", `file://${up}`, dir);
  git(dir, "config", "remote.origin.uploadpack", `sleep ${delay}; git-upload-pack`);
  return dir;
}

describe("fetching a missing base", () => {
  it("two at once in one depth-1 clone: both succeed, each with its own commit", async () => {
    const dir = slowClone("two", 0.5);
    const [a, b, c] = await Promise.all([resolveCommit(dir, "origin/main"), resolveCommit(dir, "origin/other"), resolveCommit(dir, sha.main)]);
    expect(a).toMatchObject({ sha: sha.main, fetched: true });
    expect(b).toMatchObject({ sha: sha.other, fetched: true });
    expect(c).toMatchObject({ sha: sha.main, fetched: true });
  }, 30_000);

  it("a cancelled prefetch stops its fetch (the remote would take a minute)", async () => {
    const dir = slowClone("cancel", 60);
    const { config, root } = loadConfig("cognigy-nlu.yml", dir);
    const pre = prefetchBase({ cwd: root, config, baseRef: sha.main, event: null });
    // the fetch is under way (a cancel before it starts would not test the kill)
    while (!gitChildren().some((l) => / fetch /.test(l))) await new Promise((r) => setTimeout(r, 20));
    pre.cancel();
    await expect(pre.reading?.result).rejects.toBeInstanceOf(GitUnavailable);
    await expect(pre.reading?.result).rejects.toThrow(/cancelled/);
  }, 20_000);

  it("a ref fetched once is not fetched again in the same run, though a single-branch clone's fetch leaves origin/main unset", async () => {
    const dir = slowClone("once", 0);
    const fetches: string[] = [];
    const logger = { info: (m: string) => fetches.push(m) };
    const first = await resolveCommit(dir, "origin/main", logger);
    // --depth implies --single-branch: `git fetch origin main` updates FETCH_HEAD, not origin/main
    expect(() => git(dir, "rev-parse", "--verify", "--quiet", "origin/main")).toThrow();
    const again = await Promise.all([resolveCommit(dir, "origin/main", logger), resolveCommit(dir, "origin/main", logger)]);
    expect([first, ...again].map((r) => r.sha)).toEqual([sha.main, sha.main, sha.main]);
    expect(fetches.filter((m) => /^fetching main from origin/.test(m))).toHaveLength(1);
    // another ref is still fetched
    expect((await resolveCommit(dir, "origin/other", logger)).sha).toBe(sha.other);
    expect(fetches.filter((m) => /^fetching /.test(m))).toHaveLength(2);
  }, 30_000);
});

describe("a repository whose path has a line break", () => {
  it("is refused with the reason, not read at a wrong path", async () => {
    const dir = join(tmp, "new\nline");
    mkdirSync(dir);
    git(dir, "init", "--quiet");
    const sub = join(dir, "sub");
    mkdirSync(sub);
    await expect(repoPrefix(sub)).rejects.toThrow(/line break/);
    const { config } = loadConfig(join(REPO, "cognigy-nlu.yml"), REPO);
    // the findings baseline's base read says why there is no comparison (it read `<sha>:linecognigy-nlu.baseline.json`)
    git(dir, "commit", "--quiet", "--allow-empty", "-m", "one");
    expect(await tryReadBaseBaseline({ config, root: sub }, "HEAD")).toMatchObject({ error: expect.stringMatching(/line break/) });
  }, 30_000);
});
