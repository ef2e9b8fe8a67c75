// `cognigy-nlu backup`: snapshot + verified package download + intents export + manifest (+ S3 copy, drift) into --out.
import { ConfigError } from "../errors.js";
import { type BackupSummary, runBackup } from "../pipeline/backup.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import type { CommandContext } from "./context.js";

function intFlag(name: string, v: string | boolean | string[] | undefined, min: number, max: number): number | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`--${name}: expected a whole number from ${min} to ${max}, got '${v}'`);
  return n;
}

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const v = ctx.values;
  const report = await runBackup(
    {
      ...s.run,
      allowUntrained: v["allow-untrained"] === true,
      failOnDrift: v["fail-on-drift"] === true,
      s3Uri: typeof v["s3-uri"] === "string" && v["s3-uri"] ? v["s3-uri"] : undefined,
      retentionDays: intFlag("retention-days", v["retention-days"], 1, 400),
    },
    { logger: s.logger, env: ctx.env },
  );
  const b = report.backup as BackupSummary | undefined;
  if (b && !s.json) {
    s.print(`backup folder: ${b.dir} (${b.files.length} files)`);
    s.print(`manifest: ${b.manifest}`);
  }
  return finishCommand(s, report);
}
