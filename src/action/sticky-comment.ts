// The sticky PR comment: found by its hidden marker across every page of comments, updated in place, else created once.
import type { getOctokit } from "@actions/github";
import { truncateMarkdown } from "../report/markdown.js";
import type { GitHubContext } from "./context.js";

export type Octokit = ReturnType<typeof getOctokit>;

/** GitHub's limit on a comment body (characters). */
export const MAX_COMMENT_CHARS = 65_536;

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface StickyResult {
  action: "created" | "updated";
  id: number;
  url?: string;
}

/** The login GITHUB_TOKEN (and any installation token, which cannot read /user) writes comments as. */
export const ACTIONS_BOT = "github-actions[bot]";

/**
 * Who this Action writes comments as: the token's own login (GET /user, for a personal or bot user token), else
 * github-actions[bot] (GITHUB_TOKEN and app installation tokens get 403 there).
 */
export async function commentIdentity(octokit: Octokit): Promise<string> {
  try {
    const r = await octokit.rest.users.getAuthenticated();
    const login = (r.data as { login?: unknown }).login;
    return typeof login === "string" && login ? login : ACTIONS_BOT;
  } catch {
    return ACTIONS_BOT;
  }
}

/**
 * Finds the id of the newest comment carrying the marker that `author` wrote, looking through all pages. A comment
 * anyone else wrote (quoting the marker, or forging it) is never taken.
 */
export async function findStickyComment(octokit: Octokit, t: CommentTarget, marker: string, author: string = ACTIONS_BOT): Promise<number | undefined> {
  let found: number | undefined;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: t.owner, repo: t.repo, issue_number: t.issueNumber, per_page: 100 })) {
    for (const c of page.data) {
      if (typeof c.body !== "string" || !c.body.includes(marker)) continue;
      if (c.user?.login !== author) continue;
      found = c.id;
    }
  }
  return found;
}

/**
 * Updates this Action's marked comment in place, or creates it. The body must contain the marker (it is added when
 * missing). `author` defaults to the token's identity (commentIdentity).
 */
export async function upsertStickyComment(octokit: Octokit, t: CommentTarget, marker: string, body: string, author?: string): Promise<StickyResult> {
  // the marker exactly once, first; a body over the limit is cut at a block boundary with its <details> closed
  let text = body.startsWith(marker) && !body.slice(marker.length).includes(marker) ? body : `${marker}\n${body.split(marker).join("")}`;
  if (text.length > MAX_COMMENT_CHARS) text = truncateMarkdown(text, MAX_COMMENT_CHARS, { note: "\n---\n> ⚠️ **truncated:** the full report is in the job summary of the run.\n" });
  const id = await findStickyComment(octokit, t, marker, author ?? (await commentIdentity(octokit)));
  if (id !== undefined) {
    const r = await octokit.rest.issues.updateComment({ owner: t.owner, repo: t.repo, comment_id: id, body: text });
    return { action: "updated", id, url: r.data.html_url };
  }
  const r = await octokit.rest.issues.createComment({ owner: t.owner, repo: t.repo, issue_number: t.issueNumber, body: text });
  return { action: "created", id: r.data.id, url: r.data.html_url };
}

export type CommentDecision = { post: true; target: CommentTarget } | { post: false; reason: string; notice: boolean };

/** Whether to post the comment: only on pull requests, per the comment input, with a token that can write. */
export function decideComment(opts: { comment: "on" | "off" | "on-failure"; failed: boolean; ctx: GitHubContext; token?: string }): CommentDecision {
  const { ctx } = opts;
  if (opts.comment === "off") return { post: false, reason: "comment: off", notice: false };
  if (!ctx.pullRequest || !ctx.owner || !ctx.repo) return { post: false, reason: "not a pull request event", notice: false };
  if (opts.comment === "on-failure" && !opts.failed) return { post: false, reason: "comment: on-failure and the check passed", notice: false };
  if (ctx.pullRequest.fromFork) return { post: false, reason: "PR comment skipped: the pull request comes from a fork, whose token cannot write comments; the verdict is in the job summary", notice: true };
  if (!opts.token) return { post: false, reason: "PR comment skipped: no github-token", notice: true };
  return { post: true, target: { owner: ctx.owner, repo: ctx.repo, issueNumber: ctx.pullRequest.number } };
}

/** The HTTP status of an Octokit error, if any. */
export function httpStatus(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status;
  return typeof s === "number" ? s : undefined;
}
