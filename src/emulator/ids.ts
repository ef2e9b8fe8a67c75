// Id and time helpers of the emulator: Mongo-like ObjectIds (monotonic), UUID referenceIds, Unix-second timestamps.
import { randomBytes, randomUUID } from "node:crypto";

const OBJECT_ID_RE = /^[0-9a-f]{24}$/i;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isObjectId(s: unknown): s is string {
  return typeof s === "string" && OBJECT_ID_RE.test(s);
}

export function isUuid(s: unknown): s is string {
  return typeof s === "string" && UUID_RE.test(s);
}

/** ObjectIds: 4-byte seconds, 5 random bytes per process, 3-byte counter; strictly increasing within a process. */
export class IdGenerator {
  private readonly machine = randomBytes(5).toString("hex");
  private counter = randomBytes(2).readUInt16BE(0);
  private last = "";

  constructor(private readonly nowMs: () => number = Date.now) {}

  objectId(): string {
    const ts = Math.floor(this.nowMs() / 1000)
      .toString(16)
      .padStart(8, "0")
      .slice(-8);
    this.counter = (this.counter + 1) % 0x1000000;
    let id = ts + this.machine + this.counter.toString(16).padStart(6, "0");
    if (id <= this.last) id = bump(this.last);
    this.last = id;
    return id;
  }

  /** Makes every later id sort after `id` (after loading persisted state). */
  observe(id: string): void {
    if (isObjectId(id) && id.toLowerCase() > this.last) this.last = id.toLowerCase();
  }

  uuid(): string {
    return randomUUID();
  }
}

function bump(hex: string): string {
  return (BigInt(`0x${hex}`) + 1n).toString(16).padStart(24, "0");
}

export function token(bytes = 24): string {
  return randomBytes(bytes).toString("hex");
}
