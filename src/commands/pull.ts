// `cognigy-nlu pull [--holdout SHARE]`: write the live flows' intents into the repository's YAML layout (existing files
// edited in place); --holdout moves a seeded, stratified share of each intent's examples into `tests:`.
import { ConfigError } from "../errors.js";
import { createClient } from "../pipeline/client.js";
import { setupCommand } from "../pipeline/command.js";
import { pullFlows } from "../pipeline/pull.js";
import type { CommandContext } from "./context.js";

/** --holdout: a share from 0 (exclusive) to 0.9, e.g. 0.2. */
export function parseHoldout(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 0.9) throw new ConfigError(`holdout: expected a share above 0 and at most 0.9 (e.g. 0.2), got '${s}'`);
  return n;
}

export async function run(ctx: CommandContext): Promise<number> {
  const holdout = parseHoldout(typeof ctx.values.holdout === "string" ? ctx.values.holdout : undefined);
  const s = setupCommand(ctx);
  const client = createClient(s.run, s.logger);
  const r = await pullFlows(s.run, { client, logger: s.logger }, { holdout });
  if (s.json) {
    s.print(JSON.stringify(r, null, 2));
    return 0;
  }
  const created = r.flows.reduce((n, f) => n + f.created.length, 0);
  const updated = r.flows.reduce((n, f) => n + f.updated.length, 0);
  const held = r.flows.reduce((n, f) => n + f.heldOut, 0);
  const withTests = r.flows.reduce((n, f) => n + f.withTests, 0);
  const verb = r.dryRun ? "would write" : "wrote";
  s.print(`✓ pull: ${verb} ${created} new and ${updated} updated intent file(s)${holdout ? `; moved ${held} example(s) (${Math.round(holdout * 100)}% of each intent) into tests:` : ""}`);
  if (r.dryRun) return 0;
  if (holdout) {
    s.print("next: cognigy-nlu validate --update-baseline, then commit (the files and cognigy-nlu.baseline.json) to the default branch;");
    s.print(`      the first release removes the ${held} held-out test(s) from Cognigy and retrains (expected: they do not count against sync.maxDeletions), so they are truly unseen`);
  } else if (withTests === 0) {
    s.print("note: a pulled bot has no held-out tests — every example is in Cognigy, so nothing can be evaluated fairly yet.");
    s.print("next: cognigy-nlu pull --holdout 0.2 (moves a fifth of each intent's examples into tests:; the next release removes them from Cognigy),");
    s.print("      or write tests: in the intent files; then cognigy-nlu plan, and commit");
  } else s.print("next: cognigy-nlu plan (should show no changes apart from held-out tests still in Cognigy), then commit the files");
  return 0;
}
