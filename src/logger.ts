// The Logger the core writes to: the CLI, the Action and tests each hand in their own.
import { escapeLogLine } from "./text/untrusted.js";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Runs `fn` inside a named, collapsible group (one per pipeline step). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** A logger that prints nothing (for library use and benchmarks). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  group: (_name, fn) => fn(),
};

/** A logger that keeps every line, for tests. */
export class RecordingLogger implements Logger {
  readonly lines: { level: "debug" | "info" | "warn" | "error" | "group"; message: string }[] = [];
  debug(message: string): void {
    this.lines.push({ level: "debug", message });
  }
  info(message: string): void {
    this.lines.push({ level: "info", message });
  }
  warn(message: string): void {
    this.lines.push({ level: "warn", message });
  }
  error(message: string): void {
    this.lines.push({ level: "error", message });
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push({ level: "group", message: name });
    return fn();
  }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join("\n");
  }
}

/** A logger for the terminal: info to stdout, warnings and errors to stderr, debug when enabled. */
export function consoleLogger(opts: { debug?: boolean; stream?: NodeJS.WritableStream; redact?: (s: string) => string } = {}): Logger {
  const out = opts.stream ?? process.stdout;
  const err = opts.stream ?? process.stderr;
  // Workflow commands cannot come from data even when the CLI runs inside a workflow step.
  const r0 = opts.redact ?? ((s: string) => s);
  const r = (s: string) => escapeLogLine(r0(s));
  let depth = 0;
  const pad = () => "  ".repeat(depth);
  return {
    debug: (m) => {
      if (opts.debug) err.write(`${pad()}debug: ${r(m)}\n`);
    },
    info: (m) => void out.write(`${pad()}${r(m)}\n`),
    warn: (m) => void err.write(`${pad()}warning: ${r(m)}\n`),
    error: (m) => void err.write(`${pad()}error: ${r(m)}\n`),
    async group(name, fn) {
      out.write(`${pad()}▸ ${r(name)}\n`);
      depth++;
      try {
        return await fn();
      } finally {
        depth--;
      }
    },
  };
}
