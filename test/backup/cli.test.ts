// The CLI commands (backup, restore, drift, pull, harvest) through main(): exit codes and what they print.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runMain } from "../cli-main.js";
import { KEY, type Setup, setup, syncAndTrain } from "./helpers.js";

let s: Setup;
beforeAll(async () => {
  s = await setup();
  await syncAndTrain(s);
  // the CLI reads the file: point it at the emulator
  const cfgPath = join(s.root, "cognigy-nlu.yml");
  writeFileSync(cfgPath, readFileSync(cfgPath, "utf8").replace("http://127.0.0.1:9", s.emu.url));
});
afterAll(async () => {
  await s?.close();
});

function cli(...args: string[]): Promise<CliRun> {
  return runMain([...args, "--config", join(s.root, "cognigy-nlu.yml"), "--rate-limit", "0"], { COGNIGY_API_KEY: KEY });
}

describe("cli", () => {
  it("backup writes the folder, the manifest and report.json; the key is never printed", async () => {
    const out = join(s.root, "bk");
    const r = await cli("backup", "--out", out, "--retention-days", "14");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/manifest: .*manifest\.json/);
    expect(r.out).toMatch(/✓ backup cognigy-nlu-backup-/);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.mode).toBe("backup");
    expect(report.backup.retentionDays).toBe(14);
    expect(existsSync(report.backup.manifest)).toBe(true);
    expect(r.out + r.err + readFileSync(join(out, "report.json"), "utf8")).not.toContain(KEY);
    expect((await cli("backup", "--out", out, "--retention-days", "0")).code).toBe(2);
  });

  it("restore without --yes exits 2 saying what would be replaced", async () => {
    const snaps = await s.client.listSnapshots((await s.client.resolveProject("Test Bot"))._id);
    const r = await cli("restore", "--snapshot", snaps[0]!._id);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/replaces everything in project 'Test Bot'/);
    expect(r.err).toMatch(/--yes/);
    const ok = await cli("restore", "--snapshot", snaps[0]!._id, "--yes");
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/restored snapshot/);
  });

  it("drift --fail-on-drift exits 1 after a change in Cognigy; pull brings it into git and drift is clean again", async () => {
    const project = await s.client.resolveProject("Test Bot");
    const flow = (await s.client.listFlows(project._id))[0]!;
    const locale = (await s.client.listLocales(project._id))[0]!;
    const weather = (await s.client.listIntents(flow._id)).find((i) => i.name === "Weather")!;
    await s.client.batchSentences(flow._id, weather._id, [{ op: "create", value: { text: "is it windy outside", localeId: locale._id } }]);
    const out = join(s.root, "drift");
    const d = await cli("drift", "--fail-on-drift", "--out", out);
    expect(d.code).toBe(1);
    expect(d.out).toContain("| Main | Weather | en-US | added | is it windy outside |");
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8")).drift.totals.addedSentences).toBe(1);
    const p = await cli("pull");
    expect(p.code, p.err).toBe(0);
    expect(readFileSync(join(s.root, "training-data/main/intents/Weather.yml"), "utf8")).toContain("- is it windy outside");
    expect((await cli("drift", "--fail-on-drift", "--out", out)).code).toBe(0);
  });

  it("harvest --input writes the patch and the PR body", async () => {
    const log = join(s.root, "log.json");
    writeFileSync(log, JSON.stringify([{ inputText: "a pizza please", intent: "OrderPizza", intentScore: 0.9, source: "user" }]));
    const out = join(s.root, "hv");
    const r = await cli("harvest", "--input", log, "--out", out, "--min-score", "0.8");
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(out, "harvest.patch"))).toBe(true);
    expect(readFileSync(join(out, "harvest-pr.md"), "utf8")).toMatch(/Too few new utterances: OrderPizza \(en-US: 1\)/);
    expect((await cli("harvest", "--input", log, "--since", "yesterday-ish")).code).toBe(2);
    rmSync(out, { recursive: true, force: true });
  });
});
