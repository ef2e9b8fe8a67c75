// Prints the plain "N passed, N failed" line over one or more vitest JSON reports (CI records it).
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
if (files.length === 0) files.push("test-results.json");
let passed = 0;
let failed = 0;
let skipped = 0;
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
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
