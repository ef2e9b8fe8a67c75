// Backup streaming benchmark: peak RSS of a backup whose package is 1 MB vs 200 MB (emulator padding), against the
// naive baseline that buffers the whole download in memory. Each backup runs in its own child process (clean peak).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CognigyClient } from "../src/cognigy/client.js";
import type { RunConfig } from "../src/config/options.js";
import { type Config, configSchema } from "../src/config/schema.js";
import { startEmulator } from "../src/emulator/index.js";
import { silentLogger } from "../src/logger.js";
import { type BackupSummary, runBackup } from "../src/pipeline/backup.js";
import { planFlows } from "../src/pipeline/plan.js";
import { resolveTargets } from "../src/pipeline/resolve.js";
import { syncFlows } from "../src/pipeline/sync.js";
import { trainFlows } from "../src/pipeline/train.js";
import type { Dataset, IntentDoc } from "../src/dataset/types.js";

const KEY = "bench-backup-key-3b8e21";
const MB = 1024 * 1024;

function config(url: string): Config {
  return configSchema.parse({
    cognigy: { baseUrl: url, project: "Bench Bot", rateLimit: 0 },
    flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US" }, defaultLocale: "en-US" }],
  });
}

function runConfig(cfg: Config, root: string): RunConfig {
  return { config: cfg, configPath: join(root, "cognigy-nlu.yml"), root, apiKey: KEY, out: join(root, "out"), format: "text", commit: "bench00", dryRun: false, force: true, debug: false };
}

interface ChildResult {
  maxRssMb: number;
  bytes: number;
  ms: number;
}

/** In the child: one backup (streamed) or one naive download (buffered), then the peak RSS. */
async function child(): Promise<void> {
  const url = process.env.BENCH_EMU_URL as string;
  const root = mkdtempSync(join(tmpdir(), "cnlu-bench-bk-"));
  const cfg = config(url);
  const client = new CognigyClient({ baseUrl: url, apiKey: KEY, rateLimit: 0 });
  const t0 = performance.now();
  let bytes = 0;
  try {
    if (process.env.BENCH_MODE === "naive") {
      const project = await client.resolveProject("Bench Bot");
      const snap = (await client.listSnapshots(project._id))[0];
      if (!snap) throw new Error("no snapshot");
      const link = await client.snapshotDownloadLink(snap._id);
      const buf = Buffer.from(await (await fetch(link)).arrayBuffer());
      createHash("sha256").update(buf).digest("hex");
      await writeFile(join(root, "naive.csnap"), buf);
      bytes = buf.length;
    } else {
      const report = await runBackup({ ...runConfig(cfg, root), drift: false }, { client, logger: silentLogger });
      if (report.status !== "success") throw new Error(report.error?.message);
      bytes = (report.backup as BackupSummary).snapshot.bytes;
    }
    const res: ChildResult = { maxRssMb: process.resourceUsage().maxRSS / 1024, bytes, ms: performance.now() - t0 };
    process.stdout.write(`${JSON.stringify(res)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function runChild(url: string, mode: "stream" | "naive"): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_BACKUP_CHILD: "1", BENCH_EMU_URL: url, BENCH_MODE: mode },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() as string)) : reject(new Error(`child exited ${code}`))));
  });
}

async function emulatorWithPackage(padBytes: number) {
  const seed = config("http://127.0.0.1:9");
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed, rateLimit: 0, taskDelayMs: 5, packagePadBytes: padBytes, logRequests: false });
  const cfg = config(emu.url);
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0 });
  const at = { file: "x.yml", line: 1, column: 1 };
  const intents: IntentDoc[] = ["alpha", "beta", "gamma"].map((w, i) => ({
    ...at,
    name: `Intent${i}`,
    tags: [],
    disabled: false,
    reject: false,
    examples: { "en-US": Array.from({ length: 10 }, (_, j) => ({ ...at, locale: "en-US", text: `${w} request number ${j} ${w}` })) },
    tests: { "en-US": [{ ...at, locale: "en-US", text: `${w} test` }] },
  }));
  const ds: Dataset = { root: "/tmp", flows: [{ flow: cfg.flows[0] as Config["flows"][number], dir: "/tmp/x", intents, tests: [], files: [] }], findings: [] };
  const run = runConfig(cfg, "/tmp");
  const deps = { client, logger: silentLogger };
  const targets = await resolveTargets(cfg, ds, client);
  await syncFlows(run, deps, { plan: await planFlows(run, deps, { dataset: ds, targets }) });
  await trainFlows(run, deps, { targets });
  return emu;
}

export async function bench(): Promise<void> {
  const rows: { label: string; r: ChildResult }[] = [];
  for (const [label, pad, mode] of [
    ["stream   1 MB", 1 * MB, "stream"],
    ["stream 200 MB", 200 * MB, "stream"],
    ["naive  200 MB (baseline: whole body in memory)", 200 * MB, "naive"],
  ] as const) {
    const emu = await emulatorWithPackage(pad);
    try {
      if (mode === "naive") {
        // the naive child needs a packaged snapshot to download
        const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0 });
        const project = await client.resolveProject("Bench Bot");
        const snap = await client.createSnapshot(project._id, { name: "bench-naive" });
        await client.packageSnapshot(snap._id);
      }
      rows.push({ label, r: await runChild(emu.url, mode) });
    } finally {
      await emu.close();
    }
  }
  for (const { label, r } of rows) console.log(`${label.padEnd(48)} package ${(r.bytes / MB).toFixed(1).padStart(6)} MB  peak RSS ${r.maxRssMb.toFixed(0).padStart(4)} MB  ${(r.ms / 1000).toFixed(2)} s  ${((r.bytes / MB) / (r.ms / 1000)).toFixed(0)} MB/s`);
  const [small, big, naive] = rows.map((x) => x.r) as [ChildResult, ChildResult, ChildResult];
  console.log(`peak RSS 200 MB / 1 MB (streamed): ${(big.maxRssMb / small.maxRssMb).toFixed(2)}× (flat ≈ 1.0×; the package grew ${(big.bytes / small.bytes).toFixed(0)}×)`);
  console.log(`peak RSS streamed / naive at 200 MB: ${(big.maxRssMb / naive.maxRssMb).toFixed(2)}×`);
}

if (process.env.BENCH_BACKUP_CHILD === "1") {
  child().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
