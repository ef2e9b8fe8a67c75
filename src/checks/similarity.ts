// Similarity joins: every pair of strings with 1 − lev(a,b)/max(|a|,|b|) ≥ t, without comparing all pairs.
//
// Candidate generation follows Pass-Join (Li, Deng, Wang, Feng; VLDB 2011): the longer string s of a pair
// is cut into k+1 segments, k = the most edits its length allows; if lev(r, s) ≤ k, one segment of s
// occurs in r near its own position (multi-match-aware window). Segments are looked up by a polynomial
// hash (collisions only add candidates); candidates pass a letter-count bound, and survivors are verified
// with a banded edit distance. The result equals the all-pairs answer exactly (test/checks/similarity.test.ts).
//
// Texts longer than a length cap (JoinLimits.maxLength, at most MAX_JOIN_LENGTH) are left out of the joins.
import { distance } from "fastest-levenshtein";

/**
 * Texts longer than this (UTF-16 code units) are never paired, whatever `maxLength` asks. Probing a text of
 * length L costs O(k²) segment lookups, k ≈ (1 − t)·L the edits it allows, so a single 1 MB utterance would keep
 * the join busy for minutes. Such texts are far over any real utterance (the `length` check reports everything
 * over its max, default 300, as an error, and runChecks caps the joins near that max), and the exact-duplicate
 * checks (equal normalised texts: duplicates.ts, leakage's exact matches) still cover them: only the near-equal
 * search skips them.
 */
export const MAX_JOIN_LENGTH = 2000;

/** The length cap in force: `maxLength` (when given) within MAX_JOIN_LENGTH. */
function capOf(maxLength: number | undefined): number {
  return maxLength === undefined ? MAX_JOIN_LENGTH : Math.max(0, Math.min(MAX_JOIN_LENGTH, Math.floor(maxLength)));
}

/** True for texts the joins pair at all: not empty, not over the cap. */
function joinable(s: string, cap: number): boolean {
  return s.length > 0 && s.length <= cap;
}

export interface SimilarPair {
  /** Index into the first list. */
  a: number;
  /** Index into the second list (the same list for a self join; then a < b). */
  b: number;
  similarity: number;
}

/** 1 − lev(a,b)/max(|a|,|b|) (1 for two empty strings). Lengths in UTF-16 code units. */
export function similarity(a: string, b: string): number {
  const m = Math.max(a.length, b.length);
  return m === 0 ? 1 : 1 - distance(a, b) / m;
}

/** The largest edit distance d with 1 − d/len ≥ t, computed with the same float expression as `similarity`. */
export function maxEdits(len: number, t: number): number {
  if (len === 0) return 0;
  let d = Math.max(0, Math.min(len, Math.floor((1 - t) * len)));
  while (d < len && 1 - (d + 1) / len >= t) d++;
  while (d > 0 && 1 - d / len < t) d--;
  return d;
}

let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

/** lev(a, b) when it is ≤ k, else k + 1: Ukkonen's band of width 2k+1, stopping as soon as a row exceeds k. */
export function boundedDistance(a: string, b: string, k: number): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > k) return k + 1;
  if ((m <= 32 && n <= 32) || k > 4) {
    // Bit-parallel (Myers) beats the band for one machine word, and for wide bands.
    const d = distance(a, b);
    return d <= k ? d : k + 1;
  }
  if (n + 1 > rowA.length) {
    rowA = new Int32Array(2 * (n + 1));
    rowB = new Int32Array(2 * (n + 1));
  }
  let prev = rowA;
  let cur = rowB;
  const big = k + 1;
  for (let j = 0; j <= n; j++) prev[j] = j <= k ? j : big;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(n, i + k);
    cur[lo - 1] = lo - 1 === 0 ? (i <= k ? i : big) : big;
    const ca = a.charCodeAt(i - 1);
    let rowMin = cur[lo - 1];
    for (let j = lo; j <= hi; j++) {
      let v = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const up = prev[j] + 1;
      if (up < v) v = up;
      const left = cur[j - 1] + 1;
      if (left < v) v = left;
      if (v > big) v = big;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < n) cur[hi + 1] = big;
    if (rowMin > k) return big;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n] > k ? big : prev[n];
}

const BASE = 0x01000193;

/** Precomputed per-threshold facts for every length up to the longest string. */
class Limits {
  /** Most edits allowed when the longer string has length L. */
  readonly edits: Int32Array;
  /** The longest L (capped at the longest string) that a string of length l can still match: L − k(L) ≤ l. */
  readonly partner: Int32Array;
  private readonly parts: ({ start: number[]; len: number[] } | undefined)[] = [];
  constructor(t: number, longest: number) {
    if (!(t > 0 && t <= 1)) throw new RangeError(`similarity threshold must be in (0, 1], got ${t}`);
    this.edits = new Int32Array(longest + 1);
    for (let L = 1; L <= longest; L++) this.edits[L] = maxEdits(L, t);
    this.partner = new Int32Array(longest + 1);
    // L − k(L) never decreases as L grows, so one sweep finds every partner bound.
    let v = 0;
    for (let l = 0; l <= longest; l++) {
      if (v < l) v = l;
      while (v + 1 <= longest && v + 1 - this.edits[v + 1] <= l) v++;
      this.partner[l] = v;
    }
  }
  /** The cut of a length-L string into k(L)+1 segments: starts and lengths. */
  partition(L: number): { start: number[]; len: number[] } {
    let p = this.parts[L];
    if (!p) p = this.parts[L] = segments(L, this.edits[L]);
    return p;
  }
}

/**
 * Cuts a length-L string into k+1 non-empty segments (any fixed cut is correct). The first segment is
 * matched only at position 0, so it is made about twice as long as the others: utterances share their
 * openings ("what is the", "can you") far more often than any other stretch.
 */
function segments(L: number, k: number): { start: number[]; len: number[] } {
  const parts = k + 1;
  const len = new Array<number>(parts).fill(0);
  if (parts === 1) len[0] = L;
  else {
    const unit = L / (parts + 1);
    len[0] = Math.max(1, Math.min(L - k, Math.round(2 * unit)));
    const rest = L - len[0];
    const each = Math.floor(rest / k);
    const extra = rest - each * k;
    for (let i = 1; i < parts; i++) len[i] = each + (i > k - extra ? 1 : 0);
  }
  const start: number[] = [];
  let p = 0;
  for (let i = 0; i < parts; i++) {
    start.push(p);
    p += len[i];
  }
  return { start, len };
}

/** BASE^n mod 2^32, grown on demand (shared by every join). */
let powers = new Uint32Array([1]);
function powersUpTo(n: number): Uint32Array {
  if (n >= powers.length) {
    const next = new Uint32Array(Math.max(n + 1, powers.length * 2, 512));
    next[0] = 1;
    for (let i = 1; i < next.length; i++) next[i] = Math.imul(next[i - 1], BASE) >>> 0;
    powers = next;
  }
  return powers;
}

/** Mixes the hash of the substring [start, start+len) (prefix hashes `pre` from offset `base`) and its segment number into a non-zero key. */
function segmentKey(pre: Uint32Array, base: number, pow: Uint32Array, start: number, len: number, segment: number): number {
  const hash = (pre[base + start + len] - Math.imul(pre[base + start], pow[len])) | 0;
  let h = Math.imul(hash ^ Math.imul(segment + 1, 0x165667b1), 0x9e3779b1);
  h ^= h >>> 15;
  return h | 1;
}

/** Letter counts (26 letters, frequent first, + 1 for everything else) per string: lev(a,b) ≥ L1(counts)/2. */
const BUCKETS = 27;
const LETTER_ORDER = "etaoinshrdlcumwfgypbvkjxqz";
const BUCKET_OF = new Uint8Array(128).fill(BUCKETS - 1);
for (let i = 0; i < LETTER_ORDER.length; i++) BUCKET_OF[LETTER_ORDER.charCodeAt(i)] = i;

/** Joinable strings (non-empty, at most MAX_JOIN_LENGTH) renumbered by length (then by original index), with lengths, letter counts and prefix hashes. */
interface Prepared {
  texts: string[];
  lengths: Int32Array;
  /** Position in the sorted order → index in the caller's list. */
  orig: Int32Array;
  /** Letter counts (capped at 255: a capped bound is still a bound). */
  counts: Uint8Array;
  /** Prefix hashes of every string, back to back: string t's start at hashAt[t] (length + 1 values). */
  hashes: Uint32Array;
  hashAt: Int32Array;
  longest: number;
}

/** Prepared forms by input list and cap: the near-duplicate and leakage joins over the same examples prepare them once. */
const prepared = new WeakMap<readonly string[], Map<number, Prepared>>();

function prepare(input: readonly string[], cap: number): Prepared {
  let byCap = prepared.get(input);
  if (!byCap) prepared.set(input, (byCap = new Map()));
  let p = byCap.get(cap);
  if (!p) byCap.set(cap, (p = prepareNow(input, cap)));
  return p;
}

function prepareNow(input: readonly string[], cap: number): Prepared {
  // Counting sort by length (stable: original order within a length).
  let longest = 0;
  for (const s of input) if (joinable(s, cap) && s.length > longest) longest = s.length;
  const bucket = new Int32Array(longest + 2);
  for (const s of input) if (joinable(s, cap)) bucket[s.length + 1]++;
  for (let L = 1; L <= longest + 1; L++) bucket[L] += bucket[L - 1];
  const n = bucket[longest + 1];
  const orig = new Int32Array(n);
  for (let i = 0; i < input.length; i++) if (joinable(input[i], cap)) orig[bucket[input[i].length]++] = i;
  const texts = new Array<string>(n);
  const lengths = new Int32Array(n);
  const hashAt = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) {
    texts[t] = input[orig[t]];
    lengths[t] = texts[t].length;
    hashAt[t + 1] = hashAt[t] + lengths[t] + 1;
  }
  const counts = new Uint8Array(n * BUCKETS);
  const hashes = new Uint32Array(hashAt[n]);
  for (let t = 0; t < n; t++) {
    const s = texts[t];
    const base = t * BUCKETS;
    let h = 0;
    let at = hashAt[t];
    hashes[at++] = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const b = base + (c < 128 ? BUCKET_OF[c] : BUCKETS - 1);
      if (counts[b] < 255) counts[b]++;
      h = (Math.imul(h, BASE) + c) >>> 0;
      hashes[at++] = h;
    }
  }
  return { texts, lengths, orig, counts, hashes, hashAt, longest };
}

/**
 * The strings of one length: an open-addressing table of [segment key, run start, run end] triples over
 * `entries` (ids, grouped by key), with a one-hash Bloom filter in front (small enough for L1: most probes
 * miss and stop there). `uncut`: ids too short to cut into k+1 non-empty segments (always candidates).
 */
interface LengthGroup {
  table: Int32Array;
  mask: number;
  entries: Int32Array;
  bloom: Int32Array;
  bloomMask: number;
  uncut: number[];
}

/** The table slot (×3) holding key kk, or the empty slot where it would go. */
function findSlot(table: Int32Array, mask: number, kk: number): number {
  let slot = kk & mask;
  for (;;) {
    const at = table[slot * 3];
    if (at === kk || at === 0) return slot * 3;
    slot = (slot + 1) & mask;
  }
}

/**
 * A Pass-Join index over prepared strings, each cut by its own length's edit budget, grouped by length so
 * that probes of similar lengths touch a small, cache-friendly part of it.
 */
class SegmentIndex {
  private readonly groups: (LengthGroup | undefined)[];
  private readonly seen: Int32Array;
  private stamp = 0;
  private readonly pow: Uint32Array;

  constructor(
    p: Prepared,
    private readonly limits: Limits,
  ) {
    const { lengths, hashes, hashAt } = p;
    const n = lengths.length;
    this.groups = new Array(p.longest + 1).fill(undefined);
    this.seen = new Int32Array(n).fill(-1);
    this.pow = powersUpTo(p.longest + 1);
    let lo = 0;
    while (lo < n) {
      const L = lengths[lo];
      let hi = lo;
      while (hi < n && lengths[hi] === L) hi++;
      const k = limits.edits[L];
      const g: LengthGroup = { table: new Int32Array(0), mask: 0, entries: new Int32Array(0), bloom: new Int32Array(0), bloomMask: 0, uncut: [] };
      this.groups[L] = g;
      if (k + 1 > L) {
        for (let id = lo; id < hi; id++) g.uncut.push(id);
      } else {
        const { start, len } = limits.partition(L);
        const m = (hi - lo) * (k + 1);
        let size = 8;
        while (size < m * 1.5) size *= 2;
        const table = new Int32Array(size * 3);
        const mask = size - 1;
        let bits = 1024;
        while (bits < m * 16) bits *= 2;
        const bloom = new Int32Array(bits >>> 5);
        const bloomMask = bits - 1;
        const entryKeys = new Int32Array(m);
        let e = 0;
        for (let id = lo; id < hi; id++)
          for (let i = 0; i <= k; i++) {
            const kk = segmentKey(hashes, hashAt[id], this.pow, start[i], len[i], i);
            entryKeys[e++] = kk;
            const bit = (kk >>> 7) & bloomMask;
            bloom[bit >>> 5] |= 1 << (bit & 31);
            const at = findSlot(table, mask, kk);
            table[at] = kk;
            table[at + 2]++;
          }
        // Counts → runs, then fill each run in id order.
        let run = 0;
        for (let at = 0; at < table.length; at += 3) {
          const c = table[at + 2];
          table[at + 1] = run;
          table[at + 2] = run;
          run += c;
        }
        const entries = new Int32Array(m);
        e = 0;
        for (let id = lo; id < hi; id++)
          for (let i = 0; i <= k; i++) {
            const at = findSlot(table, mask, entryKeys[e++]);
            entries[table[at + 2]++] = id;
          }
        g.table = table;
        g.mask = mask;
        g.entries = entries;
        g.bloom = bloom;
        g.bloomMask = bloomMask;
      }
      lo = hi;
    }
  }

  /**
   * Writes into `out` (from 0; returns the count) every indexed id of length in [minL, maxL] that may be
   * within the edit budget of the probe string (length l, prefix hashes in `pre` from `base`), each once,
   * skipping ids below minId: a superset of the true matches.
   */
  candidates(l: number, pre: Uint32Array, base: number, minL: number, maxL: number, minId: number, out: Int32Array): number {
    const stamp = ++this.stamp;
    const seen = this.seen;
    const pow = this.pow;
    const edits = this.limits.edits;
    let n = 0;
    if (maxL >= this.groups.length) maxL = this.groups.length - 1;
    for (let L = minL; L <= maxL; L++) {
      const g = this.groups[L];
      if (g === undefined) continue;
      for (const id of g.uncut)
        if (id >= minId && seen[id] !== stamp) {
          seen[id] = stamp;
          out[n++] = id;
        }
      const k = edits[L];
      const delta = l - L;
      if (delta > k || -delta > k || k + 1 > L) continue;
      const { start, len } = this.limits.partition(L);
      const { table, mask, entries, bloom, bloomMask } = g;
      for (let i = 0; i <= k; i++) {
        const w = len[i];
        const lo = Math.max(-i, delta - (k - i), -start[i]);
        const hi = Math.min(i, delta + (k - i), l - w - start[i]);
        for (let d = lo; d <= hi; d++) {
          const kk = segmentKey(pre, base, pow, start[i] + d, w, i);
          const bit = (kk >>> 7) & bloomMask;
          if ((bloom[bit >>> 5] & (1 << (bit & 31))) === 0) continue;
          const at = findSlot(table, mask, kk);
          if (table[at] === 0) continue;
          const end = table[at + 2];
          for (let e = table[at + 1]; e < end; e++) {
            const id = entries[e];
            if (id >= minId && seen[id] !== stamp) {
              seen[id] = stamp;
              out[n++] = id;
            }
          }
        }
      }
    }
    return n;
  }
}

/** True when the letter counts alone prove lev(a, b) > k (each edit changes the L1 distance by at most 2). */
function countsExceed(ca: Uint8Array, a: number, cb: Uint8Array, b: number, k: number): boolean {
  const limit = 2 * k;
  let sum = 0;
  const x = a * BUCKETS;
  const y = b * BUCKETS;
  for (let i = 0; i < BUCKETS; i++) {
    const d = ca[x + i] - cb[y + i];
    sum += d < 0 ? -d : d;
    if (sum > limit) return true;
  }
  return false;
}

/** Safety limits for a join over pathological data (thousands of near-identical, template-made texts). */
export interface JoinLimits {
  /** Stop after this many pairs. */
  maxPairs?: number;
  /** Stop after examining this many candidate pairs (a bound on the work, whatever the result). */
  maxCandidates?: number;
  /** Leave out texts longer than this (default and upper bound MAX_JOIN_LENGTH): they are never paired. */
  maxLength?: number;
}

export interface JoinResult {
  /** Sorted by a, then b. */
  pairs: SimilarPair[];
  /** False when a limit stopped the join early (then `pairs` is a subset of the answer). */
  complete: boolean;
  /**
   * Self joins stopped early: every pair with a text shorter than `fromLength` was searched; pairs among the
   * `unsearched` texts of length ≥ fromLength (of `joinable` texts in all) were not.
   */
  stopped?: { fromLength: number; unsearched: number; joinable: number };
}

/**
 * Every pair i < j of `input` with similarity ≥ t (0 < t ≤ 1); empty strings and strings over the length cap
 * (`stop.maxLength`, MAX_JOIN_LENGTH) are never paired. Without limits the result equals the all-pairs answer (similarPairsBrute).
 */
export function similarJoin(input: readonly string[], t: number, stop: JoinLimits = {}): JoinResult {
  const p = prepare(input, capOf(stop.maxLength));
  const limits = new Limits(t, p.longest);
  const { texts, lengths, orig, counts, hashes, hashAt } = p;
  const index = new SegmentIndex(p, limits);
  const buf = new Int32Array(texts.length);
  const out: SimilarPair[] = [];
  const maxPairs = stop.maxPairs ?? Number.POSITIVE_INFINITY;
  let budget = stop.maxCandidates ?? Number.POSITIVE_INFINITY;
  let complete = true;
  let stopped: JoinResult["stopped"];
  for (let id = 0; id < texts.length; id++) {
    const l = lengths[id];
    // Each pair once: from its shorter string, or from the earlier one when the lengths are equal.
    const n = index.candidates(l, hashes, hashAt[id], l, limits.partner[l], id + 1, buf);
    if ((budget -= n) < 0 || out.length >= maxPairs) {
      complete = false;
      // probes of equal length as id that came earlier did search pairs with id.. — report from the first text of this length
      let first = id;
      while (first > 0 && lengths[first - 1] === l) first--;
      stopped = { fromLength: l, unsearched: texts.length - first, joinable: texts.length };
      break;
    }
    for (let j = 0; j < n; j++) {
      const c = buf[j];
      const L = lengths[c];
      const k = limits.edits[L];
      if (countsExceed(counts, id, counts, c, k)) continue;
      const d = boundedDistance(texts[id], texts[c], k);
      if (d <= k) {
        const a = orig[id];
        const b = orig[c];
        out.push(a < b ? { a, b, similarity: 1 - d / L } : { a: b, b: a, similarity: 1 - d / L });
      }
    }
  }
  const result: JoinResult = { pairs: out.sort((x, y) => x.a - y.a || x.b - y.b), complete };
  if (stopped) result.stopped = stopped;
  return result;
}

/** Every pair i < j of `texts` with similarity ≥ t (0 < t ≤ 1), exactly; sorted by a, then b. */
export function similarPairs(input: readonly string[], t: number): SimilarPair[] {
  return similarJoin(input, t).pairs;
}

/**
 * Every pair (i, j), i in `left`, j in `right`, with similarity ≥ t (0 < t ≤ 1); empty strings and strings over
 * the length cap (`stop.maxLength`, MAX_JOIN_LENGTH) are never paired. Without limits the result equals the all-pairs answer (similarPairsBetweenBrute).
 */
export function similarJoinBetween(left: readonly string[], right: readonly string[], t: number, stop: JoinLimits = {}): JoinResult {
  const cap = capOf(stop.maxLength);
  const pl = prepare(left, cap);
  const pr = prepare(right, cap);
  const limits = new Limits(t, Math.max(pl.longest, pr.longest));
  const out: SimilarPair[] = [];
  const maxPairs = stop.maxPairs ?? Number.POSITIVE_INFINITY;
  let budget = stop.maxCandidates ?? Number.POSITIVE_INFINITY;
  let complete = true;
  // Pairs whose right string is at least as long: index right, probe with left; then strictly longer left strings.
  const run = (probe: Prepared, indexed: Prepared, strict: boolean, emit: (p: number, i: number, sim: number) => void) => {
    if (!complete || probe.texts.length === 0 || indexed.texts.length === 0) return;
    const index = new SegmentIndex(indexed, limits);
    const buf = new Int32Array(indexed.texts.length);
    for (let p = 0; p < probe.texts.length; p++) {
      const l = probe.lengths[p];
      const n = index.candidates(l, probe.hashes, probe.hashAt[p], strict ? l + 1 : l, limits.partner[l], 0, buf);
      if ((budget -= n) < 0 || out.length >= maxPairs) {
        complete = false;
        return;
      }
      for (let j = 0; j < n; j++) {
        const c = buf[j];
        const L = indexed.lengths[c];
        const k = limits.edits[L];
        if (countsExceed(probe.counts, p, indexed.counts, c, k)) continue;
        const d = boundedDistance(probe.texts[p], indexed.texts[c], k);
        if (d <= k) emit(probe.orig[p], indexed.orig[c], 1 - d / L);
      }
    }
  };
  run(pl, pr, false, (p, i, sim) => out.push({ a: p, b: i, similarity: sim }));
  run(pr, pl, true, (p, i, sim) => out.push({ a: i, b: p, similarity: sim }));
  return { pairs: out.sort((x, y) => x.a - y.a || x.b - y.b), complete };
}

/** Every pair (i, j), i in `left`, j in `right`, with similarity ≥ t, exactly; sorted by a, then b. */
export function similarPairsBetween(left: readonly string[], right: readonly string[], t: number): SimilarPair[] {
  return similarJoinBetween(left, right, t).pairs;
}

/** The straightforward all-pairs self join (the reference the fast one must equal; for tests and benchmarks). */
export function similarPairsBrute(texts: string[], t: number, maxLength?: number): SimilarPair[] {
  const cap = capOf(maxLength);
  const out: SimilarPair[] = [];
  for (let i = 0; i < texts.length; i++) {
    if (!joinable(texts[i], cap)) continue;
    for (let j = i + 1; j < texts.length; j++) {
      if (!joinable(texts[j], cap)) continue;
      const sim = similarity(texts[i], texts[j]);
      if (sim >= t) out.push({ a: i, b: j, similarity: sim });
    }
  }
  return out;
}

/** The straightforward all-pairs join between two lists. */
export function similarPairsBetweenBrute(left: string[], right: string[], t: number, maxLength?: number): SimilarPair[] {
  const cap = capOf(maxLength);
  const out: SimilarPair[] = [];
  for (let i = 0; i < left.length; i++) {
    if (!joinable(left[i], cap)) continue;
    for (let j = 0; j < right.length; j++) {
      if (!joinable(right[j], cap)) continue;
      const sim = similarity(left[i], right[j]);
      if (sim >= t) out.push({ a: i, b: j, similarity: sim });
    }
  }
  return out;
}
