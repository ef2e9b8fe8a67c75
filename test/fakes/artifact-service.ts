// A local fake of the Actions results service: Twirp CreateArtifact / FinalizeArtifact and the Azure blob upload they sign.
import type { IncomingMessage, ServerResponse } from "node:http";
import { unzip } from "../../src/action/unzip.js";
import { listen, type RecordedRequest, sendJson } from "./http.js";

const TWIRP = "/twirp/github.actions.results.api.v1.ArtifactService/";

export interface FakeUpload {
  name: string;
  /** The workflow run backend id of the token that uploaded it (names are unique per run). */
  runBackendId: string;
  id: number;
  /** The uploaded blob (the zip). */
  blob: Buffer;
  finalized: boolean;
  /** What CreateArtifact was asked (proto field names). */
  create: Record<string, unknown>;
  finalize?: Record<string, unknown>;
}

export interface FakeArtifactService {
  url: string;
  /** An ACTIONS_RUNTIME_TOKEN for the default run (a JWT whose scp names run and job backend ids). */
  runtimeToken: string;
  /** A token for another workflow run (artifact names are unique per run). */
  tokenForRun(n: number): string;
  runBackendId: string;
  jobBackendId: string;
  requests: RecordedRequest[];
  uploads: FakeUpload[];
  /** The files of the newest finalized upload called `name`, unzipped. */
  files(name: string): Map<string, Buffer>;
  close(): Promise<void>;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** A JWT-looking token; @actions/artifact only decodes it (no signature check) for the Actions.Results scope. */
export function fakeRuntimeToken(runBackendId: string, jobBackendId: string): string {
  const payload = { scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`, iat: 1_700_000_000, exp: 4_000_000_000 };
  return `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url(payload)}.c2lnbmF0dXJl`;
}

/** The run and job backend ids of a `Bearer <jwt>` header, as @actions/artifact reads them. */
function scopeOf(auth: string | undefined): { run: string; job: string } | undefined {
  const m = /^Bearer ([^.]+)\.([^.]+)\.([^.]*)$/.exec(auth ?? "");
  if (!m) return undefined;
  try {
    const scp = String((JSON.parse(Buffer.from(m[2], "base64url").toString("utf8")) as { scp?: string }).scp ?? "");
    const s = scp.split(" ").find((x) => x.startsWith("Actions.Results:"));
    const [, run, job] = s?.split(":") ?? [];
    return run && job ? { run, job } : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeArtifactService(): Promise<FakeArtifactService> {
  const runBackendId = "11111111-2222-4333-8444-555555555555";
  const jobBackendId = "66666666-7777-4888-9999-000000000000";
  const issued = new Set<string>();
  const issue = (run: string, job: string) => {
    const t = fakeRuntimeToken(run, job);
    issued.add(t);
    return t;
  };
  const runtimeToken = issue(runBackendId, jobBackendId);
  const requests: RecordedRequest[] = [];
  const uploads: FakeUpload[] = [];
  /** Blob path → staged blocks and the committed content. */
  const blocks = new Map<string, Map<string, Buffer>>();
  const blobs = new Map<string, Buffer>();
  let nextId = 4242;
  let base = "";

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const u = new URL(req.url ?? "/", base);
    if (u.pathname.startsWith(TWIRP)) {
      const ids = scopeOf(req.headers.authorization);
      if (!ids || !issued.has(String(req.headers.authorization).slice(7))) return sendJson(res, 401, { code: "unauthenticated", msg: "bad token" });
      const method = u.pathname.slice(TWIRP.length);
      const data = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      if (data.workflow_run_backend_id !== ids.run || data.workflow_job_run_backend_id !== ids.job) {
        return sendJson(res, 400, { code: "invalid_argument", msg: "backend ids do not match the token" });
      }
      const name = String(data.name ?? "");
      const blobPath = `/devstoreaccount1/actions-results/${ids.run}/${encodeURIComponent(name)}.zip`;
      if (method === "CreateArtifact") {
        if (uploads.some((x) => x.name === name && x.runBackendId === ids.run && x.finalized)) {
          return sendJson(res, 409, { code: "already_exists", msg: "an artifact with this name exists in this run" });
        }
        uploads.push({ name, runBackendId: ids.run, id: 0, blob: Buffer.alloc(0), finalized: false, create: data });
        return sendJson(res, 200, { ok: true, signed_upload_url: `${base}${blobPath}?sv=2023-11-03&sr=b&sp=cw&sig=fakeSignature123` });
      }
      if (method === "FinalizeArtifact") {
        const up = uploads.find((x) => x.name === name && x.runBackendId === ids.run && !x.finalized);
        if (!up) return sendJson(res, 404, { code: "not_found", msg: "no such artifact" });
        up.blob = blobs.get(blobPath) ?? Buffer.alloc(0);
        if (String(data.size) !== String(up.blob.length)) return sendJson(res, 400, { code: "invalid_argument", msg: `size ${data.size} ≠ ${up.blob.length}` });
        up.finalized = true;
        up.id = nextId++;
        up.finalize = data;
        return sendJson(res, 200, { ok: true, artifact_id: String(up.id) });
      }
      return sendJson(res, 404, { code: "bad_route", msg: method });
    }
    // Azure Blob: Put Block (comp=block), Put Block List (comp=blocklist) or Put Blob; the signature must be there.
    if (req.method === "PUT") {
      if (u.searchParams.get("sig") !== "fakeSignature123") return sendJson(res, 403, { message: "AuthenticationFailed" });
      const path = u.pathname;
      const comp = u.searchParams.get("comp");
      const ok = (status: number) => {
        res.writeHead(status, { etag: `"0x${Date.now().toString(16)}"`, "last-modified": new Date().toUTCString(), "x-ms-request-id": "fake", "x-ms-version": "2023-11-03", "content-length": 0 });
        res.end();
      };
      if (comp === "block") {
        const id = u.searchParams.get("blockid") ?? "";
        if (!blocks.has(path)) blocks.set(path, new Map());
        blocks.get(path)!.set(id, body);
        return ok(201);
      }
      if (comp === "blocklist") {
        const ids = [...body.toString("utf8").matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]*)<\/(?:Latest|Committed|Uncommitted)>/g)].map((m) => m[1]);
        const staged = blocks.get(path) ?? new Map<string, Buffer>();
        const missing = ids.filter((id) => !staged.has(id));
        if (missing.length) return sendJson(res, 400, { message: `InvalidBlockList: ${missing.join(",")}` });
        blobs.set(path, Buffer.concat(ids.map((id) => staged.get(id)!)));
        return ok(201);
      }
      if (!comp) {
        blobs.set(path, body);
        return ok(201);
      }
      return ok(200); // properties, metadata, tags: accepted
    }
    sendJson(res, 404, { message: `Not Found: ${req.method} ${u.pathname}` });
  };

  const l = await listen(handle, requests);
  base = l.url;
  return {
    url: l.url,
    runtimeToken,
    tokenForRun: (n) => issue(`${String(n).padStart(8, "0")}-2222-4333-8444-555555555555`, jobBackendId),
    runBackendId,
    jobBackendId,
    requests,
    uploads,
    files(name) {
      const up = uploads.filter((x) => x.name === name && x.finalized).at(-1);
      if (!up) throw new Error(`no finalized artifact '${name}' (have: ${uploads.map((x) => x.name).join(", ") || "none"})`);
      return unzip(up.blob);
    },
    close: l.close,
  };
}
