// The pre-sync backup: a project snapshot (restorable, incl. trained models) or an intents export per flow × locale.
import { join } from "node:path";
import { safeWriteFile } from "../io/safe-fs.js";
import type { RunConfig } from "../config/options.js";
import type { SyncResult } from "../report/types.js";
import type { PlanResult } from "./plan.js";
import { backupName, makeRoomFor, uniqueName } from "./snapshots.js";
import type { PipelineDeps } from "./types.js";

export type Backup = NonNullable<SyncResult["backup"]>;

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80) || "flow";
}

/** True when applying the plan deletes or overwrites anything in Cognigy (intent updates, sentence or intent deletions). */
export function isDestructive(plan: PlanResult): boolean {
  return plan.flows.some((f) => f.diff.intents.some((i) => i.action === "delete" || i.action === "update" || Object.keys(i.remove).length > 0));
}

/**
 * Takes the configured backup. `snapshot` makes room under the snapshot limit first (deleting only cognigy-nlu's own,
 * unpinned, older snapshots) and waits for the snapshot task; `export` writes `backup/<flow>/<locale>.intents.json`
 * into run.out. Throws when the backup fails: nothing destructive runs without it.
 */
export async function backupProject(run: RunConfig, deps: PipelineDeps, input: { plan: PlanResult; kind?: "snapshot" | "export" }): Promise<Backup | undefined> {
  const kind = input.kind ?? (run.config.sync.backup === "off" ? undefined : run.config.sync.backup);
  const first = input.plan.flows[0]?.target;
  if (!kind || !first) return undefined;
  const now = deps.now ?? Date.now;
  const wait = { timeoutMs: run.config.train.timeoutSeconds * 1000 };
  if (kind === "snapshot") {
    const { names } = await makeRoomFor(deps.client, first.projectId, { limit: run.config.promote.keepSnapshots, logger: deps.logger, wait });
    const name = uniqueName(backupName(run.commit, now()), names);
    const snap = await deps.client.createSnapshot(first.projectId, { name, description: `cognigy-nlu: the project before syncing ${run.commit ?? "local changes"}` }, wait);
    deps.logger.info(`backup: snapshot ${snap.name} (${snap._id})`);
    return { kind: "snapshot", id: snap._id, name: snap.name };
  }
  const dir = join(run.out, "backup");
  for (const f of input.plan.flows) {
    for (const { key, locale } of f.target.locales) {
      const intents = await deps.client.exportIntents(f.target.flowId, locale._id);
      const folder = join(dir, safe(f.target.flow.name));
      await safeWriteFile(run.out, join(folder, `${safe(key)}.intents.json`), `${JSON.stringify(intents, null, 2)}\n`);
    }
  }
  deps.logger.info(`backup: intents exported to ${dir}`);
  return { kind: "export", path: dir };
}
