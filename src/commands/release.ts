// `cognigy-nlu release`: main-branch mode — validate, plan, backup, sync, train, evaluate, gate, promote (or roll back).
import { findingLines } from "../pipeline/console.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { runRelease } from "../pipeline/run.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const report = await runRelease(s.run, { logger: s.logger });
  if (!s.json) {
    if (report.error?.step === "validate") for (const l of findingLines(report)) s.print(l);
  }
  return finishCommand(s, report);
}
