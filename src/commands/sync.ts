// `cognigy-nlu sync`: validate, plan, back up when destructive, apply the plan (--dry-run: plan only, --force: past maxDeletions).
import { findingLines } from "../pipeline/console.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { runSync } from "../pipeline/run.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const report = await runSync(s.run, { logger: s.logger });
  if (!s.json) {
    if (report.error?.step === "validate") for (const l of findingLines(report)) s.print(l);
    if (report.sync?.backup) s.print(`backup: ${report.sync.backup.kind} ${report.sync.backup.name ?? report.sync.backup.path ?? ""}`.trimEnd());
  }
  return finishCommand(s, report);
}
