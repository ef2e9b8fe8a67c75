// Baselines for the near-duplicate benchmark, measured in the same run as the filtered join (src/checks/similarity.ts):
//  - fair: all pairs, but only those whose lengths can reach the threshold (|la − lb| ≤ maxEdits(max)), with the same
//    Levenshtein kernel and the same similarity expression — exactly the join's answer;
//  - naive: every pair (similarPairsBrute);
//  - the seeds' method: Python difflib's SequenceMatcher(None, a, b).ratio() ≥ t over every pair (the seed scripts'
//    measure), ported below; a different measure, so its pair count differs.
import { maxEdits, type SimilarPair, similarity } from "../src/checks/similarity.js";

/** All pairs within reach by length (sorted by length, a window per text), same kernel: the fair all-pairs baseline. */
export function lengthFilteredPairs(texts: readonly string[], t: number): SimilarPair[] {
  const order = texts.map((_, i) => i).filter((i) => texts[i].length > 0);
  order.sort((x, y) => texts[x].length - texts[y].length || x - y);
  const out: SimilarPair[] = [];
  for (let p = 0; p < order.length; p++) {
    const i = order[p];
    const li = texts[i].length;
    const k = maxEdits(li, t);
    for (let q = p - 1; q >= 0; q--) {
      const j = order[q];
      if (li - texts[j].length > k) break;
      const sim = similarity(texts[i], texts[j]);
      if (sim >= t) out.push(i < j ? { a: i, b: j, similarity: sim } : { a: j, b: i, similarity: sim });
    }
  }
  return out.sort((x, y) => x.a - y.a || x.b - y.b);
}

/** Python difflib.SequenceMatcher(None, a, b).ratio(), over code points (as Python's str), autojunk as in difflib. */
export function difflibRatio(a: string, b: string): number {
  const A = Array.from(a);
  const B = Array.from(b);
  const total = A.length + B.length;
  if (total === 0) return 1;
  const b2j = new Map<string, number[]>();
  B.forEach((c, j) => {
    const l = b2j.get(c);
    if (l) l.push(j);
    else b2j.set(c, [j]);
  });
  if (B.length >= 200) {
    const ntest = Math.floor(B.length / 100) + 1;
    for (const [c, l] of b2j) if (l.length > ntest) b2j.delete(c);
  }
  const longest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(A[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && A[besti - 1] === B[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && A[besti + bestsize] === B[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  };
  let matches = 0;
  const queue: [number, number, number, number][] = [[0, A.length, 0, B.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop() as [number, number, number, number];
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (!k) continue;
    matches += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return (2 * matches) / total;
}

/** The seeds' method: difflib ratio ≥ t over every pair. */
export function difflibPairs(texts: readonly string[], t: number): SimilarPair[] {
  const out: SimilarPair[] = [];
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++) {
      const r = difflibRatio(texts[i], texts[j]);
      if (r >= t) out.push({ a: i, b: j, similarity: r });
    }
  return out;
}
