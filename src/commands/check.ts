// `cognigy-nlu check [--fail-on-drift]`: pull-request mode — validate, plan, drift, evaluate the current model, gate verdict.
import { findingLines } from "../pipeline/console.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { runCheck } from "../pipeline/run.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const report = await runCheck({ ...s.run, failOnDrift: ctx.values["fail-on-drift"] === true }, { logger: s.logger });
  if (!s.json) {
    if (report.error?.step === "validate") for (const l of findingLines(report)) s.print(l);
  }
  return finishCommand(s, report);
}
