// restoreProject against the emulator: refusal without --yes, safety snapshot, restore by id and from a .csnap file.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { type BackupSummary, runBackup } from "../../src/pipeline/backup.js";
import { restoreProject } from "../../src/pipeline/restore.js";
import { type Setup, setup, syncAndTrain } from "./helpers.js";

const open: Setup[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

async function backedUp() {
  const s = await setup();
  open.push(s);
  await syncAndTrain(s);
  const report = await runBackup(s.run, s.deps);
  expect(report.status, report.error?.message).toBe("success");
  const b = report.backup as BackupSummary;
  const before = JSON.stringify(s.emu.dumpState().projects[0]?.flows);
  // a change made in the UI after the backup: an intent deleted
  const flow = (await s.client.listFlows((await s.client.resolveProject("Test Bot"))._id))[0]!;
  const victim = (await s.client.listIntents(flow._id)).find((i) => i.name === "Weather")!;
  await s.client.deleteIntent(flow._id, victim._id);
  expect(JSON.stringify(s.emu.dumpState().projects[0]?.flows)).not.toBe(before);
  return { s, b, before };
}

describe("restoreProject", () => {
  it("refuses without yes, says what would be replaced and changes nothing", async () => {
    const { s, b } = await backedUp();
    const snapsBefore = (await s.client.listSnapshots((await s.client.resolveProject("Test Bot"))._id)).length;
    const err = await restoreProject(s.run, s.deps, { snapshotId: b.snapshot.id }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/replaces everything in project 'Test Bot': flows Main \(3 intents\)/);
    expect(err.hint).toMatch(/--yes/);
    expect((await s.client.listSnapshots((await s.client.resolveProject("Test Bot"))._id)).length).toBe(snapsBefore);
  });

  it("restores a snapshot by id after a safety snapshot", async () => {
    const { s, b, before } = await backedUp();
    const r = await restoreProject(s.run, s.deps, { snapshotId: b.snapshot.id, yes: true });
    expect(r.restored.id).toBe(b.snapshot.id);
    expect(r.safety.name).toMatch(/^cognigy-nlu-backup-pre-restore-\d{4}-\d\d-\d\dT\d{6}Z-gabcdef1$/);
    expect(JSON.stringify(s.emu.dumpState().projects[0]?.flows)).toBe(before);
    const names = (await s.client.listSnapshots(r.project.id)).map((x) => x.name);
    expect(names).toContain(r.safety.name);
    // the safety snapshot holds the state before the restore (without Weather): restoring it undoes the restore
    await restoreProject(s.run, s.deps, { snapshotId: r.safety.id, yes: true });
    expect(s.emu.dumpState().projects[0]?.flows[0]?.intents.map((i: { name: string }) => i.name)).not.toContain("Weather");
  });

  it("uploads a .csnap and restores it", async () => {
    const { s, b, before } = await backedUp();
    const r = await restoreProject(s.run, s.deps, { file: join(b.dir, b.snapshot.file), yes: true });
    expect(r.restored.uploadedFrom).toBe(join(b.dir, b.snapshot.file));
    expect(r.restored.id).not.toBe(b.snapshot.id);
    expect(JSON.stringify(s.emu.dumpState().projects[0]?.flows)).toBe(before);
    expect(s.emu.requestLog.some((e) => e.method === "POST" && e.path.includes("/snapshots/upload"))).toBe(true);
  });

  it("rejects ambiguous or missing sources", async () => {
    const s = await setup({ write: false });
    open.push(s);
    await expect(restoreProject(s.run, s.deps, {})).rejects.toThrow(/exactly one of --snapshot ID or --file/);
    await expect(restoreProject(s.run, s.deps, { file: "/nope.csnap", yes: true })).rejects.toThrow(/not a file/);
  });
});
