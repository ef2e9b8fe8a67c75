// `cognigy-nlu drift [--fail-on-drift]`: what was changed in Cognigy and not in git, as a table and in report.json.
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { type DriftResult, driftMarkdown, runDrift } from "../pipeline/drift.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const report = await runDrift({ ...s.run, failOnDrift: ctx.values["fail-on-drift"] === true }, { logger: s.logger });
  if (!s.json && report.drift && !(report.drift as DriftResult).clean) s.print(driftMarkdown(report.drift as DriftResult, { maxRows: 50 }));
  return finishCommand(s, report);
}
