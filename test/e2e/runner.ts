// Runs the built dist/index.js as a GitHub runner does: INPUT_* env, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, event payload.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DIST = join(ROOT, "dist", "index.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than any file under src/. */
export function ensureBuilt(): void {
  const stale = !existsSync(DIST) || statSync(DIST).mtimeMs < Math.max(newestMtime(join(ROOT, "src")), statSync(join(ROOT, "scripts", "build.mjs")).mtimeMs);
  if (stale) execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "pipe" });
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  outputFile: string;
  summary: string;
  summaryFile: string;
  ms: number;
}

/** Parses the runner's `name<<DELIM … DELIM` output file format (and plain name=value lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join("\n");
      continue;
    }
    const kv = /^([^=]+)=(.*)$/.exec(lines[i]);
    if (kv) out[kv[1]] = kv[2];
  }
  return out;
}

export interface RunOptions {
  /** Input name → value (as in `with:`). */
  inputs: Record<string, string>;
  /** The workspace (cwd). */
  cwd: string;
  /** A scratch folder for GITHUB_OUTPUT, the summary, the event payload and RUNNER_TEMP. */
  temp: string;
  /** Event name and payload written to GITHUB_EVENT_PATH. */
  event?: { name: string; payload: unknown };
  env?: Record<string, string>;
  timeoutMs?: number;
}

let counter = 0;

export async function runAction(o: RunOptions): Promise<ActionRun> {
  const n = ++counter;
  const dir = join(o.temp, `run-${n}`);
  mkdirSync(join(dir, "runner-temp"), { recursive: true });
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "summary.md");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_WORKSPACE: o.cwd,
    GITHUB_REPOSITORY: "acme/bot",
    GITHUB_REPOSITORY_OWNER: "acme",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_REF: "refs/heads/main",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "777",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_ACTOR: "octocat",
    GITHUB_WORKFLOW: "nlu",
    GITHUB_JOB: "check",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: join(dir, "runner-temp"),
    RUNNER_OS: "Linux",
  };
  if (o.event) {
    const eventPath = join(dir, "event.json");
    writeFileSync(eventPath, JSON.stringify(o.event.payload));
    env.GITHUB_EVENT_NAME = o.event.name;
    env.GITHUB_EVENT_PATH = eventPath;
  }
  // The runner keeps the dash in the name: INPUT_API-KEY.
  for (const [k, v] of Object.entries(o.inputs)) env[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
  Object.assign(env, o.env ?? {});
  const t0 = Date.now();
  const child = spawn(process.execPath, [DIST], { cwd: o.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const code = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`dist/index.js did not exit within ${o.timeoutMs ?? 240_000} ms\n${stdout}\n${stderr}`));
    }, o.timeoutMs ?? 240_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c ?? 1);
    });
  });
  const outText = readFileSync(outputFile, "utf8");
  return { code, stdout, stderr, outputs: parseOutputFile(outText), outputFile, summary: readFileSync(summaryFile, "utf8"), summaryFile, ms: Date.now() - t0 };
}

/** A real pull_request event payload (trimmed), same-repository or from a fork. */
export function pullRequestEvent(opts: { number: number; fork: boolean }): unknown {
  const base = { full_name: "acme/bot", name: "bot", owner: { login: "acme" }, fork: false, default_branch: "main", private: false };
  const head = opts.fork ? { full_name: "someone/bot", name: "bot", owner: { login: "someone" }, fork: true } : base;
  return {
    action: "synchronize",
    number: opts.number,
    pull_request: {
      number: opts.number,
      state: "open",
      title: "Add utterances",
      user: { login: opts.fork ? "someone" : "octocat" },
      head: { label: `${head.owner.login}:feature`, ref: "feature", sha: "0123456789abcdef0123456789abcdef01234567", repo: head },
      base: { label: "acme:main", ref: "main", sha: "89abcdef0123456789abcdef0123456789abcdef", repo: base },
    },
    repository: base,
    sender: { login: opts.fork ? "someone" : "octocat" },
  };
}
