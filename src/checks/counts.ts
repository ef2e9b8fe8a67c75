// Example counts: too few (error/warning), too many, and class imbalance per flow and locale.
import type { ChecksConfig } from "../config/schema.js";
import type { IntentDoc } from "../dataset/types.js";
import { finding } from "./finding.js";
import type { Finding } from "./types.js";
import type { FlowView } from "./view.js";

/** The locales an intent is counted in: the ones it has examples in, or the default locale when it has none. */
function countedLocales(intent: IntentDoc, defaultLocale: string): string[] {
  const have = Object.keys(intent.examples).filter((l) => intent.examples[l].length > 0);
  return have.length ? have : [defaultLocale];
}

function n(intent: IntentDoc, locale: string): number {
  return intent.examples[locale]?.length ?? 0;
}

/** `min-examples` (error below minExamples.error, warning below .warning) and `max-examples`. Disabled intents are skipped. */
export function exampleCounts(view: FlowView, checks: Pick<ChecksConfig, "minExamples" | "maxExamples">): Finding[] {
  const out: Finding[] = [];
  const { minExamples: min, maxExamples: max } = checks;
  for (const intent of view.data.intents) {
    if (intent.disabled) continue;
    for (const locale of countedLocales(intent, view.data.flow.defaultLocale)) {
      const count = n(intent, locale);
      if (min !== "off" && (count < min.error || count < min.warning)) {
        const isError = count < min.error;
        out.push(
          finding("min-examples", intent, `intent '${intent.name}' has ${count} example${count === 1 ? "" : "s"} in ${locale} (${isError ? "minimum" : "recommended"} ${isError ? min.error : min.warning})`, {
            severity: isError ? "error" : "warning",
            hint: "add varied phrasings a user would really type",
            intent: intent.name,
            locale,
          }),
        );
      }
      if (max !== "off" && count > max)
        out.push(
          finding("max-examples", intent, `intent '${intent.name}' has ${count} examples in ${locale} (more than ${max})`, {
            hint: "keep the most varied examples; move the rest to tests",
            intent: intent.name,
            locale,
          }),
        );
    }
  }
  return out;
}

/** `imbalance`: an intent whose example count is more than maxImbalance times smaller than the largest intent's (same locale). */
export function imbalance(view: FlowView, maxImbalance: number | "off"): Finding[] {
  if (maxImbalance === "off") return [];
  const out: Finding[] = [];
  const locales = new Set<string>();
  for (const intent of view.data.intents) for (const l of Object.keys(intent.examples)) locales.add(l);
  for (const locale of [...locales].sort()) {
    const active = view.data.intents.filter((i) => !i.disabled && n(i, locale) > 0);
    if (active.length < 2) continue;
    let largest = active[0];
    for (const i of active) if (n(i, locale) > n(largest, locale)) largest = i;
    const top = n(largest, locale);
    for (const intent of active) {
      const count = n(intent, locale);
      const ratio = top / count;
      if (ratio > maxImbalance)
        out.push(
          finding(
            "imbalance",
            intent,
            `intent '${intent.name}' has ${count} example${count === 1 ? "" : "s"} in ${locale}, '${largest.name}' has ${top} (ratio ${ratio.toFixed(1)}, limit ${maxImbalance})`,
            { hint: `add examples to '${intent.name}' or trim '${largest.name}'`, related: [largest], intent: intent.name, locale },
          ),
        );
    }
  }
  return out;
}
