// `runBackup` end to end against the emulator: the verified .csnap, exports, manifest, refusal, 409s, rotation, failures.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import type { CognigyApi } from "../../src/cognigy/types.js";
import { type BackupSummary, runBackup } from "../../src/pipeline/backup.js";
import type { Manifest } from "../../src/pipeline/backup/manifest.js";
import type { DriftResult } from "../../src/pipeline/drift.js";
import { Redactor } from "../../src/report/redact.js";
import { type Setup, setup, syncAndTrain } from "./helpers.js";

const open: Setup[] = [];
const servers: Server[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  while (servers.length) await new Promise((r) => servers.pop()?.close(r));
});

async function ready(opts: Parameters<typeof setup>[0] = {}): Promise<Setup> {
  const s = await setup(opts);
  open.push(s);
  await syncAndTrain(s);
  return s;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("runBackup", () => {
  it("writes a verified .csnap, raw + YAML exports and a manifest with every file's SHA-256", async () => {
    const s = await ready();
    const report = await runBackup({ ...s.run, retentionDays: 30 }, s.deps);
    expect(report.status, report.error?.message).toBe("success");
    const b = report.backup as BackupSummary;
    expect(b.checksumVerified).toBe(true);
    expect(b.name).toMatch(/^cognigy-nlu-backup-\d{4}-\d\d-\d\dT\d{6}Z-gabcdef1$/);
    expect(new Redactor().redactDeep(b)).toEqual(b); // nothing in it looks like PII to the report writers
    const csnap = readFileSync(join(b.dir, b.snapshot.file));
    expect(csnap.length).toBe(b.snapshot.bytes);
    expect(sha(csnap)).toBe(b.snapshot.sha);

    const m = JSON.parse(readFileSync(b.manifest, "utf8")) as Manifest;
    expect(m.snapshot.sha256).toBe(sha(csnap));
    expect(m.project.name).toBe("Test Bot");
    expect(m.commit).toBe("abcdef1234567890");
    expect(m.retentionDays).toBe(30);
    expect(m.compliance.checksumVerified).toBe(true);
    expect(m.compliance.piiScan.sentences).toBe(32);
    expect(m.compliance.encryptedAtRest.snapshotPackage).toMatch(/vendor-encrypted/);
    // every file but the manifest, each with its real hash
    expect(m.files.map((f) => f.path).sort()).toEqual(b.files.filter((f) => f !== "manifest.json"));
    for (const f of m.files) expect(f.sha256).toBe(sha(readFileSync(join(b.dir, f.path))));
    expect(b.files).toContain("manifest.json");

    const raw = JSON.parse(readFileSync(join(b.dir, "exports/Main/en-US.intents.json"), "utf8"));
    expect(raw.map((i: { name: string }) => i.name).sort()).toEqual(["BookFlight", "OrderPizza", "PlayMusic", "Weather"]);
    const yml = parse(readFileSync(join(b.dir, "exports/Main/intents/orderpizza.yml"), "utf8"));
    expect(yml.intent).toBe("OrderPizza");
    expect(yml.examples).toHaveLength(8);
    // the snapshot is in Cognigy under that name, and the drift check ran and found nothing
    expect((await s.client.listSnapshots((await s.client.resolveProject("Test Bot"))._id)).map((x) => x.name)).toContain(b.name);
    expect((report.drift as DriftResult).clean).toBe(true);
  });

  it("refuses an untrained flow unless allowUntrained", async () => {
    const s = await setup();
    open.push(s);
    await syncAndTrain(s, { train: false });
    const refused = await runBackup(s.run, s.deps);
    expect(refused.status).toBe("failure");
    expect(refused.error?.message).toMatch(/training is out of date for Main/);
    expect(existsSync(join(s.out, "backups"))).toBe(false);
    const allowed = await runBackup({ ...s.run, allowUntrained: true }, s.deps);
    expect(allowed.status).toBe("success");
    expect((allowed.backup as BackupSummary).untrainedFlows).toEqual(["Main"]);
  });

  it("waits through 409s and placeholder bodies before the package is ready", async () => {
    const s = await ready({ emu: { faults: "early409:2,placeholder:1" } });
    const report = await runBackup(s.run, s.deps);
    expect(report.status, report.error?.message).toBe("success");
    const links = s.emu.requestLog.filter((e) => e.path.includes("/downloadlink"));
    expect(links.map((e) => e.status)).toEqual([409, 409, 200]);
    const downloads = s.emu.requestLog.filter((e) => e.path.startsWith("/download/"));
    expect(downloads).toHaveLength(2);
    const b = report.backup as BackupSummary;
    expect(readFileSync(join(b.dir, b.snapshot.file)).subarray(0, 6).toString()).not.toBe("csnap");
  });

  it("detects a truncated download and leaves no backup folder", async () => {
    const s = await ready();
    // a download host that promises 100 kB and hangs up after 10 kB, every time
    const srv = createServer((_req, res) => {
      res.writeHead(200, { "content-length": "102400", "content-type": "application/octet-stream" });
      res.write(Buffer.alloc(10240, 7));
      setTimeout(() => res.socket?.destroy(), 5);
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/pkg.csnap`;
    const client = new Proxy(s.client, { get: (t, k) => (k === "snapshotDownloadLink" ? async () => url : Reflect.get(t, k, t)) }) as CognigyApi;
    const report = await runBackup(s.run, { ...s.deps, client });
    expect(report.status).toBe("failure");
    expect(report.error?.step).toBe("download");
    expect(report.error?.message).toMatch(/truncated|network|terminated|closed/i);
    expect(report.timings.find((t) => t.step === "snapshot")?.outcome).toBe("success");
    expect(readdirSync(join(s.out, "backups"))).toEqual([]);
  });

  it("detects a package damaged on disk after the download (re-read checksum)", async () => {
    const s = await ready();
    const client = new Proxy(s.client, {
      get: (t, k) =>
        k === "downloadToFile"
          ? async (url: string, file: string) => {
              const got = await t.downloadToFile(url, file);
              const buf = readFileSync(file);
              buf[buf.length >> 1] ^= 0xff; // one flipped byte, same size
              await writeFile(file, buf);
              return got;
            }
          : Reflect.get(t, k, t),
    }) as CognigyApi;
    const report = await runBackup(s.run, { ...s.deps, client });
    expect(report.status).toBe("failure");
    expect(report.error?.step).toBe("verify");
    expect(report.error?.message).toMatch(/checksum mismatch/);
    expect(readdirSync(join(s.out, "backups"))).toEqual([]);
  });

  it("rotates old snapshots within keepSnapshots, keeping pinned ones and the last promotion", async () => {
    const s = await ready({ cfg: { promote: { keepSnapshots: 4 } } });
    const project = await s.client.resolveProject("Test Bot");
    const made = [];
    for (const name of ["cognigy-nlu-backup-old-1", "cognigy-nlu-abc1234-202401010000", "cognigy-nlu-backup-old-2", "hand-made"]) {
      made.push(await s.client.createSnapshot(project._id, { name }));
    }
    // pin the oldest one to an endpoint
    const ep = (await s.client.listEndpoints(project._id))[0];
    expect(ep, "the emulator seeds an endpoint").toBeDefined();
    await s.client.updateEndpoint(ep!._id, { entrypoint: made[0]!._id });
    const report = await runBackup(s.run, s.deps);
    expect(report.status, report.error?.message).toBe("success");
    const names = (await s.client.listSnapshots(project._id)).map((x) => x.name).sort();
    // 4 existed; one had to go: not the pinned one, not the promotion, not the hand-made one → old-2
    expect(names).toHaveLength(4);
    expect(names).toContain("cognigy-nlu-backup-old-1");
    expect(names).toContain("cognigy-nlu-abc1234-202401010000");
    expect(names).toContain("hand-made");
    expect(names).not.toContain("cognigy-nlu-backup-old-2");
    expect((report.backup as BackupSummary).rotation.deleted).toEqual([made[2]!._id]);
  });
});
