// The emulator's .csnap package: a header line, the gzipped project copy, optional padding; streamed, never held whole.
import { Readable } from "node:stream";
import { gunzipSync, gzipSync } from "node:zlib";
import { mulberry32 } from "../classifier/index.js";
import type { ProjectData, SnapshotRec } from "./state.js";

const MAGIC = "CSNAP1 ";
const PAD_BLOCK = 64 * 1024;

export interface PackageHeader {
  name: string;
  description: string;
  createdAt: number;
  hash: string;
  dataBytes: number;
}

export interface PackagedSnapshot {
  header: PackageHeader;
  data: ProjectData;
}

function parts(snap: SnapshotRec): { head: Buffer; body: Buffer } {
  const body = gzipSync(Buffer.from(JSON.stringify({ version: 1, data: snap.data })), { level: 6 });
  const header: PackageHeader = { name: snap.name, description: snap.description, createdAt: snap.createdAt, hash: snap.hash, dataBytes: body.length };
  return { head: Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`), body };
}

/** The package as a stream of exactly `length` bytes (padded up to `padTo` with deterministic filler). */
export function packageStream(snap: SnapshotRec, padTo = 0): { length: number; stream: Readable } {
  const { head, body } = parts(snap);
  const base = head.length + body.length;
  const length = Math.max(base, padTo);
  let pad = length - base;
  const rnd = mulberry32(Number.parseInt(snap.hash.slice(0, 8), 16) || 1);
  const block = Buffer.alloc(Math.min(PAD_BLOCK, Math.max(pad, 1)));
  for (let i = 0; i + 4 <= block.length; i += 4) block.writeUInt32LE(Math.floor(rnd() * 0x100000000), i);
  function* chunks(): Generator<Buffer> {
    yield head;
    yield body;
    while (pad > 0) {
      const n = Math.min(pad, block.length);
      pad -= n;
      yield n === block.length ? block : block.subarray(0, n);
    }
  }
  return { length, stream: Readable.from(chunks(), { objectMode: false }) };
}

/** Reads a package (padding ignored). Throws on anything that is not one. */
export function readPackage(buf: Buffer): PackagedSnapshot {
  const nl = buf.indexOf(10);
  if (nl < 0 || buf.subarray(0, MAGIC.length).toString() !== MAGIC) throw new Error("the file is not a snapshot package");
  let header: PackageHeader;
  try {
    header = JSON.parse(buf.subarray(MAGIC.length, nl).toString("utf8")) as PackageHeader;
  } catch {
    throw new Error("the snapshot package header is damaged");
  }
  if (typeof header.dataBytes !== "number" || nl + 1 + header.dataBytes > buf.length) throw new Error("the snapshot package is truncated");
  let parsed: { version: number; data: ProjectData };
  try {
    parsed = JSON.parse(gunzipSync(buf.subarray(nl + 1, nl + 1 + header.dataBytes)).toString("utf8"));
  } catch {
    throw new Error("the snapshot package content is damaged");
  }
  const d = parsed?.data;
  if (parsed?.version !== 1 || !d || !Array.isArray(d.flows) || !Array.isArray(d.intents) || !Array.isArray(d.locales)) {
    throw new Error("the snapshot package content is damaged");
  }
  d.models ??= [];
  return { header, data: d };
}
