// The release's concurrent-writer guard against the embedded emulator: another writer edits the flow during the sync,
// before promotion or between the promotion and the verification read; the release fails clearly naming its backup and
// the intents that differ, trains / promotes nothing more, rolls no data back, and puts back only its own endpoint pins.
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
function intercept(client: CognigyApi, method: keyof CognigyApi, before: () => Promise<void>, after = false): CognigyApi {
  let fired = false;
  return new Proxy(client, {
    get(target, p) {
      const v = Reflect.get(target, p, target);
      if (typeof v !== "function") return v;
      if (p !== method) return v.bind(target);
      return async (...args: unknown[]) => {
        if (fired) return v.apply(target, args);
        fired = true;
        if (!after) await before();
        const r = await v.apply(target, args);
        if (after) await before();
        return r;
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
      `another writer changed the flow during this release (another run or a UI edit): flow Main: 1 difference in intent 'FromAnotherRun' after sync; nothing was trained or promoted; the pre-sync backup is snapshot '${backup?.name}' (${backup?.id}) — re-run the release, or restore with \`cognigy-nlu restore --snapshot ${backup?.id} --yes\``,
    );
    expect(report.summary).toMatch(/^release failed at sync: another writer changed the flow during this release/);
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
    expect(report.error?.message).toMatch(/^another writer changed the flow during this release \(another run or a UI edit\): flow Main: 1 difference in intent 'FromAnotherRun' before promotion; the model was trained but nothing was promoted; the pre-sync backup is snapshot '/);
    expect(report.promotion).toBeUndefined();
    expect(posts(c.emu, /\/intents\/train$/)).toBe(1);
    expect(posts(c.emu, /\/restore$/)).toBe(0);
    const state = c.emu.dumpState().projects[0];
    expect(state.snapshots).toEqual([report.sync?.backup?.name]);
    expect(state.flows[0].intents.map((i: { name: string }) => i.name)).toContain("FromAnotherRun");
  });

  it("after promotion (a writer lands after the pre-promotion read): fails, names the intent, puts its endpoint pin back, keeps the backup reference", async () => {
    const c = await setup();
    c.run.config.promote.endpoints = ["Main Endpoint"];
    const pinnedBefore = c.emu.dumpState().projects[0].endpoints[0].entrypoint;
    const client = intercept(c.client, "updateEndpoint", () => otherWriterAddsIntent(c.other));
    const report = await runRelease(c.run, { client, logger: c.logger, dataset: c.ds });
    expect(report.status).toBe("failure");
    expect(report.error?.step).toBe("promote");
    const backup = report.sync?.backup;
    expect(report.error?.message).toBe(
      `another writer changed the flow during this release (another run or a UI edit): flow Main: 1 difference in intent 'FromAnotherRun' after promotion; snapshot ${report.promotion?.snapshotName} does not hold this commit's data; endpoint Main Endpoint put back where it pointed before; the pre-sync backup is snapshot '${backup?.name}' (${backup?.id}) — re-run the release, or restore with \`cognigy-nlu restore --snapshot ${backup?.id} --yes\``,
    );
    expect(report.promotion).toMatchObject({ promoted: false, verified: false, endpointsPutBack: ["Main Endpoint"] });
    const state = c.emu.dumpState().projects[0];
    expect(state.endpoints[0].entrypoint).toBe(pinnedBefore);
    expect(state.flows[0].intents.map((i: { name: string }) => i.name)).toContain("FromAnotherRun");
    expect(posts(c.emu, /\/restore$/)).toBe(0);
  });

  it("after promotion, never undoes another run's pin: an endpoint re-pinned meanwhile is left where the other run put it", async () => {
    const c = await setup();
    c.run.config.promote.endpoints = ["Main Endpoint"];
    const otherRelease = async () => {
      await otherWriterAddsIntent(c.other);
      const project = await c.other.resolveProject("Test Bot");
      const snap = await c.other.createSnapshot(project._id, { name: "another-run-promotion" });
      const [endpoint] = await c.other.listEndpoints(project._id);
      await c.other.updateEndpoint(endpoint._id, { entrypoint: snap._id });
    };
    const client = intercept(c.client, "updateEndpoint", otherRelease, true);
    const report = await runRelease(c.run, { client, logger: c.logger, dataset: c.ds });
    expect(report.status).toBe("failure");
    expect(report.error?.message).toMatch(/^another writer changed the flow during this release .* after promotion; .*endpoint Main Endpoint left alone \(no longer on this run's snapshot\); the pre-sync backup is snapshot '/);
    expect(report.promotion?.endpointsPutBack).toBeUndefined();
    expect(c.emu.dumpState().projects[0].endpoints[0].entrypoint).toBe("snapshot:another-run-promotion");
  });

  it("without another writer: the re-reads are empty, and their requests are in the run's request stats", async () => {
    const c = await setup();
    const report = await runRelease(c.run, { client: c.client, logger: c.logger, dataset: c.ds });
    expect(report.status).toBe("success");
    expect(report.promotion?.verified).toBe(true);
    const exports = c.emu.requestLog.filter((e) => e.method === "POST" && /\/intents\/export$/.test(e.path)).length;
    // the plan's read of a fresh flow lists no intents (nothing to export); the three re-reads export the one locale
    expect(exports).toBeGreaterThanOrEqual(3);
    expect(report.requests?.byRoute["POST /flows/:flowId/intents/export"]?.count).toBe(exports);
    expect(report.requests?.total).toBe(c.emu.requestLog.filter((e) => !/^\/download\//.test(e.path)).length);
  });
});
