// Writes the small real-data slices the tests use (test/fixtures/datasets/) from the full sets beside the project
// (../shared/datasets, or COGNIGY_NLU_DATASETS). Deterministic: re-running it gives the same files.
//   CLINC150 (CC BY 3.0): 25 intents whole (train + val + test, for the classifier test), the first 12 training
//   examples and 3 tests of every other intent (150 intents, for pull), the first 200 out-of-scope tests.
//   HWU64 (CC BY 4.0): the first 15 training rows and 3 test rows of each of the 64 intents.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const from = process.env.COGNIGY_NLU_DATASETS ?? join(root, "..", "shared", "datasets");
const to = join(root, "test", "fixtures", "datasets");

const d = JSON.parse(readFileSync(join(from, "clinc150", "data_full.json"), "utf8"));
const labels = [...new Set(d.train.map((r) => r[1]))].sort();
const whole = new Set(labels.slice(0, 25));
const firstN = (rows, n) => {
  const seen = new Map();
  return rows.filter(([, l]) => {
    const k = (seen.get(l) ?? 0) + 1;
    seen.set(l, k);
    return whole.has(l) || k <= n;
  });
};
const clinc = {
  train: firstN(d.train, 12),
  val: d.val.filter(([, l]) => whole.has(l)),
  test: firstN(d.test, 3),
  oos_test: d.oos_test.slice(0, 200),
};
mkdirSync(join(to, "clinc150"), { recursive: true });
writeFileSync(join(to, "clinc150", "slice.json"), `{\n${Object.entries(clinc).map(([k, rows]) => `${JSON.stringify(k)}: [\n${rows.map((r) => JSON.stringify(r)).join(",\n")}\n]`).join(",\n")}\n}\n`);

function csvRows(file) {
  const [head, ...lines] = readFileSync(file, "utf8").split(/\r?\n/).filter(Boolean);
  if (head !== "text,category") throw new Error(`${file}: unexpected header ${head}`);
  return lines;
}
const perCategory = (lines, n) => {
  const seen = new Map();
  return lines.filter((line) => {
    const cat = line.slice(line.lastIndexOf(",") + 1);
    const k = (seen.get(cat) ?? 0) + 1;
    seen.set(cat, k);
    return k <= n;
  });
};
mkdirSync(join(to, "hwu64"), { recursive: true });
writeFileSync(join(to, "hwu64", "train.csv"), `text,category\n${perCategory(csvRows(join(from, "hwu64", "train.csv")), 15).join("\n")}\n`);
writeFileSync(join(to, "hwu64", "test.csv"), `text,category\n${perCategory(csvRows(join(from, "hwu64", "test.csv")), 3).join("\n")}\n`);
console.log(`CLINC150 slice: ${Object.entries(clinc).map(([k, v]) => `${k} ${v.length}`).join(", ")}`);
