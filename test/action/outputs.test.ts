// The Action's outputs computed from a report: snapshot-id from a release's promotion or a backup's snapshot.
import { describe, expect, it } from "vitest";
import { computeOutputs } from "../../src/action/outputs.js";
import type { BackupSummary } from "../../src/pipeline/backup.js";
import type { Report } from "../../src/report/types.js";

function report(over: Partial<Report>): Report {
  return { version: 1, tool: { name: "cognigy-nlu", version: "t" }, status: "success", mode: "release", startedAt: "2026-01-01T00:00:00Z", summary: "", findings: [], timings: [], ...over };
}

const backup: BackupSummary = {
  name: "cognigy-nlu-backup-abcdef1-20260101T000000",
  dir: "/tmp/out/backups/x",
  files: ["manifest.json", "x.csnap"],
  manifest: "/tmp/out/backups/x/manifest.json",
  snapshot: { id: "65a1b2c3d4e5f60718293a4b", name: "cognigy-nlu-backup-abcdef1-20260101T000000", file: "x.csnap", bytes: 1234, sha: "ab".repeat(32) },
  checksumVerified: true,
  exports: [],
  piiScan: { sentences: 0, withPii: 0, byKind: {} },
  rotation: { deleted: [] },
  untrainedFlows: [],
};

const opts = { status: "success", reportPath: "/tmp/out/report.json" };

describe("computeOutputs snapshot-id", () => {
  it("backup mode: the backup's snapshot id", () => {
    expect(computeOutputs(report({ mode: "backup", backup }), opts)["snapshot-id"]).toBe("65a1b2c3d4e5f60718293a4b");
  });

  it("release: the promoted snapshot wins", () => {
    const r = report({ promotion: { promoted: true, rolledBack: false, snapshotId: "7f0000000000000000000001", snapshotName: "cognigy-nlu-abcdef1" }, backup });
    expect(computeOutputs(r, opts)["snapshot-id"]).toBe("7f0000000000000000000001");
  });

  it("empty when there is neither (or report.backup has another shape)", () => {
    expect(computeOutputs(report({ mode: "check" }), opts)["snapshot-id"]).toBe("");
    expect(computeOutputs(report({ mode: "backup", backup: { snapshot: { id: 42 } } }), opts)["snapshot-id"]).toBe("");
    expect(computeOutputs(report({ mode: "backup", backup: "x" }), opts)["snapshot-id"]).toBe("");
  });
});
