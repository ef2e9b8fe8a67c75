// HTTP plumbing of the emulator: the request context handlers see, replies, a small path router, body parsing helpers.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { TaskFault } from "./faults.js";
import { isObjectId } from "./ids.js";
import { badRequest, HttpError, missingArgument } from "./problem.js";

/** JSON request bodies above this are refused with 413 (cognigy-api.md §3). */
export const JSON_BODY_LIMIT = 60 * 1024;
/** Uploads (multipart) above this are refused with 413. */
export const UPLOAD_LIMIT = 256 * 1024 * 1024;

export interface Ctx {
  method: string;
  /** Path below the API prefix, e.g. `/flows/abc/intents`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** `METHOD /path` (what queued faults match on). */
  line: string;
  /** The emulator's own base URL (for absolute download links). */
  origin: string;
  /** The parsed JSON body (an object; `{}` when empty). 400 when it is not JSON or not an object. */
  json(): Record<string, unknown>;
  /** The multipart form. 400 when the body is not multipart. */
  form(): Promise<FormData>;
  /** How a task this request starts should end (consults the fault switches once). */
  taskFault(): TaskFault | null;
}

export interface Reply {
  status: number;
  body?: unknown;
  text?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  stream?: Readable;
  /** Runs after the reply was handed to the socket. */
  onSent?: () => void;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** Matches `/a/:xId/b` patterns; params ending in `Id` must be ObjectIds (else 400). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | { allowed: string[] } | null {
    const parts = path.split("/").filter(Boolean);
    const allowed = new Set<string>();
    for (const r of this.routes) {
      if (r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let hit = true;
      for (let i = 0; i < parts.length && hit; i++) {
        const s = r.segments[i];
        if (s.startsWith(":")) params[s.slice(1)] = decodeURIComponent(parts[i]);
        else if (s !== parts[i]) hit = false;
      }
      if (!hit) continue;
      if (r.method !== method) {
        allowed.add(r.method);
        continue;
      }
      for (const [k, v] of Object.entries(params)) {
        if (k.endsWith("Id") && !isObjectId(v)) throw badRequest(`'${v}' is not a valid ObjectId (${k})`);
      }
      return { handler: r.handler, params };
    }
    return allowed.size ? { allowed: [...allowed] } : null;
  }
}

// ---- argument helpers

/**
 * A strict server's body check: a key outside `allowed` → 400 naming it; a `required` key missing → 400 naming it.
 * `where` prefixes the field name (e.g. `operations[3].value.`).
 */
export function strictKeys(body: Record<string, unknown>, allowed: readonly string[], required: readonly string[] = [], where = ""): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) throw badRequest(`Unknown field '${where}${k}' (allowed: ${allowed.join(", ")})`);
  }
  for (const k of required) {
    if (body[k] === undefined || body[k] === null) throw missingArgument(`${where}${k}`);
  }
}

export function str(body: Record<string, unknown>, key: string, opts: { required?: boolean; max?: number; allowEmpty?: boolean } = {}): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (opts.required) throw missingArgument(key);
    return undefined;
  }
  if (typeof v !== "string") throw badRequest(`'${key}' must be a string`);
  if (!opts.allowEmpty && v.trim() === "" && opts.required) throw badRequest(`'${key}' must not be empty`);
  if (opts.max && v.length > opts.max) throw badRequest(`'${key}' is longer than ${opts.max} characters`);
  return v;
}

export function objectIdArg(body: Record<string, unknown>, key: string, required = true): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === "") {
    if (required) throw missingArgument(key);
    return undefined;
  }
  if (!isObjectId(v)) throw badRequest(`'${key}' must be a valid ObjectId`);
  return v;
}

export function queryObjectId(q: URLSearchParams, key: string, required = false): string | undefined {
  const v = q.get(key);
  if (v === null || v === "") {
    if (required) throw missingArgument(key);
    return undefined;
  }
  if (!isObjectId(v)) throw badRequest(`'${key}' must be a valid ObjectId`);
  return v;
}

export function bool(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw badRequest(`'${key}' must be a boolean`);
  return v;
}

export function strArray(body: Record<string, unknown>, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw badRequest(`'${key}' must be an array of strings`);
  return v as string[];
}

export function parseJsonBody(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "The request body is not valid JSON", 1005);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw badRequest("The request body must be a JSON object");
  return v as Record<string, unknown>;
}
