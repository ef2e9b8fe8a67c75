// Deterministic held-out selection (pure): the seeded split (never of a sentence Cognigy has), stratified samples, shards.
import { createHash } from "node:crypto";

/** A number in [0, 1) from a seeded SHA-256 of the text: the same for the same (seed, text) on every machine. */
export function unitHash(seed: string, text: string): number {
  const h = createHash("sha256").update(seed).update("\u0000").update(text).digest();
  // 48 bits are plenty and exact in a double
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * Which examples of one intent × locale are held out for evaluation (never uploaded), by index.
 *
 * An example is held out when its seeded hash falls below `share`, so whether a sentence is held out depends only on
 * its own (normalised) text: adding or removing other examples never moves a sentence between training and test.
 * With at least 2 examples, at least one is held out (the lowest hash) and at least one is kept (the highest).
 * Duplicate keys share one fate.
 */
export function splitHeldOut(keys: readonly string[], share: number, seed: string): Set<number> {
  const held = new Set<number>();
  if (share <= 0 || keys.length === 0) return held;
  const unique = [...new Set(keys)];
  if (unique.length < 2) return held;
  const h = new Map(unique.map((k) => [k, unitHash(seed, k)]));
  let chosen = new Set(unique.filter((k) => (h.get(k) ?? 1) < share));
  const byHash = [...unique].sort((a, b) => (h.get(a) ?? 0) - (h.get(b) ?? 0) || (a < b ? -1 : 1));
  if (chosen.size === 0) chosen = new Set([byHash[0]]);
  if (chosen.size === unique.length) chosen.delete(byHash[byHash.length - 1]);
  keys.forEach((k, i) => {
    if (chosen.has(k)) held.add(i);
  });
  return held;
}

/**
 * The held-out rule (evaluate.split) for one intent × locale without written tests, given what Cognigy holds now.
 *
 * The candidates are the seeded-hash choice of `splitHeldOut`. The split never removes a sentence that is already in
 * Cognigy: a candidate whose normalised text Cognigy already has for this intent and locale stays in training and is
 * NOT used as a test either (the model has seen it, so scoring it would be leakage). Only candidates Cognigy does not
 * have yet are held out: never uploaded, and evaluated. So adopting a bot (`cognigy-nlu pull`: every example already
 * in Cognigy, no tests) plans no deletions and holds nothing out, and the gate's minTestsPerIntent reports the intents
 * that have too few tests. The split therefore depends on Cognigy's state: every step that uses it (plan, drift,
 * evaluate) must work from the same snapshot of that state (in a release, the one read before the sync).
 *
 * `inCognigy` holds the normalised texts Cognigy has for the intent and locale; `keys` are normalised the same way.
 * Returns the held-out indices and how many candidates stayed in training because Cognigy already had them.
 */
export function splitAgainstCognigy(keys: readonly string[], share: number, seed: string, inCognigy: ReadonlySet<string>): { held: Set<number>; keptInCognigy: number } {
  const held = new Set<number>();
  let keptInCognigy = 0;
  for (const i of splitHeldOut(keys, share, seed)) {
    if (inCognigy.has(keys[i])) keptInCognigy++;
    else held.add(i);
  }
  return { held, keptInCognigy };
}

/**
 * A stratified sample: from each label's items, the ceil(share × n) with the lowest seeded hash of their key (at least
 * one per label). Items keep their input order.
 */
export function stratifiedSample<T>(items: readonly T[], share: number, seed: string, label: (t: T) => string, key: (t: T) => string): T[] {
  if (share >= 1) return [...items];
  const groups = new Map<string, { i: number; h: number }[]>();
  items.forEach((t, i) => {
    const l = label(t);
    let g = groups.get(l);
    if (!g) groups.set(l, (g = []));
    g.push({ i, h: unitHash(seed, `${l}\u0000${key(t)}`) });
  });
  const keep = new Set<number>();
  for (const g of groups.values()) {
    const n = Math.max(1, Math.ceil(share * g.length));
    g.sort((a, b) => a.h - b.h || a.i - b.i);
    for (const x of g.slice(0, n)) keep.add(x.i);
  }
  return items.filter((_, i) => keep.has(i));
}

/** Shard `index` (1-based) of `count`: a contiguous slice, so concatenating shards 1..n in order gives the whole list. */
export function shardSlice<T>(items: readonly T[], index: number, count: number): T[] {
  const from = Math.floor(((index - 1) * items.length) / count);
  const to = Math.floor((index * items.length) / count);
  return items.slice(from, to);
}

/**
 * pull --holdout: which of one intent × locale's examples become held-out tests. A seeded, stratified share: the
 * round(share × n) examples with the lowest seeded hash of (intent, normalised text), at least one when the intent has
 * two or more examples, never all of them. Returns the chosen indices.
 */
export function holdoutPick(keys: readonly string[], share: number, seed: string, intent: string): Set<number> {
  const n = keys.length;
  const out = new Set<number>();
  if (share <= 0 || n < 2) return out;
  const k = Math.min(n - 1, Math.max(1, Math.round(share * n)));
  const order = keys.map((key, i) => ({ i, h: unitHash(seed, `${intent}\u0000${key}`) })).sort((a, b) => a.h - b.h || a.i - b.i);
  for (const x of order.slice(0, k)) out.add(x.i);
  return out;
}
