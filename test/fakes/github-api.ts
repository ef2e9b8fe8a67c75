// A local fake of the GitHub REST API: issue comments (paginated with Link headers), artifacts list/download, token auth.
import type { IncomingMessage, ServerResponse } from "node:http";
import { listen, type RecordedRequest, sendJson } from "./http.js";

export interface FakeComment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

export interface FakeArtifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string;
  workflow_run: { id: number; head_branch: string; head_sha: string; repository_id?: number; head_repository_id?: number };
  /** The run behind it (GET /actions/runs/:id): defaults to a push run of release.yml in this repository. */
  run?: { path?: string; event?: string; repository?: string; headRepository?: string };
  zip: Buffer;
}

export interface FakeGitHub {
  url: string;
  token: string;
  requests: RecordedRequest[];
  /** Comments per issue number. */
  comments: Map<number, FakeComment[]>;
  artifacts: FakeArtifact[];
  /** When true, every write (POST/PATCH/DELETE) answers 403 like a read-only GITHUB_TOKEN. */
  denyWrites: boolean;
  /** Largest page the fake serves, whatever per_page asks (to force pagination with few comments). */
  maxPerPage: number;
  /** The login GET /user answers for a token that is not an installation token (ghs_…); installation tokens get 403. */
  userLogin: string;
  /** Adds a comment as another user would have (returns it). */
  seedComment(issue: number, body: string, user?: string): FakeComment;
  close(): Promise<void>;
}

const now = () => new Date().toISOString();

export async function startFakeGitHub(opts: { token: string; maxPerPage?: number }): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const comments = new Map<number, FakeComment[]>();
  let nextId = 1000;
  let base = "";
  const state = {
    denyWrites: false,
    maxPerPage: opts.maxPerPage ?? 100,
  };

  const page = <T>(req: IncomingMessage, res: ServerResponse, items: T[], wrap: (slice: T[]) => unknown) => {
    const u = new URL(req.url ?? "/", base);
    const per = Math.max(1, Math.min(Number(u.searchParams.get("per_page") ?? 30) || 30, state.maxPerPage));
    const p = Math.max(1, Number(u.searchParams.get("page") ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / per));
    const links: string[] = [];
    const at = (n: number) => {
      const v = new URL(u.toString());
      v.searchParams.set("page", String(n));
      v.searchParams.set("per_page", String(per));
      return v.toString();
    };
    if (p < last) links.push(`<${at(p + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    if (p > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(p - 1)}>; rel="prev"`);
    sendJson(res, 200, wrap(items.slice((p - 1) * per, p * per)), links.length ? { link: links.join(", ") } : {});
  };

  const authorized = (req: IncomingMessage) => {
    const h = req.headers.authorization ?? "";
    const m = /^(?:token|bearer) (.+)$/i.exec(h);
    return !!m && m[1] === opts.token;
  };

  const fake: FakeGitHub = {
    url: "",
    token: opts.token,
    requests,
    comments,
    artifacts: [],
    userLogin: "nlu-bot",
    get denyWrites() {
      return state.denyWrites;
    },
    set denyWrites(v: boolean) {
      state.denyWrites = v;
    },
    get maxPerPage() {
      return state.maxPerPage;
    },
    set maxPerPage(v: number) {
      state.maxPerPage = v;
    },
    seedComment(issue, body, user = "someone") {
      const c: FakeComment = { id: nextId++, body, html_url: `${base}/c/${nextId}`, user: { login: user, type: "User" }, created_at: now(), updated_at: now() };
      comments.set(issue, [...(comments.get(issue) ?? []), c]);
      return c;
    },
    close: async () => {},
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const u = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    // Blob downloads (the redirect target) carry their own signature, like the real storage URLs.
    const blob = /^\/_blobs\/(\d+)$/.exec(u.pathname);
    if (blob && method === "GET") {
      const a = fake.artifacts.find((x) => x.id === Number(blob[1]));
      if (!a || u.searchParams.get("sig") !== "fake") return sendJson(res, 404, { message: "Not Found" });
      res.writeHead(200, { "content-type": "application/zip", "content-length": a.zip.length });
      res.end(a.zip);
      return;
    }
    if (!authorized(req)) return sendJson(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    if (method !== "GET" && state.denyWrites) return sendJson(res, 403, { message: "Resource not accessible by integration", status: "403" });

    if (u.pathname === "/user" && method === "GET") {
      if (opts.token.startsWith("ghs_")) return sendJson(res, 403, { message: "Resource not accessible by integration", status: "403" });
      return sendJson(res, 200, { login: fake.userLogin, type: "User" });
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(u.pathname);
    if (m && method === "GET") {
      const a = fake.artifacts.find((x) => x.workflow_run.id === Number(m![3]));
      if (!a) return sendJson(res, 404, { message: "Not Found" });
      const repo = a.run?.repository ?? `${m[1]}/${m[2]}`;
      const head = a.run?.headRepository ?? repo;
      return sendJson(res, 200, {
        id: a.workflow_run.id,
        path: a.run?.path ?? ".github/workflows/release.yml",
        event: a.run?.event ?? "push",
        head_branch: a.workflow_run.head_branch,
        head_sha: a.workflow_run.head_sha,
        repository: { full_name: repo },
        head_repository: { full_name: head },
      });
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(u.pathname);
    if (m && method === "GET") return page(req, res, comments.get(Number(m[3])) ?? [], (s) => s);
    if (m && method === "POST") {
      const { body: text } = JSON.parse(body.toString("utf8")) as { body?: string };
      if (typeof text !== "string" || !text) return sendJson(res, 422, { message: "Validation Failed" });
      const id = nextId++;
      const c: FakeComment = { id, body: text, html_url: `${base}/${m[1]}/${m[2]}/pull/${m[3]}#issuecomment-${id}`, user: opts.token.startsWith("ghs_") ? { login: "github-actions[bot]", type: "Bot" } : { login: fake.userLogin, type: "User" }, created_at: now(), updated_at: now() };
      comments.set(Number(m[3]), [...(comments.get(Number(m[3])) ?? []), c]);
      return sendJson(res, 201, c);
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(u.pathname);
    if (m && method === "PATCH") {
      const id = Number(m[3]);
      for (const list of comments.values()) {
        const c = list.find((x) => x.id === id);
        if (c) {
          c.body = (JSON.parse(body.toString("utf8")) as { body: string }).body;
          c.updated_at = now();
          return sendJson(res, 200, c);
        }
      }
      return sendJson(res, 404, { message: "Not Found" });
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts$/.exec(u.pathname);
    if (m && method === "GET") {
      const name = u.searchParams.get("name");
      const list = fake.artifacts.filter((a) => !name || a.name === name).sort((a, b) => b.created_at.localeCompare(a.created_at));
      const view = list.map(({ zip, ...a }) => ({ ...a, size_in_bytes: zip.length, archive_download_url: `${base}/repos/${m![1]}/${m![2]}/actions/artifacts/${a.id}/zip` }));
      return page(req, res, view, (s) => ({ total_count: list.length, artifacts: s }));
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/zip$/.exec(u.pathname);
    if (m && method === "GET") {
      const a = fake.artifacts.find((x) => x.id === Number(m![3]));
      if (!a) return sendJson(res, 404, { message: "Not Found" });
      if (a.expired) return sendJson(res, 410, { message: "Artifact has expired" });
      res.writeHead(302, { location: `${base}/_blobs/${a.id}?sig=fake` });
      res.end();
      return;
    }
    sendJson(res, 404, { message: `Not Found: ${method} ${u.pathname}` });
  };

  const l = await listen(handle, requests);
  base = l.url;
  fake.url = l.url;
  fake.close = l.close;
  return fake;
}
