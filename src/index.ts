// The Action entry: exports run() (what @github/local-action calls) and runs it when executed as `node dist/index.js`.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { run } from "./action/main.js";

export { run };

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
