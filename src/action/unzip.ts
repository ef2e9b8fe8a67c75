// A minimal zip reader (central directory; stored and deflated entries) for downloaded report artifacts.
import { inflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

/** Lists the entries of a zip archive. Throws on anything that is not a plain (non-zip64) zip. */
export function zipEntries(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip archive (no end of central directory)");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (p === 0xffffffff) throw new Error("zip64 archives are not supported");
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN) throw new Error("corrupt zip central directory");
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
      name: buf.toString("utf8", p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The bytes of one entry, at most maxBytes once inflated. */
export function readZipEntry(buf: Buffer, e: ZipEntry, maxBytes = 64 * 1024 * 1024): Buffer {
  if (buf.readUInt32LE(e.offset) !== LOC) throw new Error(`corrupt zip entry ${e.name}`);
  const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(data);
  if (e.method === 8) return inflateRawSync(data, { maxOutputLength: maxBytes });
  throw new Error(`zip entry ${e.name}: unsupported compression method ${e.method}`);
}

/** Every file of the archive by name (folders skipped). */
export function unzip(buf: Buffer, maxBytes?: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of zipEntries(buf)) if (!e.name.endsWith("/")) out.set(e.name, readZipEntry(buf, e, maxBytes));
  return out;
}
