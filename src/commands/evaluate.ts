// `cognigy-nlu evaluate [--shard i/n] [--sample F] [--baseline report.json]`: score the held-out tests on the trained model.
import { findingLines } from "../pipeline/console.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { runEvaluate } from "../pipeline/run.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const report = await runEvaluate(s.run, { logger: s.logger });
  if (!s.json && report.error?.step === "validate") for (const l of findingLines(report)) s.print(l);
  return finishCommand(s, report);
}
