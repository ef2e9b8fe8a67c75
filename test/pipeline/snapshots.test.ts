import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskPii } from "../../src/checks/pii.js";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { Snapshot } from "../../src/cognigy/types.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { backupName, commit7, makeRoom, promotionName, snapshotsToDelete, stamp, uniqueName } from "../../src/pipeline/snapshots.js";
import { config } from "./helpers.js";

const snap = (name: string, createdAt: number, _id = `id${createdAt}`): Snapshot => ({ _id, name, createdAt, isPackaged: false });

describe("snapshot names and the limit (pure)", () => {
  it("names promotions after the commit and the minute", () => {
    const t = Date.UTC(2025, 0, 31, 9, 5, 7);
    expect(stamp(t)).toBe("20250131T0905");
    expect(stamp(t, true)).toBe("20250131T090507");
    expect(promotionName("ABCDEF0123456789", t)).toBe("cognigy-nlu-abcdef0-20250131T0905");
    expect(commit7(undefined)).toBe("local");
    expect(uniqueName("x", new Set(["x", "x-2"]))).toBe("x-3");
    // the report writers' PII masker leaves the names alone
    expect(maskPii(promotionName("1234567", t))).toBe(promotionName("1234567", t));
    expect(maskPii(backupName("abcdef0", t))).toBe(backupName("abcdef0", t));
  });

  it("deletes only cognigy-nlu's own, unprotected snapshots, oldest first", () => {
    const list = [snap("manual-1", 1), snap("cognigy-nlu-aaaaaaa-1", 2), snap("cognigy-nlu-backup-b-1", 3), snap("cognigy-nlu-ccccccc-1", 4), snap("manual-2", 5)];
    expect(snapshotsToDelete(list, { limit: 5, need: 1, protect: new Set(["id2"]) }).remove.map((s) => s.name)).toEqual(["cognigy-nlu-backup-b-1"]);
    expect(snapshotsToDelete(list, { limit: 6, need: 1, protect: new Set() }).remove).toEqual([]);
    const r = snapshotsToDelete(list, { limit: 2, need: 1, protect: new Set(["id4"]) });
    expect(r.remove.map((s) => s.name)).toEqual(["cognigy-nlu-aaaaaaa-1", "cognigy-nlu-backup-b-1"]);
    expect(r.short).toBe(2);
  });
});

describe("makeRoom against the emulator", () => {
  const KEY = "snapshot-test-key-1234";
  let emu: Emulator;
  let client: CognigyClient;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, apiKey: KEY, seed: config(), rateLimit: 0, taskDelayMs: 5 });
    client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 10))) });
  });
  afterAll(() => emu.close());

  it("keeps the pinned snapshot and the last promotion, deletes the oldest other own one", async () => {
    const project = await client.resolveProject("Test Bot");
    const made: Snapshot[] = [];
    for (const name of ["cognigy-nlu-pinned0-1", "cognigy-nlu-backup-old-1", "hand-made", "cognigy-nlu-0000001-1", "cognigy-nlu-0000002-1", "cognigy-nlu-0000003-1", "cognigy-nlu-backup-x-2", "cognigy-nlu-0000004-1", "cognigy-nlu-0000005-1", "cognigy-nlu-0000006-1"]) {
      made.push(await client.createSnapshot(project._id, { name }));
    }
    const [endpoint] = await client.listEndpoints(project._id);
    await client.updateEndpoint(endpoint._id, { entrypoint: made[0]._id });
    const deleted = await makeRoom(client, project._id, { limit: 10, logger: new RecordingLogger() });
    expect(deleted).toEqual([made[1]._id]);
    const names = emu.dumpState().projects[0].snapshots;
    expect(names).toContain("cognigy-nlu-pinned0-1");
    expect(names).toContain("hand-made");
    expect(names).toContain("cognigy-nlu-0000006-1");
    expect(names).toHaveLength(9);
  });
});
