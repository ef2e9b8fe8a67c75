// Benchmark: hostile sizes (docs/security.md). validate of one huge utterance and harvest of one huge chat message, each
// at doubling sizes: the time must grow ~2× per doubling (linear), and the issue's sizes (200 KB, 100 KB) stay under 1 s.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChecks } from "../src/checks/index.js";
import { loadConfig } from "../src/config/load.js";
import { loadDataset } from "../src/dataset/load.js";
import { normalize } from "../src/dataset/normalize.js";
import { selectCandidates } from "../src/pipeline/harvest/select.js";

/** The inputs that made the PII scan quadratic before the fix: a digit run, a long e-mail local part, many e-mails. */
const SHAPES: Record<string, (n: number) => string> = {
  digits: (n) => "1".repeat(n),
  "local part": (n) => `${"a".repeat(n - 1)}@`,
  "e-mails": (n) => "a@b.cc ".repeat(Math.ceil(n / 7)).slice(0, n),
};

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function validateOnce(text: string): number {
  const dir = mkdtempSync(join(tmpdir(), "cnlu-bench-sec-"));
  try {
    writeFileSync(
      join(dir, "cognigy-nlu.yml"),
      "cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Bench\nflows:\n  - name: Main\n    dir: data\n    locales: { en-US: en-US }\n    defaultLocale: en-US\n",
    );
    mkdirSync(join(dir, "data", "intents"), { recursive: true });
    writeFileSync(join(dir, "data", "intents", "a.yml"), `intent: A\nexamples:\n  - hello there\n  - ${JSON.stringify(text)}\n`);
    const { config, root } = loadConfig(join(dir, "cognigy-nlu.yml"), dir);
    return time(() => {
      const ds = loadDataset({ config, root });
      runChecks(ds, config.checks);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function harvestOnce(text: string, length: { min: number; max: number } | "off"): number {
  const intents = new Set(["A"]);
  return time(() => {
    selectCandidates([{ text, intent: "A", score: 0.99, locale: "en-US", source: "log" }], [{ intent: "A", locale: "en-US", text: "hello there" }], intents, {
      minScore: 0.5,
      minPerIntent: 1,
      length,
      nearDuplicate: 0.85,
      pii: "mask",
      normalize,
    });
  });
}

function series(label: string, sizes: number[], run: (n: number) => number, limitAt: number): void {
  const ms = sizes.map((n) => Math.min(run(n), run(n)));
  const ratios = ms.slice(1).map((t, i) => t / Math.max(ms[i], 0.5));
  const at = ms[sizes.indexOf(limitAt)];
  console.log(
    `${label.padEnd(34)} ${sizes.map((n, i) => `${n / 1000} KB ${ms[i].toFixed(0)} ms`).join(" · ")}  | ×${ratios.map((r) => r.toFixed(1)).join(" ×")} per doubling  | ${limitAt / 1000} KB: ${at < 1000 ? "under" : "OVER"} 1 s`,
  );
}

export async function bench(): Promise<void> {
  const sizes = [25_000, 50_000, 100_000, 200_000];
  for (const [name, make] of Object.entries(SHAPES)) series(`validate, utterance of ${name}`, sizes, (n) => validateOnce(make(n)), 200_000);
  for (const [name, make] of Object.entries(SHAPES)) series(`harvest, message of ${name}`, sizes.slice(0, 3), (n) => harvestOnce(make(n), { min: 2, max: 300 }), 100_000);
  // Worst case for harvest: no length bound at all, so the PII scan reads the whole message.
  for (const [name, make] of Object.entries(SHAPES)) series(`harvest (length off), ${name}`, sizes.slice(0, 3), (n) => harvestOnce(make(n), "off"), 100_000);
  console.log("(a linear scan shows ≈ ×2 per doubling; the quadratic one it replaced showed ≈ ×4 and took minutes at 200 KB)");
}
