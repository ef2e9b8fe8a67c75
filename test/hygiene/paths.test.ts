// No absolute path of a developer's machine in the repository: every tracked file is searched for the checkout's own
// path and for its parent directory (where ../shared and the other checkouts live), so a path that works only on one
// machine (a data set under the parent folder, a home directory) fails here on that machine and in CI.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/[\\/]$/, "");
const PARENT = dirname(ROOT);

/** Tracked files (git ls-files); outside a git checkout, every file but node_modules, .git and dist. */
function trackedFiles(): string[] {
  try {
    return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\0").filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (["node_modules", ".git", "dist"].includes(e.name)) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.push(relative(ROOT, p));
      }
    };
    walk(ROOT);
    return out;
  }
}

/** The machine paths to look for: the checkout, and its parent as a folder prefix (unless the parent is the root). */
function machinePaths(root: string): string[] {
  const parent = dirname(root);
  return parent === dirname(parent) ? [root] : [root, parent + sep];
}

describe("repository hygiene", () => {
  it("machinePaths looks for the checkout and its parent folder", () => {
    expect(machinePaths("/home/dev/projects/cognigy-nlu")).toEqual(["/home/dev/projects/cognigy-nlu", "/home/dev/projects/"]);
    expect(machinePaths("/repo")).toEqual(["/repo"]);
  });

  it("no tracked file contains this checkout's path or its parent directory", () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const needles = machinePaths(ROOT);
    expect(needles).toContain(ROOT);
    const hits: string[] = [];
    for (const f of files) {
      const p = join(ROOT, f);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(p);
      } catch {
        continue; // deleted in the work tree, not committed yet
      }
      if (!st.isFile()) continue;
      const text = readFileSync(p).toString("latin1");
      for (const n of needles) {
        const at = text.indexOf(n);
        if (at >= 0) hits.push(`${f}:${text.slice(0, at).split("\n").length}: ${n}`);
      }
    }
    expect(hits, `absolute paths of this machine (parent ${PARENT})`).toEqual([]);
  });
});
