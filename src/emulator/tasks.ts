// Tasks (cognigy-api.md §11): queued → active (currentStep/totalStep) → done | error, cancel → cancelling → cancelled.
import { randomUUID } from "node:crypto";
import type { TaskFault } from "./faults.js";
import { type Store, type TaskRec, USER_ID } from "./state.js";

export interface TaskWork {
  /** Prefix of the failReason when the task fails, e.g. "Training failed". */
  failLabel: string;
  /** Tasks with the same key run one after the other (e.g. one training per flow). */
  exclusive?: string;
  /** Called when the task turns active (e.g. to capture the data a training learns from). */
  begin?(task: TaskRec): void;
  /** The work; applies its effect at the end (after checking `signal`). Throwing fails the task with the message. */
  run(t: { progress(fraction: number): void; signal: AbortSignal; task: TaskRec }): Promise<void>;
}

export class TaskAbort extends Error {}

export class TaskRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly chains = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly delayMs: () => number,
    private readonly onChange: () => void,
    private readonly onInjected: (kind: string) => void,
  ) {}

  /** Creates the task and starts it in the background. */
  start(projectId: string, type: string, parameters: Record<string, unknown>, work: TaskWork, fault: TaskFault | null): TaskRec {
    const now = this.store.nowSec();
    const t: TaskRec = {
      _id: this.store.ids.objectId(),
      projectId,
      type,
      parameters,
      status: "queued",
      currentStep: 0,
      totalStep: 100,
      failReason: null,
      lastRunAt: null,
      lastFinishedAt: null,
      createdAt: now,
      lastChangedAt: now,
      createdBy: USER_ID,
      traceId: `api--${randomUUID()}`,
    };
    this.store.tasks.set(t._id, t);
    const ac = new AbortController();
    this.controllers.set(t._id, ac);
    const prev = work.exclusive ? (this.chains.get(work.exclusive) ?? Promise.resolve()) : Promise.resolve();
    const mine = prev.then(() => this.execute(t, work, fault, ac.signal)).catch(() => {});
    if (work.exclusive) {
      const key = work.exclusive;
      this.chains.set(key, mine);
      void mine.then(() => {
        if (this.chains.get(key) === mine) this.chains.delete(key);
      });
    }
    this.onChange();
    return t;
  }

  private update(t: TaskRec, patch: Partial<TaskRec>): void {
    Object.assign(t, patch, { lastChangedAt: this.store.nowSec() });
    this.onChange();
  }

  private iso(): string {
    return new Date(this.store.nowMs()).toISOString();
  }

  private async execute(t: TaskRec, work: TaskWork, fault: TaskFault | null, signal: AbortSignal): Promise<void> {
    const half = Math.max(0, Math.round(this.delayMs() / 2));
    try {
      await this.sleep(half, signal);
      this.update(t, { status: "active", lastRunAt: this.iso(), currentStep: 1 });
      work.begin?.(t);
      if (fault === "taskstuck") {
        this.onInjected("taskstuck");
        this.update(t, { currentStep: 42 });
        await this.sleep(Number.POSITIVE_INFINITY, signal);
      }
      // The visible "active" phase, in a few progress steps.
      const steps = 4;
      for (let i = 1; i <= steps; i++) {
        await this.sleep(half / steps, signal);
        this.update(t, { currentStep: Math.max(t.currentStep, Math.round((i / steps) * 20)) });
      }
      if (fault === "taskerror") {
        this.onInjected("taskerror");
        throw new Error(`${work.failLabel}: the server reported an internal error (injected fault)`);
      }
      await work.run({
        signal,
        task: t,
        progress: (f) => {
          const step = 20 + Math.floor(Math.min(1, Math.max(0, f)) * 79);
          if (step > t.currentStep) this.update(t, { currentStep: step });
        },
      });
      if (signal.aborted) throw new TaskAbort();
      this.update(t, { status: "done", currentStep: t.totalStep, lastFinishedAt: this.iso() });
    } catch (e) {
      if (this.closed) return;
      if (signal.aborted || e instanceof TaskAbort) {
        await this.sleep(Math.max(1, half / 2)).catch(() => {});
        this.update(t, { status: "cancelled", lastFinishedAt: this.iso() });
        return;
      }
      const msg = e instanceof Error ? e.message : String(e);
      this.update(t, { status: "error", failReason: msg.startsWith(work.failLabel) ? msg : `${work.failLabel}: ${msg}`, lastFinishedAt: this.iso() });
    } finally {
      this.controllers.delete(t._id);
    }
  }

  /** Asks a queued or active task to stop; no-op for finished tasks. */
  cancel(t: TaskRec): void {
    if (t.status !== "queued" && t.status !== "active") return;
    this.update(t, { status: "cancelling" });
    this.controllers.get(t._id)?.abort(new TaskAbort("cancelled"));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new TaskAbort());
      if (this.closed) return reject(new TaskAbort());
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
        reject(new TaskAbort());
      };
      if (Number.isFinite(ms)) {
        timer = setTimeout(() => {
          this.timers.delete(timer!);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        this.timers.add(timer);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.controllers.values()) ac.abort(new TaskAbort("closed"));
  }
}
