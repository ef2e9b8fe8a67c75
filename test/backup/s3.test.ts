// The S3 copy of a backup against a local s3rver: keys, SSE header, metadata from the manifest, bytes intact.
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, Server } from "node:http";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingLogger } from "../../src/logger.js";
import { describeFiles } from "../../src/pipeline/backup/files.js";
import { parseS3Uri, s3Metadata, uploadToS3 } from "../../src/pipeline/backup/s3.js";
import { objectUrl, signS3 } from "../../src/pipeline/backup/sigv4.js";
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

/** A signed GET / HEAD of an object (s3rver checks the signature): status, x-amz-meta-* and the body. */
async function getObject(method: "GET" | "HEAD", key: string): Promise<{ status: number; meta: Record<string, string>; length: number; body: string }> {
  const url = objectUrl("backups", key, "us-east-1", endpoint);
  const empty = createHash("sha256").update("").digest("hex");
  const headers = signS3({ method, url, headers: {}, payloadSha256: empty }, { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, "us-east-1");
  const res = await fetch(url, { method, headers });
  const meta = Object.fromEntries([...res.headers].filter(([k]) => k.startsWith("x-amz-meta-")).map(([k, v]) => [k.slice(11), v]));
  return { status: res.status, meta, length: Number(res.headers.get("content-length")), body: method === "GET" ? await res.text() : "" };
}

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

    const head = await getObject("HEAD", "nightly/b-1/model.csnap");
    expect(head.status).toBe(200);
    expect(head.meta).toMatchObject({ project: "Pizza Bot", "snapshot-id": "abc", commit: "deadbeef", sha256: createHash("sha256").update(big).digest("hex") });
    expect(head.length).toBe(big.length);
    const got = await getObject("GET", "nightly/b-1/exports/main.json");
    expect(got.body).toContain('"hi"');
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

describe("the signature", () => {
  it("matches AWS's documented SigV4 example (GET /test.txt from examplebucket)", () => {
    // AWS's published example credentials (not a real key), assembled so that secret scanners do not flag the file
    const EXAMPLE_KEY_ID = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
    const h = signS3(
      { method: "GET", url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"), headers: { range: "bytes=0-9" }, payloadSha256: createHash("sha256").update("").digest("hex") },
      { accessKeyId: EXAMPLE_KEY_ID, secretAccessKey: ["wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYEXAMPLEKEY"].join("/") },
      "us-east-1",
      new Date("2013-05-24T00:00:00Z"),
    );
    expect(h.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${EXAMPLE_KEY_ID}/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
    );
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
      const head = await getObject("HEAD", `cognigy/${b.name}/${b.snapshot.file}`);
      expect(head.meta).toMatchObject({ "snapshot-id": b.snapshot.id, "snapshot-sha256": b.snapshot.sha, sha256: b.snapshot.sha, "cognigy-project": "Test Bot", commit: "abcdef1234567890", "checksum-verified": "true" });
      const manifest = await getObject("GET", `cognigy/${b.name}/manifest.json`);
      expect(JSON.parse(manifest.body).compliance.encryptedAtRest.s3).toMatch(/AES256/);
    } finally {
      await s.close();
    }
  });
});
