// The S3 copy of a backup against a local s3rver: keys, SSE header, metadata from the manifest, bytes intact.
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, Server } from "node:http";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingLogger } from "../../src/logger.js";
import { describeFiles } from "../../src/pipeline/backup/files.js";
import { parseS3Uri, s3Metadata, uploadToS3 } from "../../src/pipeline/backup/s3.js";
import { type BackupSummary, runBackup } from "../../src/pipeline/backup.js";
import { setup, syncAndTrain } from "./helpers.js";

let server: { run(): Promise<{ port: number }>; close(): Promise<void>; httpServer: Server };
let endpoint = "";
let tmp = "";
const requests: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" } as NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "cnlu-s3-"));
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: join(tmp, "store"), configureBuckets: [{ name: "backups" }] });
  const addr = await server.run();
  server.httpServer.prependListener("request", (req) => requests.push({ method: req.method, url: req.url, headers: req.headers }));
  endpoint = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("parseS3Uri", () => {
  it("splits bucket and prefix", () => {
    expect(parseS3Uri("s3://my-bucket/a/b/")).toEqual({ bucket: "my-bucket", prefix: "a/b" });
    expect(parseS3Uri("s3://my-bucket")).toEqual({ bucket: "my-bucket", prefix: "" });
    expect(() => parseS3Uri("https://x/y")).toThrow(/s3:\/\/bucket/);
  });
  it("keeps metadata ASCII", () => {
    expect(s3Metadata({ Project: "Pizza Böt", n: 3, skip: undefined })).toEqual({ project: "Pizza B%C3%B6t", n: "3" });
  });
});

describe("uploadToS3", () => {
  it("puts every file with SSE AES256 and the manifest metadata", async () => {
    const dir = join(tmp, "bk");
    await mkdir(join(dir, "exports"), { recursive: true });
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 1);
    await writeFile(join(dir, "model.csnap"), big);
    await writeFile(join(dir, "exports", "main.json"), '[{"name":"A","exampleSentences":["hi"]}]');
    const files = await describeFiles(dir, ["exports/main.json", "model.csnap"]);
    const res = await uploadToS3(
      { uri: "s3://backups/nightly", dir, files, folder: "b-1", metadata: { project: "Pizza Bot", "snapshot-id": "abc", commit: "deadbeef" }, env: { ...env, AWS_ENDPOINT_URL: endpoint } },
      new RecordingLogger(),
    );
    expect(res.keys).toEqual(["nightly/b-1/exports/main.json", "nightly/b-1/model.csnap"]);
    const puts = requests.filter((r) => r.method === "PUT" && r.url?.startsWith("/backups/nightly/b-1/"));
    expect(puts).toHaveLength(2);
    for (const p of puts) expect(p.headers["x-amz-server-side-encryption"]).toBe("AES256");

    const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    const head = await s3.send(new HeadObjectCommand({ Bucket: "backups", Key: "nightly/b-1/model.csnap" }));
    expect(head.Metadata).toMatchObject({ project: "Pizza Bot", "snapshot-id": "abc", commit: "deadbeef", sha256: createHash("sha256").update(big).digest("hex") });
    expect(head.ContentLength).toBe(big.length);
    const got = await s3.send(new GetObjectCommand({ Bucket: "backups", Key: "nightly/b-1/exports/main.json" }));
    expect(await got.Body?.transformToString()).toContain('"hi"');
    s3.destroy();
  });

  it("fails with a clear message on a missing bucket", async () => {
    const dir = join(tmp, "bk2");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "a.json"), "{}");
    const files = await describeFiles(dir, ["a.json"]);
    await expect(
      uploadToS3({ uri: "s3://nope-bucket/x", dir, files, folder: "f", metadata: {}, env: { ...env, AWS_ENDPOINT_URL: endpoint } }, new RecordingLogger()),
    ).rejects.toThrow(/upload to s3:\/\/nope-bucket\/x failed after 0\/1 files: NoSuchBucket/);
  });
});

describe("runBackup with --s3-uri", () => {
  it("copies the whole backup folder with SSE and the manifest as object metadata", async () => {
    const s = await setup();
    try {
      await syncAndTrain(s);
      const before = requests.length;
      const report = await runBackup({ ...s.run, s3Uri: "s3://backups/cognigy" }, { ...s.deps, env: { ...env, AWS_ENDPOINT_URL: endpoint } });
      expect(report.status, report.error?.message).toBe("success");
      const b = report.backup as BackupSummary;
      expect(b.s3).toEqual({ uri: "s3://backups/cognigy", objects: b.files.length, serverSideEncryption: "AES256" });
      const puts = requests.slice(before).filter((r) => r.method === "PUT");
      expect(puts.map((p) => decodeURIComponent((p.url ?? "").split("?")[0] as string).replace(`/backups/cognigy/${b.name}/`, "")).sort()).toEqual([...b.files].sort());
      for (const p of puts) expect(p.headers["x-amz-server-side-encryption"]).toBe("AES256");
      const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
      const head = await s3.send(new HeadObjectCommand({ Bucket: "backups", Key: `cognigy/${b.name}/${b.snapshot.file}` }));
      expect(head.Metadata).toMatchObject({ "snapshot-id": b.snapshot.id, "snapshot-sha256": b.snapshot.sha, sha256: b.snapshot.sha, "cognigy-project": "Test Bot", commit: "abcdef1234567890", "checksum-verified": "true" });
      const manifest = await s3.send(new GetObjectCommand({ Bucket: "backups", Key: `cognigy/${b.name}/manifest.json` }));
      expect(JSON.parse((await manifest.Body?.transformToString()) ?? "{}").compliance.encryptedAtRest.s3).toMatch(/AES256/);
      s3.destroy();
    } finally {
      await s.close();
    }
  });
});
