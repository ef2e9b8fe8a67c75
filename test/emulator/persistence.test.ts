// State persistence across restarts, and the `cognigy-nlu emulator` command as a real process.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { type Json, KEY, loadAndTrain, seedConfig, start } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "emu-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("persistence", () => {
  it("keeps projects, intents, models, snapshots and endpoints across a restart", async () => {
    const statePath = join(dir, "state.json");
    const a = await start({ statePath });
    const ids = await loadAndTrain(a);
    const c = await a.ok("POST", "/snapshots", { projectId: ids.projectId, name: "kept" });
    await a.waitTask(c._id);
    a.emu.seedLearningSentences("Main", [{ sentence: "pizza pls", intent: "OrderPizza" }]);
    const scoreA = await a.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "one pizza" });
    const dumpA = a.emu.dumpState();
    await a.emu.close();
    expect(existsSync(statePath)).toBe(true);
    expect(readFileSync(statePath, "utf8")).not.toContain(KEY);

    const b = await start({ statePath }); // the seed is applied again but finds everything in place
    try {
      expect(b.emu.dumpState()).toEqual(dumpA);
      expect(await b.ids()).toEqual(ids);
      const scoreB = await b.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence: "one pizza" });
      expect(scoreB).toEqual(scoreA);
      expect((await b.ok("GET", `/flows/${ids.flowId}/intents/learningsentences`)).total).toBe(1);
      // New ids still sort after the old ones.
      const i = await b.ok("POST", `/flows/${ids.flowId}/intents`, { name: "Later" });
      const list = await b.ok("GET", `/flows/${ids.flowId}/intents?limit=100`);
      expect(list.items.at(-1)._id).toBe(i._id);
    } finally {
      await b.emu.close();
    }
  });

  it("writes changes without waiting for close (debounced)", async () => {
    const statePath = join(dir, "debounced.json");
    const emu = await startEmulator({ apiKey: KEY, seed: seedConfig({ project: "Debounce" }), statePath });
    try {
      const r = await fetch(`${emu.url}/new/v2.0/projects`, { headers: { "X-API-Key": KEY } });
      const pid = ((await r.json()) as Json).items[0]._id;
      const flows: Json = await (await fetch(`${emu.url}/new/v2.0/flows?projectId=${pid}`, { headers: { "X-API-Key": KEY } })).json();
      await fetch(`${emu.url}/new/v2.0/flows/${flows.items[0]._id}/intents`, { method: "POST", headers: { "X-API-Key": KEY, "content-type": "application/json" }, body: JSON.stringify({ name: "Saved" }) });
      // waits for the debounced write however slow the machine is (the test timeout catches a write that never comes)
      while (!(existsSync(statePath) && readFileSync(statePath, "utf8").includes('"Saved"'))) await new Promise((res) => setTimeout(res, 20));
      expect(readFileSync(statePath, "utf8")).toContain('"Saved"');
    } finally {
      await emu.close();
    }
  });

  it("marks tasks that were running at shutdown as failed on load", async () => {
    const statePath = join(dir, "tasks.json");
    const a = await start({ statePath, taskDelayMs: 10_000 });
    const ids = await a.ids();
    const t = await a.ok("POST", `/flows/${ids.flowId}/intents/train`, { localeId: ids.localeId });
    await a.emu.close();
    const b = await start({ statePath });
    try {
      const task = await b.ok("GET", `/tasks/${t._id}`);
      expect(task.status).toBe("error");
      expect(task.failReason).toMatch(/interrupted/);
    } finally {
      await b.emu.close();
    }
  });
});

describe("the emulator command", () => {
  const cli = join(process.cwd(), "src", "cli.ts");
  const tsx = import.meta.resolve("tsx");
  const run = (args: string[], env: Record<string, string | undefined>) => {
    const p = spawn(process.execPath, ["--import", tsx, cli, "emulator", ...args], { cwd: dir, env: { ...process.env, COGNIGY_API_KEY: undefined, ...env } });
    let out = "";
    let err = "";
    p.stdout.on("data", (c) => (out += c));
    p.stderr.on("data", (c) => (err += c));
    const exited = new Promise<number>((resolve) => p.on("exit", (code) => resolve(code ?? -1)));
    return { p, exited, out: () => out, err: () => err };
  };

  it("prints one listening line, serves the seed, persists and exits 0 on SIGTERM", async () => {
    writeFileSync(
      join(dir, "cognigy-nlu.yml"),
      "cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: CLI Bot\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US, de-DE: de-DE }\n    defaultLocale: en-US\n",
    );
    const state = join(dir, "cli-state.json");
    const proc = run(["--port", "0", "--seed", "cognigy-nlu.yml", "--state", state, "--rate-limit", "0"], { COGNIGY_API_KEY: KEY });
    let url = "";
    // waits for the line however slow the start is (an exit or the test timeout ends the wait)
    let exitedEarly = false;
    void proc.exited.then(() => (exitedEarly = true));
    while (!url && !exitedEarly) {
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(proc.out())?.[1] ?? "";
      if (!url) await new Promise((r) => setTimeout(r, 20));
    }
    url ||= /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(proc.out())?.[1] ?? "";
    expect(url).not.toBe("");
    const projects: Json = await (await fetch(`${url}/new/v2.0/projects`, { headers: { "X-API-Key": KEY } })).json();
    expect(projects.items.map((p: { name: string }) => p.name)).toEqual(["CLI Bot"]);
    const locales: Json = await (await fetch(`${url}/new/v2.0/locales?projectId=${projects.items[0]._id}`, { headers: { "X-API-Key": KEY } })).json();
    expect(locales.items.map((l: { name: string }) => l.name).sort()).toEqual(["de-DE", "en-US"]);
    proc.p.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(proc.out()).toBe(`listening on ${url}\n`);
    expect(proc.out() + proc.err()).not.toContain(KEY);
    expect(JSON.parse(readFileSync(state, "utf8")).projects[0].name).toBe("CLI Bot");
  });

  it("exits 2 without an API key, on a bad fault spec, on an unreadable state file", async () => {
    const a = run(["--port", "0"], {});
    expect(await a.exited).toBe(2);
    expect(a.err()).toMatch(/COGNIGY_API_KEY/);
    const b = run(["--port", "0", "--faults", "nonsense:1"], { COGNIGY_API_KEY: KEY });
    expect(await b.exited).toBe(2);
    expect(b.err()).toMatch(/--faults/);
    writeFileSync(join(dir, "broken.json"), "{not json");
    const c = run(["--port", "0", "--state", "broken.json"], { COGNIGY_API_KEY: KEY });
    expect(await c.exited).toBe(2);
    expect(c.err()).toMatch(/state file/);
  });
});
