// Reads files of another commit with git, without touching the checkout: rev-parse, ls-tree, cat-file --batch, and a
// shallow fetch of the base commit when actions/checkout's default depth-1 clone does not have it.
import { execFile, spawn } from "node:child_process";

/** Why a base could not be read (the estimate then shows head's metrics alone with this reason). */
export class GitUnavailable extends Error {}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Runs git (no shell) in `cwd`; never throws for a non-zero exit. */
export function git(cwd: string, args: readonly string[], opts: { input?: Buffer; maxBuffer?: number; timeoutMs?: number } = {}): Promise<GitResult> {
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
      { cwd, encoding: "buffer", maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 120_000, env: gitEnv() },
      (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
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

/** A ref a user may pass: no option-looking, no whitespace or control characters, no "..". */
export function checkRef(ref: string): string | undefined {
  if (!ref || ref.startsWith("-") || /[\s\u0000-\u001f\u007f:?*[\\]/.test(ref) || ref.includes("..") || ref.includes("@{")) return `'${ref.replace(/[^\x20-\x7e]/g, "?")}' is not a valid git ref`;
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
export async function resolveCommit(cwd: string, ref: string, logger?: { info(m: string): void }): Promise<ResolvedRef> {
  const bad = checkRef(ref);
  if (bad) throw new GitUnavailable(bad);
  // one git process on the common path (the ref is there); `git remote` fails outside a checkout (two processes on
  // the others, each spawn costs ~20 ms of a check's start)
  const have = await revParse(cwd, ref);
  if (have) return { sha: have, ref, fetched: false };
  const remote = "origin";
  const remotes = await git(cwd, ["remote"]);
  if (remotes.code !== 0) throw new GitUnavailable("the folder is not a git checkout");
  if (!remotes.stdout.toString("utf8").split("\n").includes(remote)) throw new GitUnavailable(`'${ref}' is not in this clone and there is no remote '${remote}' to fetch it from`);
  const what = ref.startsWith(`${remote}/`) ? ref.slice(remote.length + 1) : ref;
  const shallow = (await git(cwd, ["rev-parse", "--is-shallow-repository"])).stdout.toString("utf8").trim() === "true";
  logger?.info(`fetching ${what} from ${remote}${shallow ? " (depth 1)" : ""} to read the base data`);
  const args = ["fetch", "--no-tags", "--no-recurse-submodules", "--quiet", ...(shallow ? ["--depth=1"] : []), remote, "--end-of-options", what];
  const f = await git(cwd, args);
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
  const [top, prefix = ""] = r.stdout.toString("utf8").split("\n");
  return { top, prefix };
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
