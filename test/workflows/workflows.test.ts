// The repository's workflows and action.yml pass GitHub's workflow parser, and the release workflow's own scripts,
// run on a temporary git repository with a local "origin", tag vX.Y.Z and move the major tag.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintFiles, lintText, workflowFiles } from "../../scripts/lint-workflows.js";

const root = resolve(import.meta.dirname, "../..");
const actionYml = readFileSync(join(root, "action.yml"), "utf8");

describe("workflow lint (@actions/workflow-parser)", () => {
  it("finds every workflow of .github/ and examples/ plus action.yml, and reports 0 errors on them", () => {
    const files = workflowFiles(root).map((f) => f.slice(root.length + 1));
    expect(files).toContain(".github/workflows/release.yml");
    expect(files).toContain(".github/workflows/ci.yml");
    expect(files).toContain("examples/pr-check.yml");
    expect(files).toContain("action.yml");
    expect(lintFiles(root)).toEqual([]);
  });

  it("reports the compact-mapping error the release workflow once had, with its line", () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: test -z "$(x)" || { echo "::error::stale: run it"; exit 1; }\n';
    const errors = lintText("bad.yml", bad, "workflow");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/Nested mappings are not allowed in compact mappings at line 6/);
  });

  it("reports unknown keys of a workflow and of action.yml", () => {
    expect(lintText("w.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n", "workflow").map((e) => e.message).join("\n")).toMatch(/stepz/);
    expect(lintText("action.yml", "name: x\ndescription: y\nruns:\n  using: node24\n  mian: dist/index.js\n", "action").map((e) => e.message).join("\n")).toMatch(/mian/);
  });

  it("reports an input or an output of this Action that action.yml does not declare", () => {
    const wf = [
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - id: nlu",
      "        uses: cognigy-nlu/cognigy-nlu@v1",
      "        with: { mode: check, api-kee: x }",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      "      - run: echo ${{ steps.nlu.outputs.macro-f1 }} ${{ steps.nlu.outputs.macro-f2 }}",
      "",
    ].join("\n");
    const msgs = lintText("w.yml", wf, "workflow", actionYml).map((e) => e.message);
    expect(msgs).toEqual(["job 'a': input 'api-kee' is not declared in action.yml", "job 'a': output 'macro-f2' is not declared in action.yml"]);
  });
});

describe("release workflow scripts on a temporary repository", () => {
  const steps = (parse(readFileSync(join(root, ".github/workflows/release.yml"), "utf8")) as { jobs: { release: { steps: { name?: string; run?: string }[] } } }).jobs.release.steps;
  const script = (name: string) => {
    const s = steps.find((x) => x.name === name)?.run;
    if (!s) throw new Error(`release.yml has no step '${name}'`);
    return s;
  };
  let tmp: string;
  let work: string;
  let origin: string;
  let env: NodeJS.ProcessEnv;
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
  // as GitHub runs a `run:` step with `shell: bash`
  const runStep = (name: string, version: string) => {
    const file = join(tmp, "step.sh");
    writeFileSync(file, script(name));
    return spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd: work, env: { ...env, VERSION: version, GH_TOKEN: "unused" }, encoding: "utf8" });
  };
  const commit = (version: string) => {
    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "x", version }));
    git(work, "add", "package.json");
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", `v${version}`);
    return git(work, "rev-parse", "HEAD");
  };
  const tagTarget = (repo: string, tag: string) => git(repo, "rev-parse", `refs/tags/${tag}^{commit}`);

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "cnlu-release-"));
    const bin = join(tmp, "bin");
    mkdirSync(bin);
    // `gh release create …` records its arguments instead of calling GitHub
    writeFileSync(join(bin, "gh"), `#!/usr/bin/env bash\necho "$@" >> "${join(tmp, "gh.log")}"\n`);
    chmodSync(join(bin, "gh"), 0o755);
    writeFileSync(join(tmp, "gitconfig"), "");
    env = { PATH: `${bin}:${process.env.PATH}`, HOME: tmp, GIT_CONFIG_GLOBAL: join(tmp, "gitconfig"), GIT_CONFIG_NOSYSTEM: "1", LANG: "C" };
    origin = join(tmp, "origin.git");
    work = join(tmp, "work");
    execFileSync("git", ["init", "-q", "--bare", origin], { env });
    execFileSync("git", ["init", "-q", work], { env });
    git(work, "remote", "add", "origin", origin);
    const old = commit("1.1.0");
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "tag", "-a", "v1.1.0", "-m", "v1.1.0");
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "tag", "-a", "v1", "-m", "v1");
    git(work, "push", "-q", "origin", "HEAD:refs/heads/main", "--tags");
    expect(tagTarget(origin, "v1")).toBe(old);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("checks the version: X.Y.Z only, equal to package.json's, not tagged yet", () => {
    commit("1.2.3");
    expect(runStep("Check the version", "1.2").stdout).toContain("::error::version must be X.Y.Z, got '1.2'");
    expect(runStep("Check the version", "1.2.4").stdout).toContain("::error::package.json's version is not 1.2.4");
    const ok = runStep("Check the version", "1.2.3");
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  });

  it("tags v1.2.3, moves v1 to it on the remote, and creates the release", () => {
    const head = git(work, "rev-parse", "HEAD");
    const r = runStep("Tag vX.Y.Z and move vX", "1.2.3");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(tagTarget(origin, "v1.2.3")).toBe(head);
    expect(tagTarget(origin, "v1")).toBe(head);
    expect(tagTarget(origin, "v1.1.0")).not.toBe(head);
    expect(readFileSync(join(tmp, "gh.log"), "utf8")).toMatch(/^release create v1\.2\.3 /);
    // a second release of the same version is refused before anything is tagged
    expect(runStep("Check the version", "1.2.3").stdout).toContain("::error::tag v1.2.3 exists");
  });
});
