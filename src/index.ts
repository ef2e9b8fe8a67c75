// The Action entry: exports run() (what @github/local-action calls) and runs it when executed as `node dist/index.js`.
// The Action's main is imported only inside run(), after Node's module compile cache is on (where the runtime has it).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { enableCompileCache } from "./startup.js";

export async function run(): Promise<void> {
  enableCompileCache();
  const main = await import("./action/main.js");
  await main.run();
}

function executedDirectly(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (executedDirectly()) void run();
