// `cognigy-nlu pull`: write the live flows' intents into the repository's YAML layout (existing files edited in place).
import { createClient } from "../pipeline/client.js";
import { setupCommand } from "../pipeline/command.js";
import { pullFlows } from "../pipeline/pull.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const client = createClient(s.run, s.logger);
  const r = await pullFlows(s.run, { client, logger: s.logger });
  if (s.json) {
    s.print(JSON.stringify(r, null, 2));
    return 0;
  }
  const created = r.flows.reduce((n, f) => n + f.created.length, 0);
  const updated = r.flows.reduce((n, f) => n + f.updated.length, 0);
  const verb = r.dryRun ? "would write" : "wrote";
  s.print(`✓ pull: ${verb} ${created} new and ${updated} updated intent file(s); held-out tests are not in Cognigy and were left as they are`);
  if (!r.dryRun) s.print("next: cognigy-nlu plan (should show no changes), then commit the files");
  return 0;
}
