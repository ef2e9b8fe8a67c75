// The promote step: on a passing gate, snapshot the trained project and pin endpoints; on a failing one, roll back or keep.
import type { RunConfig } from "../config/options.js";
import { ConfigError } from "../errors.js";
import type { PromotionResult } from "../report/types.js";
import type { Backup } from "./sync-backup.js";
import { makeRoomFor, promotionName, uniqueName } from "./snapshots.js";
import type { PipelineDeps, Target } from "./types.js";

export interface PromoteInput {
  targets: Target[];
  gatePassed: boolean;
  /** The pre-sync backup of this run (a snapshot can be restored). */
  backup?: Backup;
}

/**
 * Gate passed: creates `cognigy-nlu-<commit7>-<YYYYMMDDTHHmm>` (after deleting cognigy-nlu's oldest unpinned snapshots
 * when the limit is reached; never the one an endpoint uses, the previous promotion or this run's backup) and points
 * promote.endpoints at it, recording each endpoint's previous entrypoint.
 * Gate failed: with onGateFailure `rollback` the backup snapshot is restored (the project as it was before the sync);
 * with `keep` the trained state stays. Nothing is promoted either way.
 */
export async function promote(run: RunConfig, deps: PipelineDeps, input: PromoteInput): Promise<PromotionResult> {
  const projectId = input.targets[0]?.projectId;
  const cfg = run.config.promote;
  const wait = { timeoutMs: run.config.train.timeoutSeconds * 1000 };
  if (!projectId) return { promoted: false };
  if (!input.gatePassed) {
    if (cfg.onGateFailure === "keep") {
      deps.logger.info("gate failed: keeping the trained state (promote.onGateFailure: keep); nothing promoted");
      return { promoted: false, rolledBack: false };
    }
    if (input.backup?.kind !== "snapshot" || !input.backup.id) {
      deps.logger.warn(
        input.backup ? "gate failed: the backup is an intents export, which cannot be restored automatically; nothing promoted" : "gate failed: nothing was changed in this run, so there is nothing to roll back",
      );
      return { promoted: false, rolledBack: false };
    }
    deps.logger.info(`gate failed: restoring the backup snapshot ${input.backup.name ?? input.backup.id}`);
    await deps.client.restoreSnapshot(input.backup.id, projectId, wait);
    return { promoted: false, rolledBack: true, snapshotId: input.backup.id, snapshotName: input.backup.name };
  }
  const result: PromotionResult = { promoted: true };
  if (!cfg.snapshot) {
    if (cfg.endpoints.length) deps.logger.warn("promote.endpoints are only pinned to a promotion snapshot; promote.snapshot is false, so they were left alone");
    return result;
  }
  const pins: { id: string; name: string; entrypoint?: string }[] = [];
  if (cfg.endpoints.length) {
    const all = await deps.client.listEndpoints(projectId);
    for (const want of cfg.endpoints) {
      const hits = all.filter((e) => e._id === want);
      const matches = hits.length ? hits : all.filter((e) => e.name === want);
      if (matches.length !== 1) {
        throw new ConfigError(
          `promote.endpoints: ${matches.length ? `${matches.length} endpoints are named '${want}'` : `no endpoint '${want}' in the project`} (endpoints: ${all.map((e) => e.name).join(", ") || "none"})`,
        );
      }
      const e = "entrypoint" in matches[0] ? matches[0] : await deps.client.getEndpoint(matches[0]._id);
      pins.push({ id: e._id, name: e.name, entrypoint: e.entrypoint });
    }
  }
  const protect = input.backup?.kind === "snapshot" && input.backup.id ? [input.backup.id] : [];
  const { deleted, names } = await makeRoomFor(deps.client, projectId, { limit: cfg.keepSnapshots, protect, logger: deps.logger, wait });
  if (deleted.length) result.deletedSnapshots = deleted;
  const name = uniqueName(promotionName(run.commit, (deps.now ?? Date.now)()), names);
  const snap = await deps.client.createSnapshot(projectId, { name, description: `cognigy-nlu: model promoted from ${run.commit ?? "a local run"}` }, wait);
  result.snapshotId = snap._id;
  result.snapshotName = snap.name;
  deps.logger.info(`promoted: snapshot ${snap.name} (${snap._id})`);
  if (pins.length) {
    result.endpoints = [];
    for (const e of pins) {
      await deps.client.updateEndpoint(e.id, { entrypoint: snap._id });
      result.endpoints.push({ id: e.id, name: e.name, previousEntrypoint: e.entrypoint });
      deps.logger.info(`endpoint ${e.name} now serves ${snap.name}`);
    }
  }
  return result;
}
