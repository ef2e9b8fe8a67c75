// `baseline: artifact` against the fake GitHub API: the newest successful release on the default branch, else "no baseline".
import { readFileSync, rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadBaseline } from "../../src/action/baseline.js";
import type { GitHubContext } from "../../src/action/context.js";
import { unzip } from "../../src/action/unzip.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-api.js";
import { makeZip } from "../fakes/zip.js";

let gh: FakeGitHub;
let dir: string;
const ctx: GitHubContext = { eventName: "push", owner: "acme", repo: "bot", repository: "acme/bot", runId: "99", serverUrl: "https://github.com", apiUrl: "", defaultBranch: "main" };
const report = (status: string, f1: number, mode = "release") => JSON.stringify({ version: 1, mode, status, gate: { passed: status === "success" }, metrics: { macroF1: f1 } });
const art = (id: number, created: string, reportJson: string, extra: Partial<{ branch: string; run: number; expired: boolean; name: string }> = {}) => ({
  id,
  name: extra.name ?? "cognigy-nlu-report",
  expired: extra.expired ?? false,
  created_at: created,
  workflow_run: { id: extra.run ?? id * 10, head_branch: extra.branch ?? "main", head_sha: "abc" },
  zip: makeZip({ "report.json": reportJson, "report.md": "# r" }),
});

beforeAll(async () => {
  gh = await startFakeGitHub({ token: "ghs_tok_1234" });
  dir = mkdtempSync(join(tmpdir(), "cnlu-base-"));
});
afterAll(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  gh.artifacts.length = 0;
  gh.maxPerPage = 100;
});

describe("downloadBaseline", () => {
  it("takes the newest unexpired successful release from the default branch", async () => {
    gh.maxPerPage = 2; // the list is paginated too
    gh.artifacts.push(
      art(1, "2026-01-01T00:00:00Z", report("success", 0.81)),
      art(2, "2026-01-03T00:00:00Z", report("success", 0.9)),
      art(3, "2026-01-05T00:00:00Z", report("failure", 0.5)), // gate failed: not a baseline
      art(4, "2026-01-06T00:00:00Z", report("success", 0.99), { branch: "feature" }),
      art(5, "2026-01-07T00:00:00Z", report("success", 0.98), { expired: true }),
      art(6, "2026-01-08T00:00:00Z", report("success", 0.97), { run: 99 }), // this very run
      art(7, "2026-01-09T00:00:00Z", report("success", 0.96), { name: "other" }),
    );
    const octokit = getOctokit(gh.token, { baseUrl: gh.url });
    const r = await downloadBaseline(octokit, ctx, { name: "cognigy-nlu-report", dir });
    expect(r.artifactId).toBe(2);
    expect(JSON.parse(readFileSync(r.path!, "utf8")).metrics.macroF1).toBe(0.9);
  });

  it("says 'no baseline' when nothing qualifies", async () => {
    gh.artifacts.push(art(3, "2026-01-05T00:00:00Z", report("failure", 0.5)));
    const octokit = getOctokit(gh.token, { baseUrl: gh.url });
    const r = await downloadBaseline(octokit, ctx, { name: "cognigy-nlu-report", dir });
    expect(r.path).toBeUndefined();
    expect(r.note).toMatch(/^no baseline/);
    gh.artifacts.length = 0;
    expect((await downloadBaseline(octokit, ctx, { name: "cognigy-nlu-report", dir })).note).toMatch(/^no baseline/);
  });

  it("unzip reads what makeZip writes", () => {
    const files = unzip(makeZip({ "a.txt": "hello", "d/b.json": "{}" }));
    expect(files.get("a.txt")!.toString()).toBe("hello");
    expect(files.get("d/b.json")!.toString()).toBe("{}");
  });
});
