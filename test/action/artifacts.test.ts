// uploadReportArtifact against the local fake artifact service (Twirp + blob upload), through the real @actions/artifact.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactNameFor, listFiles, uploadReportArtifact } from "../../src/action/artifacts.js";
import { safeWriteFile } from "../../src/io/safe-fs.js";
import { type FakeArtifactService, startFakeArtifactService } from "../fakes/artifact-service.js";

let svc: FakeArtifactService;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  svc = await startFakeArtifactService();
  dir = mkdtempSync(join(tmpdir(), "cnlu-art-"));
  // Written through src/io, as the run writes them: only such files are uploaded.
  await safeWriteFile(dir, "report.json", '{"version":1}\n');
  await safeWriteFile(dir, "report.md", "# report\n");
  await safeWriteFile(dir, "exports/Main.en-US.json", "x".repeat(20_000));
});

afterAll(async () => {
  process.env = saved;
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("uploadReportArtifact", () => {
  it("skips with a reason when the runtime token is absent", async () => {
    const r = await uploadReportArtifact({ name: "rep", dir, env: {} });
    expect(r.id).toBeUndefined();
    expect(r.skipped).toMatch(/ACTIONS_RUNTIME_TOKEN/);
    expect(svc.requests).toHaveLength(0);
  });

  it("uploads every file in the folder, with retention, and returns the artifact id", async () => {
    const env = { ACTIONS_RUNTIME_TOKEN: svc.runtimeToken, ACTIONS_RESULTS_URL: `${svc.url}/`, GITHUB_SERVER_URL: "https://github.com" };
    Object.assign(process.env, env);
    const r = await uploadReportArtifact({ name: "cognigy-nlu-report", dir, retentionDays: 7, env });
    expect(r.skipped).toBeUndefined();
    expect(r.id).toBe(svc.uploads[0].id);
    expect(r.files).toBe(3);
    const files = svc.files("cognigy-nlu-report");
    expect([...files.keys()].sort()).toEqual(["exports/Main.en-US.json", "report.json", "report.md"]);
    expect(files.get("report.json")!.toString()).toBe('{"version":1}\n');
    expect(files.get("exports/Main.en-US.json")!.length).toBe(20_000);
    expect(String(svc.uploads[0].create.expires_at ?? "")).toMatch(/^\d{4}-/);
  });

  it("names shard artifacts apart and lists files recursively", async () => {
    expect(artifactNameFor("rep", "2/4")).toBe("rep-shard-2-of-4");
    expect(artifactNameFor("rep")).toBe("rep");
    expect((await listFiles(dir)).map((f) => f.slice(dir.length + 1))).toEqual(["exports/Main.en-US.json", "report.json", "report.md"]);
  });
});
