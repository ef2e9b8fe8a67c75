// The plan diff (pure): the intents and sentences the repository wants vs what one Cognigy flow holds.
import type { IntentInput } from "../cognigy/types.js";

/**
 * The tag cognigy-nlu puts on every intent it manages. Ownership rule: an intent in Cognigy is the repository's when it
 * carries this tag (every intent a sync creates or updates gets it). Only those are deleted when their file goes away;
 * other intents are left alone unless the flow sets `prune: true`.
 */
export const MANAGED_TAG = "cognigy-nlu";

export interface DesiredIntent {
  name: string;
  /** Undefined = not managed (left as it is in Cognigy). */
  description?: string;
  tags: string[];
  disabled: boolean;
  reject: boolean;
  /** YAML locale key → example texts to upload (held-out ones already removed). */
  examples: Record<string, string[]>;
  /** YAML locale key → the intent's own test texts: Cognigy sentences equal to one are expected removals (pull --holdout). */
  tests?: Record<string, string[]>;
}

export interface RemoteIntent {
  id: string;
  name: string;
  description?: string;
  tags: string[];
  isDisabled: boolean;
  isRejectIntent: boolean;
  /** YAML locale key → sentence texts in Cognigy. */
  sentences: Record<string, string[]>;
}

export interface IntentDiff {
  name: string;
  /** Cognigy _id (absent for a create). */
  id?: string;
  action: "create" | "update" | "delete" | "keep";
  /** create / update: the value to send. */
  value?: IntentInput;
  /** update: the changed fields, old → new; create: all fields. */
  fields?: Record<string, { from: unknown; to: unknown }>;
  /** YAML locale key → texts to add. */
  add: Record<string, string[]>;
  /** YAML locale key → Cognigy texts to remove (exact remote text, duplicates included). */
  remove: Record<string, string[]>;
  /** Sentences already in Cognigy and wanted. */
  unchanged: number;
  /** YAML locale key → removals that are the intent's own held-out tests (expected; not counted against maxDeletions). */
  heldOut?: Record<string, string[]>;
  /** For a delete: the sentences that go with the intent. */
  sentenceCount?: number;
}

export interface FlowDiff {
  /** Intents in name order; only those with something to do, plus kept ones that have unchanged sentences. */
  intents: IntentDiff[];
  /** Intents in Cognigy the repository neither defines nor owns (left alone). */
  unmanaged: string[];
  /** Sentences in Cognigy (configured locales) before the change. */
  remoteSentences: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tagSet(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort(cmp);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The sentence diff of one intent in one locale: adds in file order, removes in Cognigy order (extra duplicates too). */
export function diffSentences(
  want: readonly string[],
  have: readonly string[],
  normalize: (s: string) => string,
): { add: string[]; remove: string[]; unchanged: number } {
  const wanted = new Map<string, string>();
  for (const t of want) {
    const k = normalize(t);
    if (!wanted.has(k)) wanted.set(k, t);
  }
  const matched = new Set<string>();
  const remove: string[] = [];
  for (const t of have) {
    const k = normalize(t);
    if (wanted.has(k) && !matched.has(k)) matched.add(k);
    else remove.push(t);
  }
  const add = [...wanted.entries()].filter(([k]) => !matched.has(k)).map(([, t]) => t);
  return { add, remove, unchanged: matched.size };
}

/** The desired tags of an intent in Cognigy: the file's tags plus the ownership tag, file order kept. */
export function desiredTags(tags: readonly string[]): string[] {
  const out = [...new Set(tags)];
  if (!out.includes(MANAGED_TAG)) out.push(MANAGED_TAG);
  return out;
}

export function diffFlow(
  desired: readonly DesiredIntent[],
  remote: readonly RemoteIntent[],
  opts: { prune: boolean; locales: readonly string[]; normalize: (s: string) => string },
): FlowDiff {
  const locales = [...opts.locales].sort(cmp);
  const remoteByName = new Map<string, RemoteIntent>();
  const extraRemote: RemoteIntent[] = [];
  let remoteSentences = 0;
  for (const r of remote) {
    for (const l of locales) remoteSentences += r.sentences[l]?.length ?? 0;
    if (remoteByName.has(r.name)) extraRemote.push(r);
    else remoteByName.set(r.name, r);
  }
  const intents: IntentDiff[] = [];
  const wanted = new Set<string>();
  for (const d of [...desired].sort((a, b) => cmp(a.name, b.name))) {
    if (wanted.has(d.name)) continue; // duplicate-intent is a validation error; the first file wins
    wanted.add(d.name);
    const r = remoteByName.get(d.name);
    const tags = desiredTags(d.tags);
    const diff: IntentDiff = { name: d.name, action: "keep", add: {}, remove: {}, unchanged: 0 };
    if (!r) {
      diff.action = "create";
      diff.value = { name: d.name, tags, isDisabled: d.disabled, isRejectIntent: d.reject, ...(d.description !== undefined ? { description: d.description } : {}) };
      diff.fields = Object.fromEntries(Object.entries(diff.value).map(([k, v]) => [k, { from: null, to: v }]));
    } else {
      diff.id = r.id;
      const fields: Record<string, { from: unknown; to: unknown }> = {};
      const value: IntentInput = {};
      if (d.description !== undefined && (r.description ?? "") !== d.description) {
        fields.description = { from: r.description ?? "", to: d.description };
        value.description = d.description;
      }
      if (!sameList(tagSet(tags), tagSet(r.tags ?? []))) {
        fields.tags = { from: r.tags ?? [], to: tags };
        value.tags = tags;
      }
      if (Boolean(r.isDisabled) !== d.disabled) {
        fields.isDisabled = { from: Boolean(r.isDisabled), to: d.disabled };
        value.isDisabled = d.disabled;
      }
      if (Boolean(r.isRejectIntent) !== d.reject) {
        fields.isRejectIntent = { from: Boolean(r.isRejectIntent), to: d.reject };
        value.isRejectIntent = d.reject;
      }
      if (Object.keys(fields).length > 0) {
        diff.action = "update";
        diff.fields = fields;
        diff.value = value;
      }
    }
    for (const l of locales) {
      const s = diffSentences(d.examples[l] ?? [], r?.sentences[l] ?? [], opts.normalize);
      if (s.add.length) diff.add[l] = s.add;
      if (s.remove.length) {
        diff.remove[l] = s.remove;
        const tests = d.tests?.[l];
        if (tests?.length) {
          const keys = new Set(tests.map(opts.normalize));
          const held = s.remove.filter((t) => keys.has(opts.normalize(t)));
          if (held.length) (diff.heldOut ??= {})[l] = held;
        }
      }
      diff.unchanged += s.unchanged;
    }
    intents.push(diff);
  }
  const unmanaged: string[] = [];
  const leftovers = [...[...remoteByName.values()].filter((r) => !wanted.has(r.name)), ...extraRemote];
  for (const r of leftovers) {
    const owned = (r.tags ?? []).includes(MANAGED_TAG);
    if (!opts.prune && !owned) {
      unmanaged.push(r.name);
      continue;
    }
    const count = locales.reduce((n, l) => n + (r.sentences[l]?.length ?? 0), 0);
    intents.push({ name: r.name, id: r.id, action: "delete", add: {}, remove: {}, unchanged: 0, sentenceCount: count });
  }
  intents.sort((a, b) => cmp(a.name, b.name) || cmp(a.action, b.action) || cmp(a.id ?? "", b.id ?? ""));
  return { intents, unmanaged: [...new Set(unmanaged)].sort(cmp), remoteSentences };
}

/** True when the diff changes nothing. */
export function isEmptyDiff(d: FlowDiff): boolean {
  return d.intents.every((i) => i.action === "keep" && Object.keys(i.add).length === 0 && Object.keys(i.remove).length === 0);
}

/**
 * Sentences the change deletes: removals from kept intents plus the sentences of deleted intents — except removals of
 * an intent's own held-out tests (pull --holdout), which are expected and counted by heldOutRemovals.
 */
export function deletionCount(d: FlowDiff): number {
  let n = 0;
  for (const i of d.intents) {
    if (i.action === "delete") n += i.sentenceCount ?? 0;
    else for (const texts of Object.values(i.remove)) n += texts.length;
  }
  return n - heldOutRemovals(d);
}

/** Removals that are intents' own held-out tests: Cognigy still trains on them until the release removes them. */
export function heldOutRemovals(d: FlowDiff): number {
  let n = 0;
  for (const i of d.intents) for (const texts of Object.values(i.heldOut ?? {})) n += texts.length;
  return n;
}

/**
 * The deletion limit of a flow: a count, or a percentage of the flow's sentences in Cognigy ("10%").
 * Returns the number of sentences that may be deleted.
 */
export function deletionLimit(maxDeletions: number | string, remoteSentences: number): number {
  if (typeof maxDeletions === "number") return maxDeletions;
  const pct = Number(maxDeletions.replace("%", ""));
  return Math.floor((pct / 100) * remoteSentences);
}
