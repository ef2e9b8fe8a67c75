// The release's concurrent-writer guard against the embedded emulator: another writer edits the flow during the sync or
// before promotion; the release fails clearly naming its backup, trains / promotes nothing more and rolls nothing back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { CognigyApi } from "../../src/cognigy/types.js";
import type { RunConfig } from "../../src/config/options.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { MANAGED_TAG } from "../../src/pipeline/diff.js";
import { runRelease } from "../../src/pipeline/run.js";
import { config, dataset, smallBot } from "./helpers.js";

const KEY = "guard-test-key-51c0e2";
const open: Emulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

const shortSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 15)));

async function setup() {
  const cfg = config({ checks: { minExamples: { error: 1, warning: 1 } }, gate: { macroF1: 0.5, macroPrecision: 0.5, minIntentF1: 0, minTestsPerIntent: 1 } });
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 10 });
  open.push(emu);
  cfg.cognigy.baseUrl = emu.url;
  const newClient = () => new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: shortSleep });
  const out = mkdtempSync(join(tmpdir(), "cnlu-guard-"));
  dirs.push(out);
  const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false };
  const bot = smallBot();
  return { emu, run, client: newClient(), other: newClient(), ds: dataset(cfg, bot.intents, bot.tests), logger: new RecordingLogger() };
}

/** The client with `method` running `before` (awaited) the first time it is called: a writer acting at that moment. */
function intercept(client: CognigyApi, method: keyof CognigyApi, before: () => Promise<void>): CognigyApi {
  let fired = false;
  return new Proxy(client, {
    get(target, p) {
      const v = Reflect.get(target, p, target);
      if (typeof v !== "function") return v;
      if (p !== method) return v.bind(target);
      return async (...args: unknown[]) => {
        if (!fired) {
          fired = true;
          await before();
        }
        return v.apply(target, args);
      };
    },
  });
}

/** Another writer: creates an intent tagged as cognigy-nlu's in flow Main (as a release of another commit would). */
async function otherWriterAddsIntent(other: CognigyClient): Promise<void> {
  const project = await other.resolveProject("Test Bot");
  const flow = (await other.listFlows(project._id)).find((f) => f.name === "Main");
  if (!flow) throw new Error("no flow Main");
  await other.createIntent(flow._id, { name: "FromAnotherRun", tags: [MANAGED_TAG] });
}

function posts(emu: Emulator, path: RegExp, from = 0): number {
  return emu.requestLog.slice(from).filter((e) => e.method === "POST" && path.test(e.path) && e.status < 300).length;
}

describe("a release fails when another writer changes the flow meanwhile", () => {
  it("during the sync: fails at sync naming the backup; nothing trained or promoted; the sync and backup stay in the report", async () => {
    const c = await setup();
    const client = intercept(c.client, "batchIntents", () => otherWriterAddsIntent(c.other));
    const report = await runRelease(c.run, { client, logger: c.logger, dataset: c.ds });
    expect(report.status).toBe("failure");
    expect(report.error?.step).toBe("sync");
    const backup = report.sync?.backup;
    expect(backup?.kind).toBe("snapshot");
    expect(report.error?.message).toBe(
      `flow Main changed during this release (another run or a UI edit): 1 difference after sync; nothing was trained or promoted; the pre-sync backup is snapshot '${backup?.name}' (${backup?.id}) — re-run the release, or restore with \`cognigy-nlu restore --snapshot ${backup?.id} --yes\``,
    );
    expect(report.summary).toMatch(/^release failed at sync: flow Main changed during this release/);
    expect(report.sync?.writeCalls).toBeGreaterThan(0);
    expect(posts(c.emu, /\/intents\/train$/)).toBe(0);
    expect(c.emu.dumpState().projects[0].snapshots).toEqual([backup?.name]);
    expect(c.logger.text()).toContain("concurrency:");
  });

  it("before promotion: fails at promote, promotes nothing and does not roll back over the other writer's work", async () => {
    const c = await setup();
    const client = intercept(c.client, "scores", () => otherWriterAddsIntent(c.other));
    const report = await runRelease(c.run, { client, logger: c.logger, dataset: c.ds });
    expect(report.status).toBe("failure");
    expect(report.error?.step).toBe("promote");
    expect(report.gate?.passed).toBe(true);
    expect(report.error?.message).toMatch(/^flow Main changed during this release \(another run or a UI edit\): 1 difference before promotion; the model was trained but nothing was promoted; the pre-sync backup is snapshot '/);
    expect(report.promotion).toBeUndefined();
    expect(posts(c.emu, /\/intents\/train$/)).toBe(1);
    expect(posts(c.emu, /\/restore$/)).toBe(0);
    const state = c.emu.dumpState().projects[0];
    expect(state.snapshots).toEqual([report.sync?.backup?.name]);
    expect(state.flows[0].intents.map((i: { name: string }) => i.name)).toContain("FromAnotherRun");
  });

  it("without another writer: both re-reads are empty, and their requests are in the run's request stats", async () => {
    const c = await setup();
    const report = await runRelease(c.run, { client: c.client, logger: c.logger, dataset: c.ds });
    expect(report.status).toBe("success");
    const exports = c.emu.requestLog.filter((e) => e.method === "POST" && /\/intents\/export$/.test(e.path)).length;
    // the plan's read of a fresh flow lists no intents (nothing to export); the two re-reads export the one locale
    expect(exports).toBeGreaterThanOrEqual(2);
    expect(report.requests?.byRoute["POST /flows/:flowId/intents/export"]?.count).toBe(exports);
    expect(report.requests?.total).toBe(c.emu.requestLog.filter((e) => !/^\/download\//.test(e.path)).length);
  });
});
