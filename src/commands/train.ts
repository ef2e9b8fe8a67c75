// `cognigy-nlu train`: apply the training settings and train every flow × locale, one at a time, waiting for each.
import { findingLines, trainingLines } from "../pipeline/console.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { runTrain } from "../pipeline/run.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const report = await runTrain(s.run, { logger: s.logger });
  if (!s.json) {
    if (report.training) for (const l of trainingLines(report.training)) s.print(l);
    else for (const l of findingLines(report)) s.print(l);
  }
  return finishCommand(s, report);
}
