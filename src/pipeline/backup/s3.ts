// Optional copy of a backup folder to S3-compatible storage (SSE AES256, manifest metadata). The AWS SDK is loaded lazily.
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { ConfigError, UserError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { FileEntry } from "./files.js";

export interface S3Target {
  bucket: string;
  /** Key prefix without leading or trailing slash ("" for the bucket root). */
  prefix: string;
}

/** Parses s3://bucket/prefix. */
export function parseS3Uri(uri: string): S3Target {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri.trim());
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1] as string)) {
    throw new ConfigError(`s3-uri: expected s3://bucket/prefix (lower-case bucket name), got '${uri}'`);
  }
  return { bucket: m[1] as string, prefix: (m[2] as string).replace(/^\/+|\/+$/g, "") };
}

/** S3 user metadata must be ASCII header values; keep them short (the total limit is 2 KB). */
export function s3Metadata(meta: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (v === undefined) continue;
    const key = k.toLowerCase().replace(/[^a-z0-9-]/g, "-");
    const value = String(v).replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
    out[key] = value.slice(0, 256);
  }
  return out;
}

export interface S3UploadResult {
  uri: string;
  bucket: string;
  keys: string[];
  serverSideEncryption: "AES256";
  endpoint?: string;
}

export interface S3UploadArgs {
  uri: string;
  /** The local backup folder and the files in it to copy. */
  dir: string;
  files: readonly FileEntry[];
  /** Key folder under the prefix (the backup's name). */
  folder: string;
  /** Manifest fields every object carries as x-amz-meta-*. */
  metadata: Record<string, string | number | boolean | undefined>;
  env: NodeJS.ProcessEnv;
}

/**
 * Uploads every file with PutObject (streamed, Content-Length set), SSE AES256, metadata from the manifest and the
 * file's own SHA-256. Endpoint, region and credentials come from the standard AWS variables (AWS_ENDPOINT_URL for
 * S3-compatible storage, which also switches to path-style addressing).
 */
export async function uploadToS3(args: S3UploadArgs, logger: Logger): Promise<S3UploadResult> {
  const target = parseS3Uri(args.uri);
  const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const env = args.env;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  // Keys from the given environment when present; otherwise the SDK's default chain (profiles, web identity, …).
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined }
      : undefined;
  const client = new S3Client({
    credentials,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    endpoint,
    forcePathStyle: Boolean(endpoint),
    // S3-compatible servers rarely accept the aws-chunked trailing checksums newer SDKs send by default.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 4,
    // SDK chatter goes to debug output, never straight to the console.
    logger: { trace: () => {}, debug: () => {}, info: () => {}, warn: (...a: unknown[]) => logger.debug(`s3: ${a.join(" ")}`), error: (...a: unknown[]) => logger.debug(`s3: ${a.join(" ")}`) },
  });
  const keys: string[] = [];
  try {
    for (const f of args.files) {
      const key = [target.prefix, args.folder, f.path].filter(Boolean).join("/");
      await client.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key,
          Body: createReadStream(join(args.dir, ...f.path.split("/"))),
          ContentLength: f.bytes,
          ContentType: f.path.endsWith(".json") ? "application/json" : f.path.endsWith(".yml") ? "application/yaml" : "application/octet-stream",
          ServerSideEncryption: "AES256",
          Metadata: s3Metadata({ ...args.metadata, sha256: f.sha256 }),
        }),
      );
      keys.push(key);
      logger.debug(`s3: uploaded ${key} (${f.bytes} bytes)`);
    }
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; Code?: string };
    const status = err.$metadata?.httpStatusCode;
    throw new UserError(
      `upload to ${args.uri} failed after ${keys.length}/${args.files.length} files: ${err.name}${status ? ` (HTTP ${status})` : ""}: ${err.message}`,
      "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL (S3-compatible storage) and the bucket policy",
    );
  } finally {
    client.destroy();
  }
  logger.info(`copied ${keys.length} file(s) to s3://${target.bucket}/${[target.prefix, args.folder].filter(Boolean).join("/")}/ (SSE AES256)`);
  return { uri: args.uri, bucket: target.bucket, keys, serverSideEncryption: "AES256", endpoint };
}
