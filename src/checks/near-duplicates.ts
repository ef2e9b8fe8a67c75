// Near-duplicates: examples whose normalised texts are ≥ nearDuplicate similar (across intents: warning; within: info).
import { finding } from "./finding.js";
import { quote, where } from "./show.js";
import { type JoinLimits, MAX_JOIN_LENGTH, similarJoin } from "./similarity.js";
import type { Finding } from "./types.js";
import { distinctTexts, type FlowView, type Item } from "./view.js";

/**
 * Bounds for pathological data: the check reports that it stopped instead of running for minutes (template-made
 * texts), and skips texts over maxLength (runChecks lowers it to twice the `length` max: longer texts are already errors).
 */
export const NEAR_DUPLICATE_LIMITS: Required<JoinLimits> = { maxPairs: 20_000, maxCandidates: 50_000_000, maxLength: MAX_JOIN_LENGTH };
/** Findings listed per flow and locale; the rest are counted in one closing finding. */
export const MAX_NEAR_DUPLICATE_FINDINGS = 10_000;

function percent(s: number): string {
  return `${(s * 100).toFixed(0)}%`;
}

/** The first occurrence of a text in each intent (repeats inside an intent are duplicate-within's job). */
function firstPerIntent(items: Item[]): Item[] {
  if (items.length === 1) return items;
  const seen = new Set<string | null>();
  return items.filter((i) => !seen.has(i.intent) && seen.add(i.intent));
}

/**
 * Every pair of examples (same flow and locale) with different normalised texts and similarity ≥ threshold,
 * reported at the later one with `related` = the earlier. Exact repeats are the duplicates check's job.
 * Normalised texts longer than `limits.maxLength` are not searched (see MAX_JOIN_LENGTH).
 */
export function nearDuplicates(view: FlowView, threshold: number, limits: JoinLimits = NEAR_DUPLICATE_LIMITS): Finding[] {
  const out: Finding[] = [];
  for (const locale of view.examples.keys()) {
    const { texts, members } = distinctTexts(view, "examples", locale);
    const join = similarJoin(texts, threshold, limits);
    const found: Finding[] = [];
    for (const pair of join.pairs)
      for (const x of firstPerIntent(members[pair.a]))
        for (const y of firstPerIntent(members[pair.b])) {
          const [early, late] = x.order < y.order ? [x, y] : [y, x];
          found.push(
            early.intent !== late.intent
              ? finding(
                  "near-duplicate-across",
                  late,
                  `${quote(late.text)} is ${percent(pair.similarity)} similar to ${quote(early.text)}, an example of intent '${early.intent}' (${where(early)})`,
                  { hint: "reword one of them, or move it to the intent it really means", related: [early], intent: late.intent ?? undefined, locale },
                )
              : finding("near-duplicate-within", late, `${quote(late.text)} is ${percent(pair.similarity)} similar to ${quote(early.text)} (${where(early)})`, {
                  hint: "near-repeats add little; prefer varied phrasings",
                  related: [early],
                  intent: late.intent ?? undefined,
                  locale,
                }),
          );
        }
    // Keep the most important ones when there are too many to list.
    found.sort((a, b) => (a.rule === b.rule ? 0 : a.rule === "near-duplicate-across" ? -1 : 1));
    for (const f of found.slice(0, MAX_NEAR_DUPLICATE_FINDINGS)) out.push(f);
    const more = found.length - MAX_NEAR_DUPLICATE_FINDINGS;
    if (more > 0 || !join.complete) {
      const at = found[MAX_NEAR_DUPLICATE_FINDINGS] ?? found[0] ?? { file: view.data.files[0] ?? view.data.flow.dir, line: 0, column: 0 };
      out.push(
        finding(
          "near-duplicate-across",
          { file: at.file, line: 0, column: 0 },
          join.complete
            ? `${more.toLocaleString("en-US")} more near-duplicate pairs in ${locale} are not listed`
            : `the near-duplicate check of ${locale} stopped early: the examples are so alike (template-made?) that there are too many similar pairs to list`,
          { hint: "vary the examples: most of these phrasings teach the model the same thing", locale },
        ),
      );
    }
  }
  return out;
}
