// Runs every bench/*.bench.ts (or the ones named on the command line: npm run bench -- validate classifier).
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const want = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => want.length === 0 || want.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${want.join(" ")}`);
  process.exit(2);
}
for (const f of files) {
  console.log(`\n=== ${f.replace(".bench.ts", "")}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { bench: () => Promise<void> };
  await mod.bench();
}
