// `cognigy-nlu plan`: what a sync would change in Cognigy — a table (text) or the plan JSON on stdout; plan.json in --out.
import { findingLines } from "../pipeline/console.js";
import { exitCode, setupCommand, writeJson } from "../pipeline/command.js";
import { runPlan } from "../pipeline/run.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const { report } = await runPlan(s.run, { logger: s.logger });
  const path = report.plan ? await writeJson(s, "plan.json", report.plan) : undefined;
  if (s.json) {
    s.print(JSON.stringify(s.redactor.redactDeep(report.plan ?? { error: report.error, findings: report.findings }), null, 2));
    return exitCode(report);
  }
  if (!report.plan) for (const l of findingLines(report)) s.print(l);
  s.print(`${report.status === "failure" ? "✗" : "✓"} ${report.summary}`);
  if (path) s.print(`plan: ${path}`);
  return exitCode(report);
}
