// Reading the runner context: pull request and fork detection from the event payload.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGitHubContext, validateOnlyReason } from "../../src/action/context.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cnlu-ctx-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function event(name: string, payload: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(payload));
  return p;
}
const pr = (head: unknown) => ({ number: 7, pull_request: { number: 7, head: { sha: "abc", repo: head }, base: { repo: { full_name: "acme/bot" } } }, repository: { full_name: "acme/bot", default_branch: "trunk" } });
const env = (path: string) => ({ GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: "acme/bot", GITHUB_RUN_ID: "5", GITHUB_API_URL: "http://127.0.0.1:1/" });

describe("readGitHubContext", () => {
  it("reads a same-repository PR", () => {
    const c = readGitHubContext(env(event("same.json", pr({ full_name: "acme/bot", fork: false }))));
    expect(c).toMatchObject({ owner: "acme", repo: "bot", defaultBranch: "trunk", apiUrl: "http://127.0.0.1:1", runUrl: "https://github.com/acme/bot/actions/runs/5" });
    expect(c.pullRequest).toMatchObject({ number: 7, fromFork: false, headSha: "abc" });
  });
  it("detects a fork by the flag, by a different full name, or a deleted head repository", () => {
    expect(readGitHubContext(env(event("f1.json", pr({ full_name: "someone/bot", fork: true })))).pullRequest?.fromFork).toBe(true);
    expect(readGitHubContext(env(event("f2.json", pr({ full_name: "someone/bot" })))).pullRequest?.fromFork).toBe(true);
    expect(readGitHubContext(env(event("f3.json", pr(null)))).pullRequest?.fromFork).toBe(true);
  });
  it("has no pull request on a push, and survives a missing payload", () => {
    expect(readGitHubContext({ GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: join(dir, "nope.json") }).pullRequest).toBeUndefined();
  });
  it("explains why a run only validates", () => {
    const fork = readGitHubContext(env(event("f4.json", pr({ full_name: "x/bot", fork: true }))));
    expect(validateOnlyReason(fork, false)).toMatch(/fork/);
    expect(validateOnlyReason(readGitHubContext({}), false)).toMatch(/no Cognigy API key/);
    expect(validateOnlyReason(readGitHubContext({}), true)).toBeUndefined();
  });
});
