// Cognigy intents (export JSON per locale, or the plan's remote read) → the repository's intent model (pure).
import type { ExportedIntent } from "../../cognigy/types.js";
import { MANAGED_TAG, type RemoteIntent } from "../diff.js";
import type { PulledIntent } from "./intent-file.js";

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cleanTags(tags: unknown): string[] {
  return Array.isArray(tags) ? [...new Set(tags.map(String))].filter((t) => t !== MANAGED_TAG) : [];
}

/** De-duplicates texts exactly (Cognigy may hold the same sentence twice), first occurrence kept. */
function unique(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}

/** The plan's remote read of a flow (listIntents + one export per locale) as repository intents, by name. */
export function remoteToPulled(remote: readonly RemoteIntent[]): PulledIntent[] {
  const byName = new Map<string, PulledIntent>();
  for (const r of remote) {
    if (byName.has(r.name)) continue; // a duplicate name in Cognigy: the first one wins (reported by the caller)
    const examples: Record<string, string[]> = {};
    for (const [k, texts] of Object.entries(r.sentences)) if (texts.length) examples[k] = unique(texts);
    byName.set(r.name, {
      name: r.name,
      description: r.description?.trim() ? r.description : undefined,
      tags: cleanTags(r.tags),
      disabled: Boolean(r.isDisabled),
      reject: Boolean(r.isRejectIntent),
      examples,
    });
  }
  return [...byName.values()].sort((a, b) => cmp(a.name, b.name));
}

/** Export JSON per YAML locale key → repository intents (fields from the first locale that has the intent). */
export function exportsToPulled(perLocale: Record<string, readonly ExportedIntent[]>): PulledIntent[] {
  const byName = new Map<string, PulledIntent>();
  for (const key of Object.keys(perLocale).sort(cmp)) {
    for (const e of perLocale[key] ?? []) {
      if (typeof e?.name !== "string") continue;
      let p = byName.get(e.name);
      if (!p) {
        p = {
          name: e.name,
          description: typeof e.description === "string" && e.description.trim() ? e.description : undefined,
          tags: cleanTags(e.tags),
          disabled: Boolean(e.isDisabled),
          reject: Boolean(e.isRejectIntent),
          examples: {},
        };
        byName.set(e.name, p);
      }
      const texts = Array.isArray(e.exampleSentences) ? e.exampleSentences.map(String) : [];
      if (texts.length) p.examples[key] = unique([...(p.examples[key] ?? []), ...texts]);
    }
  }
  return [...byName.values()].sort((a, b) => cmp(a.name, b.name));
}
