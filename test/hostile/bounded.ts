// Runs hostile cases with hard bounds: the library in a worker thread (time + heap limit), the CLI as a child process.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { CaseResult } from "./judge.js";

/** How a bounded run ended besides its result. */
export type Outcome = { kind: "done"; result: CaseResult } | { kind: "crash"; detail: string } | { kind: "timeout"; ms: number } | { kind: "oom"; detail: string };

const HEAP_MB = 512;

/** One worker at a time; replaced after a timeout, a crash of the thread or an out-of-memory stop. */
export class LibraryRunner {
  private worker?: Worker;

  private spawn(): Worker {
    // vitest does not transform worker code: register tsx inside the thread, then load the TypeScript worker
    const boot = `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(new URL("./lib-worker.ts", import.meta.url).href)}); });`;
    return new Worker(boot, {
      eval: true,
      // about the main thread's default stack, so a recursion that overflows the CLI overflows here too
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, stackSizeMb: 1 },
      stdout: true,
      stderr: true,
    });
  }

  run(repo: string, timeoutMs: number): Promise<Outcome> {
    this.worker ??= this.spawn();
    const w = this.worker;
    return new Promise<Outcome>((resolve) => {
      const done = (o: Outcome, kill: boolean) => {
        clearTimeout(timer);
        w.off("message", onMessage);
        w.off("error", onError);
        w.off("exit", onExit);
        if (kill) {
          this.worker = undefined;
          void w.terminate();
        }
        resolve(o);
      };
      const onMessage = (m: { result?: CaseResult; crash?: { name: string; message: string; stack: string } }) => {
        if (m.result) done({ kind: "done", result: m.result }, false);
        else done({ kind: "crash", detail: `${m.crash?.name}: ${m.crash?.message}\n${m.crash?.stack.split("\n").slice(0, 6).join("\n")}` }, false);
      };
      const onError = (e: Error) => {
        const oom = /ERR_WORKER_OUT_OF_MEMORY|out of memory/i.test(`${(e as NodeJS.ErrnoException).code} ${e.message}`);
        done(oom ? { kind: "oom", detail: e.message } : { kind: "crash", detail: `worker error: ${e.message}` }, true);
      };
      const onExit = (code: number) => done({ kind: "crash", detail: `worker exited with ${code}` }, true);
      const timer = setTimeout(() => done({ kind: "timeout", ms: timeoutMs }, true), timeoutMs);
      w.on("message", onMessage);
      w.once("error", onError);
      w.once("exit", onExit);
      w.postMessage({ repo });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  /** Peak resident set size of the CLI process, bytes (0 when unknown). */
  maxRssBytes: number;
}

/**
 * Runs `node dist/cli.js <args>` with a V8 heap cap, a wall-clock bound (SIGKILL after `timeoutMs`) and a clean
 * environment (HOME and TMPDIR inside the sandbox). The peak RSS is written by a preload at exit.
 */
export function runCli(o: { cli: string; args: string[]; cwd: string; home: string; tmp: string; timeoutMs: number; heapMb?: number; env?: Record<string, string> }): Promise<CliRun> {
  const rssFile = join(o.tmp, `rss-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const preload = join(o.tmp, "rss-preload.mjs");
  writeFileSync(
    preload,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { try { writeFileSync(process.env.CNLU_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)); } catch {} });\n",
  );
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${o.heapMb ?? 384}`, "--import", preload, o.cli, ...o.args], {
      cwd: o.cwd,
      env: { PATH: process.env.PATH ?? "", HOME: o.home, TMPDIR: o.tmp, CNLU_RSS_FILE: rssFile, NO_COLOR: "1", ...(o.env ?? {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      if (stdout.length < 8 * 1024 * 1024) stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      if (stderr.length < 1024 * 1024) stderr += c;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, o.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      let maxRssBytes = 0;
      try {
        maxRssBytes = Number(readFileSync(rssFile, "utf8")) || 0;
      } catch {
        // killed before exit
      }
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, timedOut, maxRssBytes });
    });
  });
}
