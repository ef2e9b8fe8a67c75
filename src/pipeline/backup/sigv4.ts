// AWS Signature Version 4 for S3 requests (the few lines the backup's PutObject needs instead of the AWS SDK).
import { createHash, createHmac } from "node:crypto";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s, "utf8").digest();

/** RFC 3986 encoding of one path segment or query part, as SigV4 wants it. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The headers that sign `method url` for service "s3": Authorization, x-amz-date, x-amz-content-sha256 (the payload's
 * SHA-256 in hex, or UNSIGNED-PAYLOAD) and the session token. `headers` (lower-case names) are all signed.
 */
export function signS3(
  req: { method: string; url: URL; headers: Record<string, string>; payloadSha256: string },
  creds: AwsCredentials,
  region: string,
  now = new Date(),
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...req.headers,
    host: req.url.host,
    "x-amz-date": amzDate,
    "x-amz-content-sha256": req.payloadSha256,
    ...(creds.sessionToken ? { "x-amz-security-token": creds.sessionToken } : {}),
  };
  const names = Object.keys(headers)
    .map((k) => k.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonicalHeaders = names.map((n) => `${n}:${String(lower[n]).trim().replace(/\s+/g, " ")}\n`).join("");
  const query = [...req.url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const signed = names.join(";");
  const canonical = [req.method, req.url.pathname, query, canonicalHeaders, signed, req.payloadSha256].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign, "utf8").digest("hex");
  const { host: _host, ...rest } = headers;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}` };
}

/** The object's URL: path-style on a custom endpoint (S3-compatible storage), virtual-hosted on AWS. */
export function objectUrl(bucket: string, key: string, region: string, endpoint?: string): URL {
  const path = key.split("/").map(uriEncode).join("/");
  if (endpoint) return new URL(`${endpoint.replace(/\/+$/, "")}/${uriEncode(bucket)}/${path}`);
  return new URL(`https://${bucket}.s3.${region}.amazonaws.com/${path}`);
}
