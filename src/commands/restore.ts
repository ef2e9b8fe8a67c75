// `cognigy-nlu restore --snapshot ID | --file F.csnap --yes`: a safety snapshot, then the restore (exit 2 without --yes).
import { resolve } from "node:path";
import { createClient } from "../pipeline/client.js";
import { setupCommand } from "../pipeline/command.js";
import { restoreProject } from "../pipeline/restore.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext): Promise<number> {
  const s = setupCommand(ctx);
  const v = ctx.values;
  const client = createClient(s.run, s.logger);
  const r = await restoreProject(s.run, { client, logger: s.logger }, {
    snapshotId: typeof v.snapshot === "string" && v.snapshot ? v.snapshot : undefined,
    file: typeof v.file === "string" && v.file ? resolve(ctx.cwd, v.file) : undefined,
    yes: v.yes === true,
  });
  if (s.json) s.print(JSON.stringify(r, null, 2));
  else {
    s.print(`✓ restored snapshot '${r.restored.name}' (${r.restored.id}) over project '${r.project.name}'`);
    s.print(`  the project before the restore is in snapshot '${r.safety.name}' (${r.safety.id}): cognigy-nlu restore --snapshot ${r.safety.id} --yes undoes it`);
  }
  return 0;
}
