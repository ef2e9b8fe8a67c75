// Locale coverage: an intent with examples in one mapped locale and none in another.
import { finding } from "./finding.js";
import type { Finding } from "./types.js";
import type { FlowView } from "./view.js";

/** `locale-coverage`: one finding per (intent, mapped locale without examples) when the intent has examples elsewhere. */
export function localeCoverage(view: FlowView): Finding[] {
  const locales = Object.keys(view.data.flow.locales);
  if (locales.length < 2) return [];
  const out: Finding[] = [];
  for (const intent of view.data.intents) {
    if (intent.disabled) continue;
    const have = locales.filter((l) => (intent.examples[l]?.length ?? 0) > 0);
    if (have.length === 0 || have.length === locales.length) continue;
    for (const l of locales)
      if (!have.includes(l))
        out.push(
          finding("locale-coverage", intent, `intent '${intent.name}' has examples in ${have.join(", ")} but none in ${l}`, {
            hint: `add ${l} examples (under 'examples: ${l}:')`,
            intent: intent.name,
            locale: l,
          }),
        );
  }
  return out;
}
