// `doctor`: the read-only live smoke against the emulator — what it finds, and one line with a fix per failure mode.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/commands/doctor.js";
import type { RunConfig } from "../../src/config/options.js";
import { type Config, configSchema } from "../../src/config/schema.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";

const KEY = "doctor-key-3c9a51e7";
let emu: Emulator;

function config(over: { baseUrl?: string; project?: string; flow?: string; locale?: string } = {}): Config {
  return configSchema.parse({
    cognigy: { baseUrl: over.baseUrl ?? emu.url, project: over.project ?? "Doctor Bot" },
    flows: [{ name: over.flow ?? "Main", dir: "data/main", locales: { en: over.locale ?? "en-US" }, defaultLocale: "en" }],
  });
}

function run(cfg: Config, apiKey = KEY): RunConfig {
  return { config: cfg, configPath: "cognigy-nlu.yml", root: ".", apiKey, out: "out", format: "text", commit: "abc", dryRun: false, force: false, debug: false } as RunConfig;
}

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, seed: configSchema.parse({ cognigy: { baseUrl: "http://127.0.0.1:9", project: "Doctor Bot" }, flows: [{ name: "Main", dir: "d", locales: { en: "en-US" }, defaultLocale: "en" }] }), rateLimit: 0, taskDelayMs: 5 });
});
afterAll(async () => {
  await emu?.close();
});

describe("doctor", () => {
  it("reports key, project, locales, flow, one score, the sentence form and headers; writes nothing; exit 0", async () => {
    const before = emu.requestLog.length;
    const r = await runDoctor(run(config()));
    const text = r.lines.join("\n");
    expect(r.exitCode, text).toBe(0);
    expect(text).toMatch(/^ok API key accepted$/m);
    expect(text).toMatch(/^ok project "Doctor Bot" \([0-9a-f]{24}\)$/m);
    expect(text).toMatch(/^ok locales: "en-US" \(primary\)$/m);
    expect(text).toMatch(/^ok flow "Main" \([0-9a-f]{24}, referenceId [0-9a-f-]{36}\)/m);
    // the flow is not trained: the score fails, and that is a warning with a fix, not a failure
    expect(text).toMatch(/^warn NLU score failed .*cognigy-nlu train/m);
    expect(text).toMatch(/^info sentence batches: \{text, slots, localeReference\}/m);
    expect(text).not.toContain(KEY);
    const during = emu.requestLog.slice(before);
    expect(during.filter((e) => e.method !== "GET" && !e.path.endsWith("/nlu/scores"))).toEqual([]);
  });

  it("a bad key: one line naming HTTP 401 and how to get a key; exit 2", async () => {
    const r = await runDoctor(run(config(), "wrong-key-000"));
    expect(r.exitCode).toBe(2);
    const last = r.lines.at(-1) ?? "";
    expect(last).toMatch(/^fail the API key was refused \(HTTP 401\) — fix: .*COGNIGY_API_KEY/);
    expect(r.lines.join("\n")).not.toContain("wrong-key-000");
  });

  it("a wrong project: one line listing what the key can see, with the fix; exit 2", async () => {
    const r = await runDoctor(run(config({ project: "No Such Bot" })));
    expect(r.exitCode).toBe(2);
    expect(r.lines.at(-1)).toMatch(/^fail project 'No Such Bot' not found .*'Doctor Bot'.* — fix: set cognigy\.project/);
  });

  it("a wrong flow or locale: one line with the fix; exit 2", async () => {
    const f = await runDoctor(run(config({ flow: "Mian" })));
    expect(f.exitCode).toBe(2);
    expect(f.lines.at(-1)).toMatch(/^fail flow 'Mian' not found .* — fix: correct flows\[\]\.name/);
    const l = await runDoctor(run(config({ locale: "fr-FR" })));
    expect(l.exitCode).toBe(2);
    expect(l.lines.at(-1)).toMatch(/^fail flow "Main": locale\(s\) "fr-FR" not in the project — fix:/);
  });

  it("an unreachable host: one line naming the host and what to check; exit 2", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runDoctor(run(config({ baseUrl: `http://127.0.0.1:${port}` })), { timeoutMs: 2000 });
    expect(r.exitCode).toBe(2);
    expect(r.lines.at(-1)).toMatch(new RegExp(`^fail cannot reach http://127\\.0\\.0\\.1:${port} .* — fix: check cognigy\\.baseUrl`));
  });
});
