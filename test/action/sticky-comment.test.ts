// The sticky comment against the local fake GitHub API: found across pages by its marker, updated in place, never duplicated.
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GitHubContext } from "../../src/action/context.js";
import { decideComment, findStickyComment, httpStatus, type Octokit, upsertStickyComment } from "../../src/action/sticky-comment.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-api.js";

const MARKER = "<!-- cognigy-nlu:sticky:test -->";
const target = { owner: "acme", repo: "bot", issueNumber: 7 };
let gh: FakeGitHub;
let octokit: Octokit;

beforeAll(async () => {
  gh = await startFakeGitHub({ token: "ghs_faketoken_abcdef" });
  octokit = getOctokit(gh.token, { baseUrl: gh.url });
});
afterAll(() => gh.close());
beforeEach(() => {
  gh.comments.clear();
  gh.requests.length = 0;
  gh.denyWrites = false;
  gh.maxPerPage = 100;
});

describe("sticky PR comment", () => {
  it("creates the comment once, then updates it in place", async () => {
    const a = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nfirst`);
    expect(a.action).toBe("created");
    const b = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nsecond`);
    expect(b).toMatchObject({ action: "updated", id: a.id });
    const list = gh.comments.get(7)!;
    expect(list).toHaveLength(1);
    expect(list[0].body).toBe(`${MARKER}\nsecond`);
  });

  it("finds the marked comment on a later page (Link header pagination)", async () => {
    gh.maxPerPage = 2;
    for (let i = 0; i < 5; i++) gh.seedComment(7, `chatter ${i}`);
    const mine = gh.seedComment(7, `${MARKER}\nold verdict`, "github-actions[bot]");
    gh.seedComment(7, "after");
    expect(await findStickyComment(octokit, target, MARKER)).toBe(mine.id);
    const pages = gh.requests.filter((r) => r.method === "GET" && r.url.includes("/issues/7/comments"));
    expect(pages.length).toBe(4);
    const r = await upsertStickyComment(octokit, target, MARKER, "new verdict");
    expect(r).toMatchObject({ action: "updated", id: mine.id });
    expect(gh.comments.get(7)).toHaveLength(7);
    expect(gh.comments.get(7)!.find((c) => c.id === mine.id)!.body).toBe(`${MARKER}\nnew verdict`);
  });

  it("ignores comments with another marker", async () => {
    gh.seedComment(7, "<!-- cognigy-nlu:sticky:other -->\nx");
    const r = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\ny`);
    expect(r.action).toBe("created");
    expect(gh.comments.get(7)).toHaveLength(2);
  });

  it("surfaces a read-only token as a 403 and a bad token as a 401", async () => {
    gh.denyWrites = true;
    const e = await upsertStickyComment(octokit, target, MARKER, "x").catch((x: unknown) => x);
    expect(httpStatus(e)).toBe(403);
    const bad = getOctokit("wrong-token", { baseUrl: gh.url });
    const e2 = await findStickyComment(bad, target, MARKER).catch((x: unknown) => x);
    expect(httpStatus(e2)).toBe(401);
  });
});

describe("decideComment", () => {
  const ctx = (fork: boolean): GitHubContext => ({
    eventName: "pull_request",
    owner: "acme",
    repo: "bot",
    repository: "acme/bot",
    serverUrl: "https://github.com",
    apiUrl: "https://api.github.com",
    pullRequest: { number: 7, fromFork: fork },
  });
  it("posts on a PR with a token", () => {
    expect(decideComment({ comment: "on", failed: false, ctx: ctx(false), token: "t" })).toEqual({ post: true, target });
  });
  it("on-failure posts only when failed", () => {
    expect(decideComment({ comment: "on-failure", failed: false, ctx: ctx(false), token: "t" }).post).toBe(false);
    expect(decideComment({ comment: "on-failure", failed: true, ctx: ctx(false), token: "t" }).post).toBe(true);
  });
  it("skips with a notice on fork PRs, silently outside PRs and when off", () => {
    expect(decideComment({ comment: "on", failed: true, ctx: ctx(true), token: "t" })).toMatchObject({ post: false, notice: true });
    expect(decideComment({ comment: "on", failed: true, ctx: { ...ctx(false), pullRequest: undefined }, token: "t" })).toMatchObject({ post: false, notice: false });
    expect(decideComment({ comment: "off", failed: true, ctx: ctx(false), token: "t" })).toMatchObject({ post: false, notice: false });
  });
});
