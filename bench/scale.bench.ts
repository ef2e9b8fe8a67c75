// Scale: validate (every check) time and peak RSS for one flow × locale of 5k/15k/50k/100k utterances and for repos of
// 8/16/32/64 units of 5k, growth ratios (the checks timed inside the process: the fixed start is not in them), and a
// brute-force equality check of the near-duplicate search on a 25k slice of CLINC150-like texts.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { similarPairs, similarity } from "../src/checks/similarity.js";
import { mulberry32 } from "../src/classifier/index.js";
import { normalize } from "../src/dataset/normalize.js";
import { readClinc } from "./clinc150.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const SIZES = (process.env.SCALE_SIZES ?? "5000,15000,50000,100000").split(",").map(Number);
const UNITS = (process.env.SCALE_UNITS ?? "8,16,32,64").split(",").map(Number);
const SLICE = Number(process.env.SCALE_SLICE ?? 25_000);

interface M {
  ms: number;
  rssMb: number;
  findings: number;
  across: number;
  within: number;
  stopped: number;
}

function measure(per: number, units: number): M {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(here, "scale-worker.ts"), String(per), String(units)], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`scale worker ${per}×${units} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as M;
}

/** Every pair with similarity ≥ t, comparing each text with every longer-or-equal one that could still match (exact). */
function brute(texts: string[], t: number): string[] {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  const out: string[] = [];
  for (let x = 0; x < order.length; x++) {
    const a = texts[order[x]];
    for (let y = x + 1; y < order.length; y++) {
      const b = texts[order[y]];
      // |a| ≤ |b|: similarity ≤ |a|/|b|, so no later (longer) text can reach t once this one cannot
      if (a.length / b.length < t) break;
      if (similarity(a, b) >= t) out.push(order[x] < order[y] ? `${order[x]},${order[y]}` : `${order[y]},${order[x]}`);
    }
  }
  return out.sort();
}

export async function bench(): Promise<void> {
  console.log("data: synthetic variants of CLINC150 utterances (Larson et al., 2019, CC BY 3.0), 0–3 word edits each");
  console.log("one flow × locale: validate (every check, in-process, load excluded)");
  console.log("  utterances      ms    RSS MB   across  within  stopped");
  const one = new Map<number, M>();
  for (const n of SIZES) {
    const m = measure(n, 1);
    one.set(n, m);
    console.log(`  ${String(n).padStart(10)} ${m.ms.toFixed(0).padStart(7)} ${m.rssMb.toFixed(0).padStart(9)} ${String(m.across).padStart(8)} ${String(m.within).padStart(7)} ${String(m.stopped).padStart(8)}`);
  }
  const sizes = [...one.keys()];
  for (let i = 1; i < sizes.length; i++) {
    const a = one.get(sizes[i - 1])!;
    const b = one.get(sizes[i])!;
    const k = Math.log(b.ms / a.ms) / Math.log(sizes[i] / sizes[i - 1]);
    console.log(`  ${sizes[i - 1]} → ${sizes[i]}: time ×${(b.ms / a.ms).toFixed(2)} for ×${(sizes[i] / sizes[i - 1]).toFixed(1)} utterances (exponent ${k.toFixed(2)})`);
  }
  console.log("repos of 5,000-utterance flow × locale units");
  console.log("  units  utterances      ms    RSS MB");
  const repo = new Map<number, M>();
  for (const u of UNITS) {
    const m = measure(5000, u);
    repo.set(u, m);
    console.log(`  ${String(u).padStart(5)} ${String(u * 5000).padStart(11)} ${m.ms.toFixed(0).padStart(7)} ${m.rssMb.toFixed(0).padStart(9)}`);
  }
  if (repo.has(16) && repo.has(64)) {
    const r = repo.get(64)!.ms / repo.get(16)!.ms;
    console.log(`  64 / 16 units: ×${r.toFixed(2)} time for ×4 data (target ≤ 4.4: ${r <= 4.4 ? "met" : "NOT met"})`);
  }
  if (repo.has(8) && repo.has(64)) console.log(`  64 / 8 units: ×${(repo.get(64)!.ms / repo.get(8)!.ms).toFixed(2)} time for ×8 data`);

  const d = readClinc();
  const all = [...new Set([...d.train, ...d.val, ...d.test].map(([t]) => normalize(t)))];
  const rnd = mulberry32(42);
  const slice = [...all];
  while (slice.length < SLICE) {
    const w = all[Math.floor(rnd() * all.length)].split(" ");
    w[Math.floor(rnd() * w.length)] = all[Math.floor(rnd() * all.length)].split(" ")[0];
    slice.push(w.join(" "));
  }
  const texts = [...new Set(slice)].slice(0, SLICE);
  let t0 = performance.now();
  const fast = similarPairs(texts, 0.85).map((p) => `${p.a},${p.b}`).sort();
  const fastMs = performance.now() - t0;
  t0 = performance.now();
  const slow = brute(texts, 0.85);
  const slowMs = performance.now() - t0;
  const same = fast.length === slow.length && fast.every((x, i) => x === slow[i]);
  console.log(`near-duplicate search vs brute force on ${texts.length.toLocaleString("en-US")} distinct texts (t = 0.85, 1 − lev/max):`);
  console.log(`  search ${fastMs.toFixed(0)} ms, ${fast.length} pairs; brute force ${slowMs.toFixed(0)} ms, ${slow.length} pairs; identical: ${same}`);
  if (!same) process.exitCode = 1;
}
