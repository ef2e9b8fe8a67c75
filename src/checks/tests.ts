// Test coverage: intents without any held-out test, and test sets expecting an intent no file defines.
import { finding } from "./finding.js";
import { didYouMean } from "./suggest.js";
import type { Finding } from "./types.js";
import type { FlowView } from "./view.js";

/** `missing-tests`: an (enabled) intent with no tests in its file and none expecting it in tests/*.yml. */
export function missingTests(view: FlowView): Finding[] {
  const expected = new Set<string>();
  for (const t of view.data.tests) if (t.expect !== null) expected.add(t.expect);
  const out: Finding[] = [];
  for (const intent of view.data.intents) {
    if (intent.disabled) continue;
    const own = Object.values(intent.tests).some((l) => l.length > 0);
    if (own || expected.has(intent.name)) continue;
    out.push(
      finding("missing-tests", intent, `intent '${intent.name}' has no tests`, {
        hint: "add a 'tests:' list with a few held-out utterances (or entries expecting it in tests/*.yml); otherwise evaluation holds out part of its examples",
        intent: intent.name,
      }),
    );
  }
  return out;
}

/** `unknown-intent`: a test-set entry expecting an intent that no file of the flow defines. */
export function unknownIntents(view: FlowView): Finding[] {
  const names = new Set(view.data.intents.map((i) => i.name));
  const out: Finding[] = [];
  for (const t of view.data.tests) {
    if (t.expect === null || names.has(t.expect)) continue;
    const dym = didYouMean(t.expect, names);
    out.push(
      finding("unknown-intent", t, `the test expects intent '${t.expect}', which no file in ${view.data.flow.dir} defines${dym ? ` (did you mean '${dym}'?)` : ""}`, {
        hint: dym ? `change expect to '${dym}'` : "fix the name, add the intent, or use expect: null for out-of-scope tests",
        intent: t.expect,
        locale: t.locale,
      }),
    );
  }
  return out;
}
