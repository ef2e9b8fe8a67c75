// Measured figures of a reliability run: each suite writes one JSON file when RELIABILITY_FIGURES names a folder
// (scripts/reliability-report.ts sets it and renders docs/reliability.md's figures from them).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function recordFigures(suite: string, data: unknown): void {
  const dir = process.env.RELIABILITY_FIGURES;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify(data, null, 2)}\n`);
}
