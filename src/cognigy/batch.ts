// Batch PATCH helpers: split operations into calls of ≤ 100 operations and ≤ 60 kB, merge results, find what is still missing.
import { UserError } from "../errors.js";
import type { BatchOp, BatchResult, ObjectId } from "./types.js";

export const MAX_BATCH_OPS = 100;
/** Cognigy's JSON body limit is 60 kB; 60,000 bytes stays under it whichever kB is meant. */
export const MAX_BODY_BYTES = 60_000;

const ENVELOPE = Buffer.byteLength('{"operations":[]}');

/** Serialized size of `{"operations":[...ops]}` in bytes. */
export function batchBodyBytes(ops: readonly unknown[]): number {
  return Buffer.byteLength(JSON.stringify({ operations: ops }));
}

/** Splits ops, keeping their order, into chunks that each fit both limits. */
export function chunkOperations<T>(ops: readonly T[], limits: { maxOps?: number; maxBytes?: number } = {}): T[][] {
  const maxOps = limits.maxOps ?? MAX_BATCH_OPS;
  const maxBytes = limits.maxBytes ?? MAX_BODY_BYTES;
  const chunks: T[][] = [];
  let cur: T[] = [];
  let bytes = ENVELOPE;
  for (const op of ops) {
    const size = Buffer.byteLength(JSON.stringify(op));
    if (ENVELOPE + size > maxBytes) throw new UserError(`one batch operation is ${size} bytes, over the ${maxBytes}-byte request limit`);
    const next = bytes + size + (cur.length ? 1 : 0);
    if (cur.length >= maxOps || next > maxBytes) {
      chunks.push(cur);
      cur = [];
      bytes = ENVELOPE;
    }
    bytes += size + (cur.length ? 1 : 0);
    cur.push(op);
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

export function emptyResult(): BatchResult {
  return { created: [], updated: [], deleted: [] };
}

export function mergeResults(a: BatchResult, b: Partial<BatchResult> | undefined): BatchResult {
  return {
    created: [...a.created, ...(b?.created ?? [])],
    updated: [...a.updated, ...(b?.updated ?? [])],
    deleted: [...a.deleted, ...(b?.deleted ?? [])],
  };
}

/**
 * After a batch call that may or may not have been applied: the ops still to send, and the result of those already done.
 * Creates count as done when an existing item has the same key (sentence text / intent name); deletes when the id is gone.
 * Updates are always re-sent (they are idempotent).
 */
export function remainingOps<V>(
  ops: readonly BatchOp<V>[],
  existing: readonly { _id: ObjectId; key: string }[],
  keyOf: (value: V) => string,
): { remaining: BatchOp<V>[]; done: BatchResult } {
  const deleting = new Set(ops.flatMap((op) => (op.op === "delete" ? [op.id] : [])));
  const byKey = new Map<string, ObjectId[]>();
  for (const e of existing) {
    if (deleting.has(e._id)) continue; // an item this batch deletes does not stand for one it creates
    const list = byKey.get(e.key);
    if (list) list.push(e._id);
    else byKey.set(e.key, [e._id]);
  }
  const ids = new Set(existing.map((e) => e._id));
  const remaining: BatchOp<V>[] = [];
  const done = emptyResult();
  for (const op of ops) {
    if (op.op === "create") {
      const hit = byKey.get(keyOf(op.value));
      if (hit?.length) done.created.push(hit.shift()!);
      else remaining.push(op);
    } else if (op.op === "delete") {
      if (ids.has(op.id)) remaining.push(op);
      else done.deleted.push(op.id);
    } else remaining.push(op);
  }
  return { remaining, done };
}
