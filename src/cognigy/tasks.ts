// Task helpers: polling a task to its end with backoff, and recognising the task an interrupted POST may have started.
import type { Logger } from "../logger.js";
import { CognigyApiError, CognigyTaskError } from "./errors.js";
import { isRetryableStatus } from "./retry.js";
import type { Task, WaitOptions } from "./types.js";

export const DEFAULT_TASK_TIMEOUT_MS = 600_000;
export const POLL_START_MS = 250;
export const POLL_FACTOR = 1.5;
export const POLL_CAP_MS = 5_000;
/** Polls in a row that may fail (each after its own retries) before waiting gives up. */
export const MAX_POLL_FAILURES = 5;

export function taskLabel(t: Task): string {
  const kind = t.type ?? t.name;
  return `task ${t._id}${kind ? ` (${kind})` : ""}`;
}

function progress(t: Task): string {
  return t.totalStep ? ` ${t.currentStep ?? 0}/${t.totalStep}` : "";
}

/** Polls `get(taskId)` (250 ms, ×1.5, capped at 5 s) until done; rejects on error, cancelled, timeout or abort. */
export async function waitForTask(
  get: (id: string) => Promise<Task>,
  taskId: string,
  opts: WaitOptions,
  env: { sleep: (ms: number) => Promise<void>; now: () => number; logger: Logger },
): Promise<Task> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const deadline = env.now() + timeoutMs;
  let delay = POLL_START_MS;
  let last: Task | undefined;
  let failures = 0;
  for (;;) {
    if (opts.signal?.aborted) throw new CognigyTaskError(`waiting for task ${taskId} was aborted`, taskId, last?.status ?? "unknown");
    let t: Task;
    try {
      t = await get(taskId);
      failures = 0;
    } catch (e) {
      // A poll that failed after its own retries (429 storm, 5xx, network) does not stop the task: poll again later.
      const transient = e instanceof CognigyApiError && e.network !== "aborted" && (e.status === 0 || isRetryableStatus(e.status));
      if (!transient || ++failures > MAX_POLL_FAILURES || deadline - env.now() <= 0) throw e;
      env.logger.debug(`task ${taskId}: poll failed (${e.message}); polling again`);
      await env.sleep(Math.round(Math.min(POLL_CAP_MS, Math.max(0, deadline - env.now()))));
      continue;
    }
    last = t;
    opts.onProgress?.(t);
    env.logger.debug(`${taskLabel(t)}: ${t.status}${progress(t)}`);
    if (t.status === "done") return t;
    if (t.status === "error") {
      const reason = t.failReason ?? "(no failReason given)";
      throw new CognigyTaskError(`${taskLabel(t)} failed: ${reason}`, t._id ?? taskId, t.status, t.failReason);
    }
    if (t.status === "cancelled") throw new CognigyTaskError(`${taskLabel(t)} was cancelled`, t._id ?? taskId, t.status, t.failReason);
    const left = deadline - env.now();
    if (left <= 0)
      throw new CognigyTaskError(
        `${taskLabel(t)} did not finish within ${Math.round(timeoutMs / 1000)} s (last status: ${t.status}${progress(t)}); it may still be running in Cognigy`,
        t._id ?? taskId,
        t.status,
        t.failReason,
      );
    await env.sleep(Math.round(Math.min(delay, left)));
    delay = Math.min(delay * POLL_FACTOR, POLL_CAP_MS);
  }
}

/** Epoch ms of a Cognigy time: Unix seconds, ms, or an ISO string. */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === "string" && v) {
    if (/^\d+(\.\d+)?$/.test(v)) return toEpochMs(Number(v));
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

export function taskCreatedAt(t: Task): number | undefined {
  const meta = t.meta as Record<string, unknown> | undefined;
  return toEpochMs(t.createdAt) ?? toEpochMs(meta?.createdAt) ?? toEpochMs(t.lastRunAt);
}

/** The kinds of task-starting POSTs and how their task names look (names are not guaranteed; see cognigy-api.md Gap 10). */
export const TASK_KINDS = {
  train: /train/i,
  import: /import/i,
  snapshot: /^(?!.*(package|restore|upload|delet|download)).*snapshot/i,
  package: /package/i,
  restore: /restore/i,
  upload: /upload/i,
} as const;
export type TaskKind = keyof typeof TASK_KINDS;

/** False only when the task's type/name clearly names another kind of task. */
export function kindMatches(t: Task, kind: TaskKind): boolean {
  const name = [t.type, t.name].filter((s): s is string => typeof s === "string" && s !== "").join(" ");
  if (!name) return true;
  if (TASK_KINDS[kind].test(name)) return true;
  return !Object.values(TASK_KINDS).some((re) => re.test(name));
}

function taskData(t: Task): Record<string, unknown> {
  return { ...(t.parameters ?? {}), ...(t.data ?? {}) };
}

/** False only when the task carries parameters and none of them names any of the needles. */
export function mentions(t: Task, needles: readonly string[]): boolean {
  const data = taskData(t);
  if (!needles.length || Object.keys(data).length === 0) return true;
  const text = JSON.stringify(data);
  return needles.some((n) => text.includes(n));
}

/** False only when the task's parameters carry one of these fields with another value (e.g. another snapshot's name). */
export function fieldsAgree(t: Task, fields: Readonly<Record<string, string>>): boolean {
  const data = taskData(t);
  return Object.entries(fields).every(([k, v]) => typeof data[k] !== "string" || data[k] === v);
}

const LIVE = new Set(["queued", "active", "done"]);
/** Clock skew tolerated between this machine and Cognigy when comparing creation times. */
export const SKEW_MS = 5_000;

/**
 * The task an interrupted POST started, if any: queued/active/done, not among the tasks seen before (`known`: every task
 * listed before the POST) nor already attributed to another request (`taken`), created after the attempt (when the task
 * says when), of the right kind and about the right object (`needles`; `fields` the task must not contradict).
 */
export function findStartedTask(
  tasks: readonly Task[],
  q: {
    since: number;
    kind: TaskKind;
    needles: readonly string[];
    fields?: Readonly<Record<string, string>>;
    known?: ReadonlySet<string>;
    taken?: ReadonlySet<string>;
  },
): Task | undefined {
  const fits = tasks.filter((t) => {
    if (!LIVE.has(t.status) || q.known?.has(t._id) || q.taken?.has(t._id)) return false;
    const at = taskCreatedAt(t);
    if (at === undefined ? !q.known && t.status === "done" : at < q.since - SKEW_MS) return false;
    return kindMatches(t, q.kind) && mentions(t, q.needles) && (!q.fields || fieldsAgree(t, q.fields));
  });
  fits.sort((a, b) => (taskCreatedAt(b) ?? 0) - (taskCreatedAt(a) ?? 0));
  return fits[0];
}
