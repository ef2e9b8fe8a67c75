// Reads files of another commit with git, without touching the checkout: rev-parse, ls-tree, cat-file --batch, and a
// shallow fetch of the base commit when actions/checkout's default depth-1 clone does not have it.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { resolve } from "node:path";

/** Why a base could not be read (the estimate then shows head's metrics alone with this reason). */
export class GitUnavailable extends Error {}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Runs git (no shell) in `cwd`; never throws for a non-zero exit. */
export function git(cwd: string, args: readonly string[], opts: { input?: Buffer; maxBuffer?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    if (opts.input) {
      const child = spawn("git", args, { cwd, stdio: ["pipe", "pipe", "pipe"], env: gitEnv() });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const max = opts.maxBuffer ?? 256 * 1024 * 1024;
      child.stdout.on("data", (d: Buffer) => {
        size += d.length;
        if (size > max) child.kill();
        else out.push(d);
      });
      child.stderr.on("data", (d: Buffer) => err.push(d));
      child.on("error", (e) => reject(new GitUnavailable(`git cannot be run (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
      child.on("close", (code) => {
        if (size > max) reject(new GitUnavailable(`git output exceeds ${max} bytes`));
        else resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), code: code ?? 1 });
      });
      child.stdin.on("error", () => {});
      child.stdin.end(opts.input);
      return;
    }
    execFile(
      "git",
      args as string[],
      { cwd, encoding: "buffer", maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 120_000, env: gitEnv(), ...(opts.signal ? { signal: opts.signal } : {}) },
      (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        if (code === "ABORT_ERR") {
          reject(new GitUnavailable("cancelled"));
          return;
        }
        if (error && typeof code === "string") {
          reject(new GitUnavailable(code === "ENOENT" ? "git is not installed" : `git cannot be run (${code})`));
          return;
        }
        resolve({ stdout, stderr: stderr.toString("utf8"), code: error ? ((error as { code?: number }).code ?? 1) : 0 });
      },
    );
  });
}

/** No prompts (a fetch must fail, not wait for a password), no pager, plain messages. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", LC_ALL: "C" };
}

const SHA = /^[0-9a-f]{7,64}$/i;

/** A ref a user may pass: no option-looking, no whitespace or control characters, no "..", no trailing "/" (`origin/` would fetch the remote's default branch). */
export function checkRef(ref: string): string | undefined {
  if (!ref || ref.startsWith("-") || ref.endsWith("/") || /[\s\u0000-\u001f\u007f:?*[\\]/.test(ref) || ref.includes("..") || ref.includes("@{")) return `'${ref.replace(/[^\x20-\x7e]/g, "?")}' is not a valid git ref`;
  return undefined;
}

async function revParse(cwd: string, rev: string): Promise<string | undefined> {
  const r = await git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]);
  return r.code === 0 ? r.stdout.toString("utf8").trim() : undefined;
}

export interface ResolvedRef {
  /** The commit. */
  sha: string;
  /** The ref as given. */
  ref: string;
  /** True when the commit had to be fetched. */
  fetched: boolean;
}

/**
 * The commit of `ref` in the repository at `cwd`. When the clone does not have it (a shallow checkout), fetches it
 * once from `origin` (depth 1 in a shallow clone: the base commit only, not its history): a sha as is, `origin/x` as
 * branch `x`. Throws GitUnavailable with the reason when it cannot be resolved.
 */
export async function resolveCommit(
  cwd: string,
  ref: string,
  logger?: { info(m: string): void },
  signal?: AbortSignal,
  opts: { missing?: boolean; shallow?: boolean } = {},
): Promise<ResolvedRef> {
  const bad = checkRef(ref);
  if (bad) throw new GitUnavailable(bad);
  // one git process on the common path (the ref is there); `git remote` fails outside a checkout (two processes on
  // the others, each spawn costs milliseconds of a check's start). `missing`: the caller's own rev-parse just failed
  // (`shallow`: and told whether the clone is shallow)
  const have = opts.missing ? undefined : await revParse(cwd, ref);
  if (have) return { sha: have, ref, fetched: false };
  // one fetch at a time per repository: a shallow fetch takes .git/shallow.lock and every fetch rewrites FETCH_HEAD, so
  // two at once (the estimate's prefetch and the findings baseline's read, started together) fail or read each other's
  const key = resolve(cwd);
  return oneAtATime(key, async () => {
    if (signal?.aborted) throw new GitUnavailable("cancelled");
    // this ref fetched before in this process: the same commit (a single-branch clone's fetch of `main` does not
    // update origin/main, so rev-parse would not find it and every step of a run would fetch again)
    const fetched = fetchedRefs.get(key);
    const known = fetched?.get(ref);
    if (known) return { sha: known, ref, fetched: true };
    // brought by another ref's fetch (asked only when one ran in this repository)
    const now = fetched?.size ? await revParse(cwd, ref) : undefined;
    if (now) return { sha: now, ref, fetched: true };
    const got = await fetchCommit(cwd, ref, logger, signal, opts.shallow);
    if (fetched) fetched.set(ref, got.sha);
    else fetchedRefs.set(key, new Map([[ref, got.sha]]));
    return got;
  });
}

/** The commit each ref fetched in this process resolved to, by repository. */
const fetchedRefs = new Map<string, Map<string, string>>();

const fetching = new Map<string, Promise<void>>();

/** Runs `fn` after every earlier call for the same `key` has settled. */
function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (fetching.get(key) ?? Promise.resolve()).then(fn);
  const done = run.then(
    () => {},
    () => {},
  );
  fetching.set(key, done);
  void done.then(() => {
    if (fetching.get(key) === done) fetching.delete(key);
  });
  return run;
}

async function fetchCommit(cwd: string, ref: string, logger: { info(m: string): void } | undefined, signal: AbortSignal | undefined, knownShallow: boolean | undefined): Promise<ResolvedRef> {
  const remote = "origin";
  // both questions at once (each git start is milliseconds of a check's start); the remote's answer decides first
  const [remotes, shallowR] = await Promise.all([
    git(cwd, ["remote"], { signal }),
    knownShallow === undefined ? git(cwd, ["rev-parse", "--is-shallow-repository"], { signal }) : undefined,
  ]);
  if (remotes.code !== 0) throw new GitUnavailable("the folder is not a git checkout");
  if (!remotes.stdout.toString("utf8").split("\n").includes(remote)) throw new GitUnavailable(`'${ref}' is not in this clone and there is no remote '${remote}' to fetch it from`);
  const what = ref.startsWith(`${remote}/`) ? ref.slice(remote.length + 1) : ref;
  const shallow = knownShallow ?? shallowR?.stdout.toString("utf8").trim() === "true";
  logger?.info(`fetching ${what} from ${remote}${shallow ? " (depth 1)" : ""} to read the base data`);
  const args = ["fetch", "--no-tags", "--no-recurse-submodules", "--quiet", ...(shallow ? ["--depth=1"] : []), remote, "--end-of-options", what];
  const f = await git(cwd, args, { signal });
  if (f.code !== 0) {
    const msg = f.stderr.split("\n").find((l) => l.trim())?.trim() ?? `exit ${f.code}`;
    throw new GitUnavailable(`'${ref}' is not in this clone and fetching it from ${remote} failed: ${msg.slice(0, 200)}`);
  }
  const sha = (await revParse(cwd, "FETCH_HEAD")) ?? (SHA.test(ref) ? await revParse(cwd, ref) : undefined);
  if (!sha) throw new GitUnavailable(`'${ref}' could not be resolved after fetching it`);
  return { sha, ref, fetched: true };
}

/** The repository's top folder and the path of `cwd` inside it ("" or "sub/dir/"). */
export async function repoPrefix(cwd: string): Promise<{ top: string; prefix: string }> {
  const r = await git(cwd, ["rev-parse", "--show-toplevel", "--show-prefix"]);
  if (r.code !== 0) throw new GitUnavailable("the folder is not a git checkout");
  // two lines and a line break after each: a path with a line break of its own cannot be told apart
  const lines = r.stdout.toString("utf8").split("\n");
  if (lines.length !== 3 || lines[2] !== "" || !lines[0]) throw new GitUnavailable("the repository's folder path contains a line break, which git's answers cannot carry unambiguously");
  const [top, prefix] = lines;
  return { top, prefix };
}

/**
 * The commit of `ref`, repoPrefix's folders and whether the clone is shallow, from one `git rev-parse` (it prints the
 * top folder, the prefix, the shallow flag and the commit in that order, the first three also when the ref is not in
 * the clone): without `sha` when the ref is missing; undefined when that does not work as is (`cwd` not in a work tree,
 * an odd answer), where resolveCommit and repoPrefix know what to do. Throws GitUnavailable as they do for a bad ref or
 * a git that cannot be run.
 */
export async function revParseWithPrefix(cwd: string, ref: string): Promise<{ sha?: string; top: string; prefix: string; shallow: boolean } | undefined> {
  const bad = checkRef(ref);
  if (bad) throw new GitUnavailable(bad);
  const r = await git(cwd, ["rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (r.code !== 0 && r.code !== 1) return undefined;
  const lines = r.stdout.toString("utf8").split("\n");
  const [top, prefix, shallow] = lines;
  if (!top || (shallow !== "true" && shallow !== "false")) return undefined;
  const at = { top, prefix, shallow: shallow === "true" };
  if (r.code === 1) return lines.length === 4 && lines[3] === "" ? at : undefined;
  return lines.length === 5 && lines[4] === "" && SHA.test(lines[3]) ? { sha: lines[3], ...at } : undefined;
}

export interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  size: number;
  /** Path from the repository's top folder. */
  path: string;
}

/** Every blob under `paths` (repository-top relative) at `commit`, recursively. */
export async function lsTree(cwd: string, commit: string, paths: readonly string[]): Promise<TreeEntry[]> {
  if (paths.length === 0) return [];
  const r = await git(cwd, ["ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", ...paths]);
  if (r.code !== 0) throw new GitUnavailable(`cannot list ${commit.slice(0, 12)}: ${r.stderr.trim().split("\n")[0] ?? ""}`);
  const out: TreeEntry[] = [];
  for (const rec of r.stdout.toString("utf8").split("\u0000")) {
    if (!rec) continue;
    const tab = rec.indexOf("\t");
    const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
    out.push({ mode, type, sha, size: size === "-" ? 0 : Number(size), path: rec.slice(tab + 1) });
  }
  return out;
}

/** The contents of blobs by sha, in one `git cat-file --batch`. */
export async function readBlobs(cwd: string, shas: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (shas.length === 0) return out;
  const r = await git(cwd, ["cat-file", "--batch"], { input: Buffer.from(`${shas.join("\n")}\n`) });
  if (r.code !== 0) throw new GitUnavailable(`git cat-file failed: ${r.stderr.trim().split("\n")[0] ?? ""}`);
  const buf = r.stdout;
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = buf.subarray(pos, nl).toString("utf8").split(" ");
    pos = nl + 1;
    if (header[1] === "missing" || header.length < 3) continue;
    const size = Number(header[2]);
    out.set(header[0], buf.subarray(pos, pos + size));
    pos += size + 1;
  }
  return out;
}

/** One file's bytes at `commit` (repository-top relative path), or undefined when it is not there. */
export async function showFile(cwd: string, commit: string, path: string): Promise<Buffer | undefined> {
  const entries = await lsTree(cwd, commit, [path]);
  const e = entries.find((x) => x.path === path && x.type === "blob" && x.mode !== "120000");
  if (!e) return undefined;
  return (await readBlobs(cwd, [e.sha])).get(e.sha);
}

/** An object as `git cat-file --batch` prints it; `data` is absent when the read chose not to keep it (`keep`). */
export interface GitObject {
  oid: string;
  type: string;
  size: number;
  data?: Buffer;
}

/** Which objects a read keeps the bytes of (the others are passed over as git prints them, never held). */
export type Keep = (type: string, size: number, index: number) => boolean;

interface CatJob {
  names: readonly string[];
  asked: boolean[];
  keep?: Keep;
  out: (GitObject | undefined)[];
  /** Index in `names` of the next answer. */
  next: number;
  /** The object whose body is being read (undefined: a header is next). */
  obj?: GitObject;
  /** Body bytes still to come for `obj`, its closing line feed included. */
  left: number;
  bytes: number;
  max: number;
  timer?: NodeJS.Timeout;
  resolve: (v: (GitObject | undefined)[]) => void;
  reject: (e: Error) => void;
}

/**
 * One `git cat-file --batch` kept running for several reads: each read is a round trip on the running process, not a
 * new one (git flushes each object it prints unless --buffer). A read is written at once and answered in order, so
 * reads can be queued. Names are object ids or anything else cat-file takes on a line (`<rev>:<path>`); a name with a
 * line break cannot be asked and reads as missing, as do missing and ambiguous names. Errors as readBlobs': git cannot
 * be run, git exits (`git cat-file failed: <its message>`), one read's output over `maxBuffer` bytes (git is stopped;
 * objects not kept do not count). close() ends it (after the queued reads); every reader must call it.
 */
export class CatFile {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly jobs: CatJob[] = [];
  private chunks: Buffer[] = [];
  private length = 0;
  private readonly stderr: Buffer[] = [];
  private failure?: GitUnavailable;
  private closed = false;

  constructor(
    cwd: string,
    private readonly opts: { maxBuffer?: number; timeoutMs?: number } = {},
  ) {
    this.child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"], env: gitEnv() });
    this.child.on("error", (e) => this.fail(new GitUnavailable(`git cannot be run (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
    this.child.on("close", () => this.fail(new GitUnavailable(`git cat-file failed: ${Buffer.concat(this.stderr).toString("utf8").trim().split("\n")[0] ?? ""}`)));
    this.child.stdout.on("data", (d: Buffer) => this.onData(d));
    this.child.stderr.on("data", (d: Buffer) => this.stderr.push(d));
    this.child.stdin.on("error", () => {});
  }

  /** The objects of `names`, in order (undefined: missing); `keep` says which ones to hold the bytes of (default all). */
  read(names: readonly string[], keep?: Keep): Promise<(GitObject | undefined)[]> {
    return new Promise((resolve, reject) => {
      if (this.failure || this.closed) {
        reject(this.failure ?? new GitUnavailable("git cat-file is closed"));
        return;
      }
      const asked = names.map((n) => n.length > 0 && !/[\n\r\u0000]/.test(n));
      const job: CatJob = { names, asked, keep, out: new Array(names.length), next: 0, left: 0, bytes: 0, max: this.opts.maxBuffer ?? 256 * 1024 * 1024, resolve, reject };
      if (this.done(job)) return;
      this.jobs.push(job);
      this.child.stdin.write(`${names.filter((_, i) => asked[i]).join("\n")}\n`);
      if (this.jobs.length === 1) this.arm(job);
    });
  }

  /** Ends git's input: git exits once it has answered what was asked. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.child.stdin.end();
  }

  private arm(job: CatJob): void {
    const ms = this.opts.timeoutMs ?? 120_000;
    job.timer = setTimeout(() => {
      this.fail(new GitUnavailable(`git cat-file failed: no answer in ${Math.round(ms / 1000)} s`));
      this.child.kill();
    }, ms);
  }

  /** Skips the names not asked; true (and the job resolved) when every name is answered. */
  private done(job: CatJob): boolean {
    while (job.next < job.names.length && !job.asked[job.next]) job.out[job.next++] = undefined;
    if (job.next < job.names.length) return false;
    clearTimeout(job.timer);
    job.resolve(job.out);
    return true;
  }

  private fail(e: GitUnavailable): void {
    this.failure ??= e;
    this.closed = true;
    for (const job of this.jobs.splice(0)) {
      clearTimeout(job.timer);
      job.reject(this.failure);
    }
  }

  private onData(d: Buffer): void {
    if (!this.jobs.length) return;
    this.chunks.push(d);
    this.length += d.length;
    this.parse();
  }

  /** The buffered output as one buffer. */
  private flat(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(n: number): void {
    const rest = this.flat().subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
  }

  /** Adds to a job's output bytes; false (git stopped, the reads failed) when that passes its maximum. */
  private count(job: CatJob, n: number): boolean {
    job.bytes += n;
    if (job.bytes <= job.max) return true;
    this.fail(new GitUnavailable(`git output exceeds ${job.max} bytes`));
    this.child.kill();
    return false;
  }

  private parse(): void {
    for (let job = this.jobs[0]; job; job = this.jobs[0]) {
      const obj = job.obj;
      if (!obj) {
        const buf = this.flat();
        const nl = buf.indexOf(0x0a);
        if (nl < 0) return;
        const header = buf.subarray(0, nl).toString("utf8");
        this.consume(nl + 1);
        const m = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
        if (m) {
          const o: GitObject = { oid: m[1], type: m[2], size: Number(m[3]) };
          const kept = job.keep?.(o.type, o.size, job.next) ?? true;
          if (!this.count(job, nl + 1 + (kept ? o.size + 1 : 0))) return;
          if (kept) o.data = Buffer.alloc(0);
          job.obj = o;
          job.left = o.size + 1;
          continue;
        }
        if (!/ (missing|ambiguous)$/.test(header)) {
          this.fail(new GitUnavailable(`git cat-file failed: unexpected output '${header.slice(0, 80)}'`));
          this.child.kill();
          return;
        }
        if (!this.count(job, nl + 1)) return;
        job.out[job.next++] = undefined;
      } else if (!obj.data) {
        // not kept: pass over the bytes as they come
        const n = Math.min(this.length, job.left);
        this.consume(n);
        job.left -= n;
        if (job.left > 0) return;
        job.out[job.next++] = obj;
        job.obj = undefined;
      } else {
        if (this.length < job.left) return;
        obj.data = this.flat().subarray(0, obj.size);
        this.consume(job.left);
        job.out[job.next++] = obj;
        job.obj = undefined;
      }
      if (this.done(job)) {
        this.jobs.shift();
        if (this.jobs[0]) this.arm(this.jobs[0]);
      }
    }
  }
}

/** An entry of a tree object. */
export interface TreeObjectEntry {
  /** The mode as a number (0o100644, 0o120000, 0o40000…). */
  mode: number;
  name: string;
  oid: string;
}

/**
 * The entries of a tree object's raw bytes (`<octal mode> <name>\0<binary id>` each; `idBytes` 20 for SHA-1, 32 for
 * SHA-256); undefined when the bytes are not such a list.
 */
export function treeEntries(data: Buffer, idBytes: number): TreeObjectEntry[] | undefined {
  const out: TreeObjectEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    const nul = sp < 0 ? -1 : data.indexOf(0, sp + 1);
    if (nul < 0 || nul + 1 + idBytes > data.length) return undefined;
    const mode = data.subarray(pos, sp).toString("latin1");
    if (!/^[0-7]{1,7}$/.test(mode)) return undefined;
    out.push({ mode: Number.parseInt(mode, 8), name: data.subarray(sp + 1, nul).toString("utf8"), oid: data.subarray(nul + 1, nul + 1 + idBytes).toString("hex") });
    pos = nul + 1 + idBytes;
  }
  return out;
}

/** True for the mode of a regular file in a tree (what ls-tree lists as a blob that is not a link, 120000). */
export function isRegularFile(mode: number): boolean {
  return (mode & 0o170000) === 0o100000;
}
