// `cognigy-nlu harvest [--since D] [--until D] [--input log.json|csv] [--odata-url URL] [--min-score S] [--mask-pii]`: proposals, never uploads.
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { finishCommand, setupCommand } from "../pipeline/command.js";
import { type HarvestSummary, runHarvest } from "../pipeline/harvest.js";
import { parseDateFlag } from "../pipeline/harvest/sources.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const v = ctx.values;
  const str = (k: string) => (typeof v[k] === "string" && v[k] !== "" ? (v[k] as string) : undefined);
  let minScore: number | undefined;
  if (str("min-score") !== undefined) {
    minScore = Number(str("min-score"));
    if (!Number.isFinite(minScore) || minScore < 0 || minScore > 1) throw new ConfigError(`--min-score: expected a number from 0 to 1, got '${str("min-score")}'`);
  }
  const wrap = (name: string, x: string | undefined) => {
    if (x === undefined) return undefined;
    try {
      return parseDateFlag(`--${name}`, x);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  };
  const since = wrap("since", str("since"));
  const until = wrap("until", str("until"));
  if (since !== undefined && until !== undefined && since >= until) throw new ConfigError("--since must be before --until");
  const input = str("input");
  const odataUrl = str("odata-url");
  const report = await runHarvest(
    { ...s.run, since, until, minScore, input: input ? resolve(ctx.cwd, input) : undefined, pii: v["mask-pii"] === true ? "mask" : "drop", odataUrl },
    { logger: s.logger },
  );
  const h = report.harvest as HarvestSummary | undefined;
  if (h && !s.json) s.print(`proposals: ${h.patch} (git apply) and ${h.pr}`);
  return finishCommand(s, report);
}
