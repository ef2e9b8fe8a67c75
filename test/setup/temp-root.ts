// One temporary folder per test run: every test's mkdtemp (os.tmpdir() reads TMPDIR) and every process a test starts
// lands in it, and it is removed when the run ends, whatever a test left behind (a failed assertion skips its own
// cleanup). Without it each run left ~3,000 folders in the system's temp folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "cnlu-tests-"));
  const before = process.env.TMPDIR;
  // set before the workers start: they (and what they spawn) inherit it
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
