// README's "Run it locally" and what CI runs (.ci/local-action: GitHub's @github/local-action against the emulator, in
// .ci/run) stay the same thing: the entry exports run() without starting on import, the same pinned version, the same
// inputs. The run itself is in .ci/run (the tool is ~330 MB: not a devDependency, fetched by npx there).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const read = (p: string) => readFileSync(`${ROOT}${p}`, "utf8");

/** The fenced sh block of README's "Run it locally" section. */
function readmeBlock(): string {
  const readme = read("README.md");
  const section = readme.slice(readme.indexOf("### Run it locally"));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("README has no sh block under 'Run it locally'");
  return m[1];
}

const inputKeys = (text: string) => [...text.matchAll(/^(INPUT_[A-Z-]+)=/gm)].map((m) => m[1]).sort();
const pinned = (text: string) => [...text.matchAll(/@github\/local-action@(\d+\.\d+\.\d+)/g)].map((m) => m[1]);

describe("@github/local-action: README and CI", () => {
  it("the entry src/index.ts exports run() and does not start the Action when imported (local-action imports it)", () => {
    // a fresh process with no inputs: starting would print workflow commands (::error:: …) and set a failing exit code
    const script = 'const m = await import("./src/index.ts"); console.log(typeof m.run);';
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "" } });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("function\n");
    expect(r.status).toBe(0);
  });

  it("CI runs the README's command: the same pinned version, the same entry, the same inputs", () => {
    const block = readmeBlock();
    const ci = read(".ci/local-action");
    expect(pinned(block)).toHaveLength(1);
    expect(pinned(ci)).toEqual(pinned(block));
    expect(block).toMatch(/ run \. src\/index\.ts /);
    expect(ci).toMatch(/ run \. src\/index\.ts /);
    expect(inputKeys(ci)).toEqual(inputKeys(block));
    expect(inputKeys(block)).toContain("INPUT_MODE");
    expect(block).toContain("INPUT_MODE=check");
    expect(ci).toContain("INPUT_MODE=check");
  });

  it(".ci/run runs it before the tests and stops on its failure", () => {
    expect(read(".ci/run")).toMatch(/^\.ci\/local-action \|\| bail /m);
  });
});
