// The Action entry: turns on Node's module compile cache (where the runtime has it), then runs the Action's main,
// imported only now so that the cache covers it.
import { enableCompileCache } from "./startup.js";

enableCompileCache();
void import("./action/main.js").then((m) => m.run());
