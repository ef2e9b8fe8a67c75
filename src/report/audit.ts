// The audit log: one JSON line per pipeline step (time, actor, commit, mode, step, counts, outcome), redacted.
import { dirname } from "node:path";
import { safeAppendFile } from "../io/safe-fs.js";
import type { Redactor } from "./redact.js";
import type { Mode } from "./types.js";

export interface AuditBase {
  actor?: string;
  repository?: string;
  commit?: string;
  mode: Mode | string;
  runId?: string;
}

export interface AuditEvent {
  step: string;
  outcome: "success" | "failure" | "skipped";
  counts?: Record<string, number>;
  durationMs: number;
  message?: string;
}

export interface AuditRecord extends AuditBase, AuditEvent {
  /** ISO 8601, UTC. */
  time: string;
}

export interface AuditLogOptions {
  now?: () => Date;
}

/** Appends audit events to a JSONL file, in call order. Secrets never reach the file; PII in messages is masked. */
export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(
    readonly file: string,
    private readonly base: AuditBase,
    private readonly redactor: Redactor,
    opts: AuditLogOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Builds the redacted record (no I/O). */
  record(e: AuditEvent): AuditRecord {
    const r = this.redactor;
    const secretsOnly = (s: string | undefined) => (s === undefined ? undefined : r.redactSecrets(s));
    const text = (s: string | undefined) => (s === undefined ? undefined : r.redact(s));
    let counts: Record<string, number> | undefined;
    if (e.counts) {
      counts = {};
      for (const [k, v] of Object.entries(e.counts)) if (typeof v === "number" && Number.isFinite(v)) counts[r.redact(k)] = v;
    }
    const rec: AuditRecord = {
      time: this.now().toISOString(),
      actor: text(this.base.actor),
      repository: text(this.base.repository),
      commit: secretsOnly(this.base.commit),
      mode: r.redactSecrets(String(this.base.mode)),
      runId: secretsOnly(this.base.runId),
      step: r.redact(e.step),
      outcome: e.outcome,
      counts,
      durationMs: Number.isFinite(e.durationMs) ? Math.max(0, Math.round(e.durationMs)) : 0,
      message: text(e.message),
    };
    return rec;
  }

  /** Appends one line; resolves when it is on disk. Lines keep the order of the calls. */
  event(e: AuditEvent): Promise<AuditRecord> {
    const rec = this.record(e);
    const line = `${this.redactor.redactSecrets(JSON.stringify(rec))}\n`;
    // The log lives in the output folder: appended without following a link, never outside that folder.
    const append = () => safeAppendFile(dirname(this.file), this.file, line).then(() => undefined);
    const write = this.queue.then(append, append);
    this.queue = write.catch(() => undefined);
    return write.then(() => rec);
  }

  /** Resolves when every event so far is written. */
  async flush(): Promise<void> {
    await this.queue;
  }
}
