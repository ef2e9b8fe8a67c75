// The backup manifest (manifest.json): what was backed up, every file's size and SHA-256, and the compliance flags.
import { findPii, type PiiKind } from "../../checks/pii.js";
import type { FileEntry } from "./files.js";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_SCHEMA = "cognigy-nlu/backup-manifest@1";

export interface PiiScan {
  /** Sentences scanned (every exported example sentence). */
  sentences: number;
  /** Sentences with at least one match. */
  withPii: number;
  /** Matches per kind. Counts only: no text, not even masked, is kept. */
  byKind: Partial<Record<PiiKind, number>>;
}

/** Runs the PII detector over sentences: counts only. */
export function scanPii(sentences: Iterable<string>): PiiScan {
  const scan: PiiScan = { sentences: 0, withPii: 0, byKind: {} };
  for (const s of sentences) {
    scan.sentences++;
    const found = findPii(s);
    if (found.length === 0) continue;
    scan.withPii++;
    for (const m of found) scan.byKind[m.kind] = (scan.byKind[m.kind] ?? 0) + 1;
  }
  return scan;
}

export interface ManifestLocale {
  key: string;
  name: string;
  id: string;
  intents: number;
  sentences: number;
  /** The raw export (Cognigy JSON), relative to the backup folder. */
  export: string;
}

export interface ManifestFlow {
  name: string;
  id: string;
  referenceId: string;
  isTrainingOutOfDate: boolean;
  locales: ManifestLocale[];
  /** The export converted to the repository's YAML layout (folder, relative). */
  yaml: string;
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  tool: { name: "cognigy-nlu"; version: string };
  createdAt: string;
  commit?: string;
  project: { id: string; name: string };
  snapshot: { id: string; name: string; description?: string; file: string; bytes: number; sha256: string; packageExpiresAt?: number | string | null };
  flows: ManifestFlow[];
  /** Every file of the backup except this manifest. */
  files: FileEntry[];
  totals: { files: number; bytes: number };
  /** Artifact retention asked for (days), when set. */
  retentionDays?: number;
  compliance: {
    checksumVerified: boolean;
    checksum: string;
    encryptedAtRest: { snapshotPackage: string; exports: string; s3: string };
    piiScan: PiiScan;
  };
}

/** The honest encryption statement: what this tool knows, and what it does not. */
export function encryptionStatement(s3: boolean): Manifest["compliance"]["encryptedAtRest"] {
  return {
    snapshotPackage:
      "vendor-encrypted: Cognigy documents .csnap packages as encrypted; cognigy-nlu cannot decrypt them and did not verify the encryption itself",
    exports: "not encrypted by cognigy-nlu: the intent exports (JSON, YAML) are plain text; at rest they are only as protected as the storage holding them (GitHub artifact storage, S3)",
    s3: s3 ? "server-side encryption requested on every object (SSE-S3, AES256)" : "not used",
  };
}

export function manifestJson(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
