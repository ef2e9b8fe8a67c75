// Conversation-log files for harvest (pure): JSON (array, OData {value}, {items}, JSON lines) or CSV with a header row.
import { parseCsv } from "../../dataset/csv.js";
import { UserError } from "../../errors.js";

/** One user message from a log, as read (not sanitised). */
export interface LogRecord {
  text: string;
  intent?: string;
  score?: number;
  /** Milliseconds since the epoch. */
  at?: number;
  /** Cognigy locale name as logged. */
  locale?: string;
  /** Flow name (or reference) as logged. */
  flow?: string;
}

const TEXT_KEYS = ["inputText", "text", "sentence", "input", "message", "utterance"];
const INTENT_KEYS = ["intent", "intentName", "topIntent", "intent_name"];
const SCORE_KEYS = ["intentScore", "score", "confidence", "intent_score"];
const TIME_KEYS = ["timestamp", "createdAt", "time", "date", "inputTimestamp"];
const LOCALE_KEYS = ["localeName", "locale", "language"];
const FLOW_KEYS = ["intentFlow", "flowName", "flow", "flowReferenceId"];

/** A timestamp as ms: numbers below 1e11 are seconds (Cognigy's unit), larger ones ms; strings are ISO dates or numbers. */
export function toMillis(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number") return Number.isFinite(v) ? (v < 1e11 ? v * 1000 : v) : undefined;
  const s = String(v).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return toMillis(Number(s));
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** A --since / --until value: an ISO date or date-time, or seconds/ms since the epoch. */
export function parseDateFlag(name: string, v: string): number {
  const t = toMillis(v);
  if (t === undefined) throw new UserError(`${name}: expected a date (2024-05-01 or 2024-05-01T12:00:00Z), got '${v}'`);
  return t;
}

function pick(rec: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) if (rec[k] !== undefined && rec[k] !== null && rec[k] !== "") return rec[k];
  const lower = new Map(Object.keys(rec).map((k) => [k.toLowerCase(), k]));
  for (const k of keys) {
    const real = lower.get(k.toLowerCase());
    if (real !== undefined && rec[real] !== undefined && rec[real] !== null && rec[real] !== "") return rec[real];
  }
  return undefined;
}

/** True unless the record says it is not a user input (source bot/agent, type output). */
function isUserInput(rec: Record<string, unknown>): boolean {
  const source = pick(rec, ["source"]);
  if (typeof source === "string" && source.toLowerCase() !== "user") return false;
  const type = pick(rec, ["type"]);
  if (typeof type === "string" && !["input", "user", "message"].includes(type.toLowerCase())) return false;
  return true;
}

function toRecord(rec: Record<string, unknown>): LogRecord | undefined {
  if (!isUserInput(rec)) return undefined;
  const text = pick(rec, TEXT_KEYS);
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const intent = pick(rec, INTENT_KEYS);
  const scoreRaw = pick(rec, SCORE_KEYS);
  const score = scoreRaw === undefined ? undefined : Number(scoreRaw);
  const locale = pick(rec, LOCALE_KEYS);
  const flow = pick(rec, FLOW_KEYS);
  return {
    text,
    intent: typeof intent === "string" && intent.trim() ? intent.trim() : undefined,
    score: score !== undefined && Number.isFinite(score) ? score : undefined,
    at: toMillis(pick(rec, TIME_KEYS)),
    locale: typeof locale === "string" ? locale : undefined,
    flow: typeof flow === "string" ? flow : undefined,
  };
}

/** Reads a conversation-log export. `name` picks the format (.csv → CSV, else JSON / JSON lines). */
export function parseLogFile(text: string, name: string): LogRecord[] {
  let objects: Record<string, unknown>[];
  if (/\.csv$/i.test(name)) {
    const rows = parseCsv(text).filter((r) => r.some((f) => f.trim() !== ""));
    const header = (rows[0] ?? []).map((h) => h.trim());
    if (!header.some((h) => TEXT_KEYS.some((k) => k.toLowerCase() === h.toLowerCase())))
      throw new UserError(`${name}: no text column in the CSV header (expected one of ${TEXT_KEYS.join(", ")})`);
    objects = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
  } else {
    const trimmed = text.replace(/^\ufeff/, "").trim();
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      try {
        data = trimmed.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l));
      } catch {
        throw new UserError(`${name}: not JSON, JSON lines or CSV`, "export the conversation log as JSON or CSV (use a .csv file name for CSV)");
      }
    }
    const list = Array.isArray(data) ? data : ((data as { value?: unknown; items?: unknown })?.value ?? (data as { items?: unknown })?.items);
    if (!Array.isArray(list)) throw new UserError(`${name}: expected a JSON array of records (or {"value": [...]}, {"items": [...]})`);
    objects = list.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x));
  }
  return toLogRecords(objects);
}

/** Already parsed records (a log file's rows, an OData page's `value`) → user messages. */
export function toLogRecords(objects: readonly Record<string, unknown>[]): LogRecord[] {
  const out: LogRecord[] = [];
  for (const o of objects) {
    const r = toRecord(o);
    if (r) out.push(r);
  }
  return out;
}
