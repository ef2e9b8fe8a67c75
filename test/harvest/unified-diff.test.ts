// The unified diff: patches made by unifiedDiff apply with `git apply` and reproduce the new text exactly.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/pipeline/harvest/unified-diff.js";

function applies(oldText: string | null, newText: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cnlu-diff-"));
  try {
    if (oldText !== null) writeFileSync(join(dir, "f.yml"), oldText);
    const patch = unifiedDiff("f.yml", oldText, newText);
    writeFileSync(join(dir, "p.patch"), patch);
    execFileSync("git", ["apply", "--unsafe-paths", "--directory=", "p.patch"], { cwd: dir, stdio: "pipe" });
    return readFileSync(join(dir, "f.yml"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a", "x\n", "x\n")).toBe("");
  });
  it("appends lines in one hunk with context", () => {
    const d = unifiedDiff("i/a.yml", "intent: A\nexamples:\n  - one\n  - two\n", "intent: A\nexamples:\n  - one\n  - two\n  - three\n");
    expect(d).toContain("--- a/i/a.yml\n+++ b/i/a.yml\n@@ -2,3 +2,4 @@\n examples:\n   - one\n   - two\n+  - three\n");
  });
  it("handles a missing final newline and new files", () => {
    expect(applies("a\nb", "a\nb\nc\n")).toBe("a\nb\nc\n");
    expect(applies("a\nb\n", "a\nb")).toBe("a\nb");
    expect(applies(null, "new\nfile\n")).toBe("new\nfile\n");
  });
  it("round-trips random edits through git apply", () => {
    const line = fc.constantFrom("a", "b", "c", "d", "  - x", "# note", "");
    const text = fc.array(line, { maxLength: 30 }).chain((ls) => fc.boolean().map((eol) => (ls.length ? ls.join("\n") + (eol ? "\n" : "") : "")));
    fc.assert(
      fc.property(text, text, (a, b) => {
        if (a === b || a === "") return true;
        return applies(a, b) === b;
      }),
      { numRuns: 40 },
    );
  });
});
