// Duplicates: the same intent name in two files, and the same utterance (after normalisation) twice.
import { finding } from "./finding.js";
import { quote, where } from "./show.js";
import type { Finding } from "./types.js";
import { distinctTexts, type FlowView, type Item } from "./view.js";

/** `duplicate-intent`: an intent name defined by more than one file (reported at each later file). */
export function duplicateIntents(view: FlowView): Finding[] {
  const out: Finding[] = [];
  const first = new Map<string, { file: string; line: number; column: number }>();
  const intents = [...view.data.intents].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  for (const intent of intents) {
    const prev = first.get(intent.name);
    if (!prev) {
      first.set(intent.name, intent);
      continue;
    }
    out.push(
      finding("duplicate-intent", intent, `intent '${intent.name}' is also defined in ${where(prev)}`, {
        hint: "keep one file per intent: merge the two files or rename one intent",
        related: [prev],
        intent: intent.name,
      }),
    );
  }
  return out;
}

/**
 * `duplicate-within`: an example repeated inside one intent; `duplicate-across`: the same example in two
 * intents (a conflict the model cannot learn). Reported at the later copy, `related` = the first copy.
 */
export function exactDuplicates(view: FlowView): Finding[] {
  const out: Finding[] = [];
  for (const locale of view.examples.keys()) {
    for (const items of distinctTexts(view, "examples", locale).members) {
      if (items.length < 2) continue;
      const first = items[0];
      const firstOf = new Map<string | null, Item>();
      for (const item of items) {
        const sameIntent = firstOf.get(item.intent);
        if (sameIntent) {
          out.push(
            finding("duplicate-within", item, `${quote(item.text)} repeats an example of the same intent (${where(sameIntent)})`, {
              hint: "remove the repetition: it only adds weight to this phrasing",
              related: [sameIntent],
              intent: item.intent ?? undefined,
              locale,
            }),
          );
          continue;
        }
        firstOf.set(item.intent, item);
        if (item.intent !== first.intent)
          out.push(
            finding("duplicate-across", item, `${quote(item.text)} is also an example of intent '${first.intent}' (${where(first)}): the model cannot learn both`, {
              hint: `keep it in the one intent it belongs to (here '${item.intent}' or '${first.intent}')`,
              related: [first],
              intent: item.intent ?? undefined,
              locale,
            }),
          );
      }
    }
  }
  return out;
}
