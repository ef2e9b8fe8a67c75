// Prints the plain "N passed, N failed" line over one or more vitest JSON reports (CI records it). Each report is one
// run of the suite (.ci/run: Node 20, Node 20 under a CPU hog, Node 24), so the line adds up the runs: the line above
// it says how many runs and how many distinct tests one run has.
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
if (files.length === 0) files.push("test-results.json");
let passed = 0;
let failed = 0;
let skipped = 0;
const perRun = [];
for (const file of files) {
  let r;
  try {
    r = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    console.log(`no test report at ${file}: ${e.message}`);
    failed += 1;
    continue;
  }
  // A file that failed to load has no assertion results: count it as one failure.
  const brokenFiles = (r.testResults ?? []).filter((t) => t.status === "failed" && (t.assertionResults ?? []).length === 0).length;
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + brokenFiles;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${file}: ${r.numPassedTests ?? 0} passed, ${(r.numFailedTests ?? 0) + brokenFiles} failed`);
  perRun.push(r.numTotalTests ?? 0);
}
const runs = files.map((f) => f.split("/").pop().replace(/^test-results-?/, "").replace(/\.json$/, "") || f);
if (files.length > 1) console.log(`the line below adds up ${files.length} runs of the suite (${runs.join(", ")}) of ${Math.max(0, ...perRun)} tests each`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
