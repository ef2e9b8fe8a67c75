// Where the benchmarks find the full public data sets: beside the project (../shared/datasets), or the folder named by
// COGNIGY_NLU_DATASETS. A missing file is said clearly and that benchmark is left out (the tests use the small
// slices vendored in test/fixtures/datasets instead).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const DATASETS = process.env.COGNIGY_NLU_DATASETS ? resolve(process.env.COGNIGY_NLU_DATASETS) : join(ROOT, "..", "shared", "datasets");

/** The path of `rel` under the data sets folder, or undefined after printing what is missing and how to provide it. */
export function dataset(rel: string, what: string): string | undefined {
  const p = join(DATASETS, rel);
  if (existsSync(p)) return p;
  console.log(`MISSING ${what}: ${p} does not exist — put the data sets in ../shared/datasets beside the project or set COGNIGY_NLU_DATASETS; this benchmark is skipped`);
  return undefined;
}

/** CLINC150 (CC BY 3.0) data_full.json. */
export const clinc150 = () => dataset(join("clinc150", "data_full.json"), "CLINC150 (data_full.json)");
