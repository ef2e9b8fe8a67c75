// The Action entry: only runs the Action's main.
import { run } from "./action/main.js";

void run();
