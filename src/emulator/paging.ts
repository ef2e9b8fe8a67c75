// Index pages (cognigy-api.md §6): limit (≤ 100, default 25), skip, next/previous key cursors, sort, filter, field filters.
import { badRequest } from "./problem.js";

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 25;

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
  previousCursor: string | null;
}

type Row = { _id: string };

interface SortKey {
  field: string;
  dir: 1 | -1;
}

function parseSort(s: string | null, fallback: string): SortKey[] {
  const spec = s?.trim() ? s : fallback;
  const keys = spec.split(",").map((part) => {
    const [field, dirRaw = "asc"] = part.trim().split(":");
    const d = dirRaw.trim().toLowerCase();
    if (!field || !/^[A-Za-z_][\w.]*$/.test(field)) throw badRequest(`invalid sort '${spec}'`);
    if (!["asc", "desc", "1", "-1", "ascending", "descending"].includes(d)) throw badRequest(`invalid sort direction '${dirRaw}' (asc|desc)`);
    return { field, dir: d === "desc" || d === "-1" || d === "descending" ? -1 : 1 } as SortKey;
  });
  if (!keys.some((k) => k.field === "_id")) keys.push({ field: "_id", dir: keys[0]?.dir ?? 1 });
  return keys;
}

function get(row: Row, path: string): unknown {
  let v: unknown = row as unknown;
  for (const p of path.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function cmpValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return a ? 1 : -1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function cmpKeys(a: unknown[], b: unknown[], sort: SortKey[]): number {
  for (let i = 0; i < sort.length; i++) {
    const c = cmpValues(a[i], b[i]);
    if (c) return c * sort[i].dir;
  }
  return 0;
}

function encodeCursor(dir: "n" | "p", key: unknown[]): string {
  return Buffer.from(JSON.stringify({ d: dir, k: key })).toString("base64url");
}

function decodeCursor(s: string, dir: "n" | "p", width: number): unknown[] {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as { d: string; k: unknown[] };
    if (c.d !== dir || !Array.isArray(c.k) || c.k.length !== width) throw new Error("shape");
    return c.k;
  } catch {
    throw badRequest(`invalid ${dir === "n" ? "next" : "previous"} cursor`);
  }
}

function intParam(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw badRequest(`'${name}' must be an integer`);
  const n = Number(v);
  if (n < min) throw badRequest(`'${name}' must be ≥ ${min}`);
  return n;
}

export interface PageOptions {
  /** Default sort, e.g. `_id:asc` or `createdAt:desc`. */
  sort?: string;
  /** Fields `?field=a,b` may filter on (any-of). */
  filterFields?: string[];
  /** Field the free-text `filter` searches (case-insensitive substring). */
  textField?: string;
}

/** Filters, sorts and pages `rows` as a Cognigy index endpoint does, then maps each item with `view`. */
export function paginate<T extends Row, V>(rows: T[], q: URLSearchParams, view: (r: T) => V, opts: PageOptions = {}): Page<V> {
  const limit = Math.min(MAX_LIMIT, intParam(q, "limit", 1) ?? DEFAULT_LIMIT);
  const skip = intParam(q, "skip", 0) ?? 0;
  const sort = parseSort(q.get("sort"), opts.sort ?? "_id:asc");
  let list = rows;
  const text = q.get("filter");
  if (text && opts.textField) {
    const needle = text.toLowerCase();
    list = list.filter((r) => String(get(r, opts.textField!) ?? "").toLowerCase().includes(needle));
  }
  for (const f of opts.filterFields ?? []) {
    const v = q.get(f);
    if (v === null) continue;
    const wanted = new Set(v.split(","));
    list = list.filter((r) => wanted.has(String(get(r, f))));
  }
  const keyOf = (r: Row) => sort.map((s) => get(r, s.field) ?? null);
  const sorted = list.map((r) => ({ r, k: keyOf(r) })).sort((a, b) => cmpKeys(a.k, b.k, sort));
  const total = sorted.length;
  let start: number;
  let end: number;
  const next = q.get("next");
  const prev = q.get("previous");
  if (next) {
    const k = decodeCursor(next, "n", sort.length);
    start = sorted.findIndex((x) => cmpKeys(x.k, k, sort) > 0);
    if (start < 0) start = total;
    end = Math.min(total, start + limit);
  } else if (prev) {
    const k = decodeCursor(prev, "p", sort.length);
    end = sorted.findIndex((x) => cmpKeys(x.k, k, sort) >= 0);
    if (end < 0) end = total;
    start = Math.max(0, end - limit);
  } else {
    start = Math.min(skip, total);
    end = Math.min(total, start + limit);
  }
  const slice = sorted.slice(start, end);
  return {
    items: slice.map((x) => view(x.r)),
    total,
    nextCursor: end < total && slice.length ? encodeCursor("n", slice[slice.length - 1].k) : null,
    previousCursor: start > 0 && slice.length ? encodeCursor("p", slice[0].k) : null,
  };
}
