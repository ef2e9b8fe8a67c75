// Optional copy of a backup folder to S3-compatible storage (SSE AES256, manifest metadata): signed PutObject over HTTP.
import { createReadStream } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { ConfigError, UserError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { FileEntry } from "./files.js";
import { objectUrl, signS3 } from "./sigv4.js";

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

/** One signed PutObject with the file streamed; the S3 error code (NoSuchBucket…) and status on failure. */
async function putObject(url: URL, headers: Record<string, string>, file: string): Promise<{ status: number; code?: string; message?: string }> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: "PUT", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.length < 64 && chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const tag = (t: string) => new RegExp(`<${t}>([^<]{0,300})</${t}>`).exec(body)?.[1];
        resolve({ status: res.statusCode ?? 0, code: tag("Code"), message: tag("Message") });
      });
      res.on("error", reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error("no answer within 120 s")));
    req.on("error", reject);
    const body = createReadStream(file);
    body.on("error", (e) => req.destroy(e));
    body.pipe(req);
  });
}

/**
 * Uploads every file with PutObject (streamed, Content-Length set, SigV4-signed with the file's SHA-256 as the payload
 * hash), SSE AES256, metadata from the manifest and the file's own SHA-256. Endpoint, region and credentials come from
 * the standard AWS variables (AWS_ENDPOINT_URL for S3-compatible storage, which also switches to path-style addressing);
 * credentials only from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN — what
 * aws-actions/configure-aws-credentials sets).
 */
export async function uploadToS3(args: S3UploadArgs, logger: Logger): Promise<S3UploadResult> {
  const target = parseS3Uri(args.uri);
  const env = args.env;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw new ConfigError(`s3-uri ${args.uri}: no AWS credentials`, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (in a workflow: aws-actions/configure-aws-credentials)");
  }
  const creds = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  const keys: string[] = [];
  for (const f of args.files) {
    const key = [target.prefix, args.folder, f.path].filter(Boolean).join("/");
    const url = objectUrl(target.bucket, key, region, endpoint);
    const meta = Object.fromEntries(Object.entries(s3Metadata({ ...args.metadata, sha256: f.sha256 })).map(([k, v]) => [`x-amz-meta-${k}`, v]));
    const contentType = f.path.endsWith(".json") ? "application/json" : f.path.endsWith(".yml") ? "application/yaml" : "application/octet-stream";
    let last = "";
    for (let attempt = 1; ; attempt++) {
      // signed afresh per attempt (the date is part of the signature)
      const headers = signS3(
        { method: "PUT", url, headers: { "content-type": contentType, "content-length": String(f.bytes), "x-amz-server-side-encryption": "AES256", ...meta }, payloadSha256: f.sha256 },
        creds,
        region,
      );
      let r: { status: number; code?: string; message?: string };
      try {
        r = await putObject(url, headers, join(args.dir, ...f.path.split("/")));
      } catch (e) {
        r = { status: 0, message: (e as Error).message };
      }
      if (r.status >= 200 && r.status < 300) break;
      last = `${r.code ?? (r.status ? `HTTP ${r.status}` : "network error")}${r.status ? ` (HTTP ${r.status})` : ""}: ${r.message ?? ""}`.trim();
      const retryable = r.status === 0 || r.status >= 500 || r.status === 429;
      if (!retryable || attempt >= 4) {
        throw new UserError(
          `upload to ${args.uri} failed after ${keys.length}/${args.files.length} files: ${last}`,
          "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL (S3-compatible storage) and the bucket policy",
        );
      }
      logger.info(`s3: ${key}: ${last} — retry ${attempt}/3 in ${attempt} s`);
      await new Promise((res) => setTimeout(res, attempt * 1000));
    }
    keys.push(key);
    logger.debug(`s3: uploaded ${key} (${f.bytes} bytes)`);
  }
  logger.info(`copied ${keys.length} file(s) to s3://${target.bucket}/${[target.prefix, args.folder].filter(Boolean).join("/")}/ (SSE AES256)`);
  return { uri: args.uri, bucket: target.bucket, keys, serverSideEncryption: "AES256", endpoint };
}
