// Cognigy's caps (shared/cognigy-api.md §8): sentences and intents per flow, sentences per intent — as validate sees them.
import type { LimitsConfig } from "../config/schema.js";
import { finding } from "./finding.js";
import type { Finding } from "./types.js";
import type { FlowView, Item } from "./view.js";
import { grouped } from "../text/number.js";

/** The documented defaults (limits: in cognigy-nlu.yml overrides them). */
export const DEFAULT_LIMITS: LimitsConfig = { flowSentences: 10_000, flowIntents: 2_500, intentSentences: 2_000 };

function n(x: number): string {
  return grouped(x);
}

/**
 * `flow-limit`: a flow with more intents than limits.flowIntents, or more examples in one locale than
 * limits.flowSentences; `intent-limit`: an intent with more examples in one locale than limits.intentSentences.
 * Caps count per flow × locale, as Cognigy does. Counts every example in the files (held-out ones included: which stay
 * out depends on Cognigy's state, so `plan` counts exactly, with the sentences already in Cognigy and in attached
 * flows). A flow finding sits at the first intent or example over the cap (file order), an intent finding at the intent.
 */
export function limitFindings(view: FlowView, limits: LimitsConfig): Finding[] {
  const out: Finding[] = [];
  const { data } = view;
  const flowName = data.flow.name;
  const whole = { file: data.files[0] ?? data.flow.dir, line: 0, column: 0 };
  if (data.intents.length > limits.flowIntents) {
    const first = data.intents[limits.flowIntents];
    out.push(
      finding(
        "flow-limit",
        first ? { file: first.file, line: first.line, column: first.column } : whole,
        `flow '${flowName}' has ${n(data.intents.length)} intents, more than Cognigy's cap of ${n(limits.flowIntents)} per flow (limits.flowIntents; attached flows count too); intent ${n(limits.flowIntents + 1)} is here`,
        { hint: "split the intents over several flows (e.g. one per domain), or set limits.flowIntents to your tenant's cap" },
      ),
    );
  }
  // Distinct normalised texts per intent and locale: what a sync uploads at most (repeats are dropped).
  const perLocale = new Map<string, { total: number; over?: Item }>();
  const intentAt = new Map(data.intents.map((i) => [i.name, i]));
  for (const [locale, items] of view.examples) {
    const perIntent = new Map<string | null, Set<string>>();
    let total = 0;
    let over: Item | undefined;
    for (const item of items) {
      let set = perIntent.get(item.intent);
      if (!set) perIntent.set(item.intent, (set = new Set()));
      if (set.has(item.norm)) continue;
      set.add(item.norm);
      if (++total === limits.flowSentences + 1) over = item;
    }
    for (const [name, set] of perIntent) {
      const intent = name === null ? undefined : intentAt.get(name);
      if (intent && set.size > limits.intentSentences)
        out.push(
          finding(
            "intent-limit",
            intent,
            `intent '${intent.name}' has ${n(set.size)} examples in ${locale}, more than Cognigy's cap of ${n(limits.intentSentences)} per intent (limits.intentSentences)`,
            { hint: "keep the most varied examples and move the rest to tests, or split the intent", intent: intent.name, locale },
          ),
        );
    }
    perLocale.set(locale, { total, over });
  }
  for (const [locale, { total, over }] of [...perLocale].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    if (total > limits.flowSentences)
      out.push(
        finding(
          "flow-limit",
          over ? { file: over.file, line: over.line, column: over.column } : whole,
          `flow '${flowName}' has ${n(total)} example sentences in ${locale}, more than Cognigy's cap of ${n(limits.flowSentences)} per flow and locale (limits.flowSentences; attached flows count too); example ${n(limits.flowSentences + 1)} is here`,
          {
            hint: "split the flow (e.g. one flow per domain), move examples to tests, or set limits.flowSentences to your tenant's cap",
            locale,
          },
        ),
      );
  return out;
}
