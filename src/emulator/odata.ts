// The OData-style Analytics collection (cognigy-api.md §12, §17): $filter (eq/ne/gt/ge/lt/le joined by and), $orderby, $top, $skip, $select.
import { badRequest } from "./problem.js";
import type { AnalyticsRec } from "./state.js";

export const ODATA_PAGE = 1000;

type Cmp = { field: string; op: string; value: unknown };

function parseValue(raw: string): unknown {
  const v = raw.trim();
  let m = /^'((?:[^']|'')*)'$/.exec(v);
  if (m) return m[1].replace(/''/g, "'");
  m = /^datetime'([^']*)'$/i.exec(v);
  if (m) return m[1];
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  if (/^null$/i.test(v)) return null;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return v;
  throw badRequest(`$filter: cannot read the value ${v}`);
}

export function parseFilter(filter: string): Cmp[] {
  const out: Cmp[] = [];
  for (const part of filter.split(/\s+and\s+/i)) {
    const m = /^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/i.exec(part);
    if (!m) throw badRequest(`$filter: unsupported expression '${part.trim()}' (use field op value joined by 'and')`);
    out.push({ field: m[1], op: m[2].toLowerCase(), value: parseValue(m[3]) });
  }
  return out;
}

function compare(a: unknown, b: unknown, field: string): number {
  if (field === "timestamp") return Date.parse(String(a)) - Date.parse(String(b));
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function test(row: Record<string, unknown>, c: Cmp): boolean {
  const v = row[c.field];
  if (c.op === "eq") return c.value === null ? v === null || v === undefined : v !== undefined && v !== null && compare(v, c.value, c.field) === 0;
  if (c.op === "ne") return c.value === null ? v !== null && v !== undefined : v === undefined || v === null || compare(v, c.value, c.field) !== 0;
  if (v === undefined || v === null) return false;
  const d = compare(v, c.value, c.field);
  return c.op === "gt" ? d > 0 : c.op === "ge" ? d >= 0 : c.op === "lt" ? d < 0 : d <= 0;
}

function intParam(q: URLSearchParams, k: string): number | undefined {
  const v = q.get(k);
  if (v === null || v === "") return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`${k} must be an integer ≥ 0`);
  return Number(v);
}

export function queryAnalytics(rows: AnalyticsRec[], q: URLSearchParams, selfLink: string): Record<string, unknown> {
  let list = rows.map(({ _id, ...r }) => r as Record<string, unknown>);
  const filter = q.get("$filter");
  if (filter) {
    const cs = parseFilter(filter);
    list = list.filter((r) => cs.every((c) => test(r, c)));
  }
  const order = q.get("$orderby") ?? "timestamp asc";
  const [field, dir = "asc"] = order.trim().split(/\s+/);
  const sign = dir.toLowerCase() === "desc" ? -1 : 1;
  list.sort((a, b) => sign * compare(a[field], b[field], field));
  const skip = intParam(q, "$skip") ?? 0;
  const top = intParam(q, "$top");
  const want = top === undefined ? list.length - skip : top;
  const take = Math.max(0, Math.min(want, ODATA_PAGE));
  let value = list.slice(skip, skip + take);
  const select = q.get("$select");
  if (select) {
    const keep = select.split(",").map((x) => x.trim());
    value = value.map((r) => Object.fromEntries(keep.map((k) => [k, r[k] ?? null])));
  }
  const out: Record<string, unknown> = { "@odata.context": `${selfLink}/$metadata#Analytics`, value };
  if (skip + take < list.length && want > take) {
    const next = new URLSearchParams(q);
    next.delete("apikey");
    next.delete("api_key");
    next.set("$skip", String(skip + take));
    if (top !== undefined) next.set("$top", String(top - take));
    out["@odata.nextLink"] = `${selfLink}/Analytics?${next.toString()}`;
  }
  return out;
}
