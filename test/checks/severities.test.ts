// The calibrated default severities (docs/checks.md): what breaks the upload or the results is an error, the rest warns.
import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { parseIntentFile } from "../../src/dataset/parse.js";
import type { Dataset } from "../../src/dataset/types.js";
import { checks, flow } from "./build.js";

const f = flow();

/** A dataset of intent files given as YAML text (parsed by the real parser, so whitespace cleaning applies). */
function fromYaml(files: Record<string, string>): Dataset {
  const intents = Object.entries(files).map(([name, text]) => {
    const r = parseIntentFile(text, `training-data/main/intents/${name}.yml`, f);
    expect(r.findings).toEqual([]);
    return r.intent!;
  });
  return { root: "/repo", flows: [{ flow: f, dir: "/repo/training-data/main", intents, tests: [], files: intents.map((i) => i.file) }], findings: [] };
}

const five = (p: string) => Array.from({ length: 5 }, (_, i) => `  - "${p} number ${i} please"`).join("\n");
const sev = (ds: Dataset, rule: string) => runChecks(ds, checks()).filter((x) => x.rule === rule).map((x) => [x.severity, x.line]);

describe("default severities", () => {
  it("normalises pasted line breaks and tabs (a warning that says so) and uploads the cleaned text", () => {
    const ds = fromYaml({ a: `intent: a\nexamples:\n  - "\\nhow can I verify\\r\\n my identity?"\n  - "a\\tb  c "\n${five("a")}\n` });
    const [first, second] = ds.flows[0].intents[0].examples["en-US"];
    expect(first.text).toBe("how can I verify my identity?");
    expect(first.raw).toBe("\nhow can I verify\r\n my identity?");
    expect(second.text).toBe("a b c");
    const found = runChecks(ds, checks()).filter((x) => x.rule === "whitespace" || x.rule === "invisible-chars");
    expect(found.map((x) => [x.rule, x.severity, x.line])).toEqual([
      ["whitespace", "warning", 3],
      ["whitespace", "warning", 4],
    ]);
    expect(found[0].message).toContain("U+000A (line feed)");
    expect(found[0].message).toContain("uploaded and compared as");
    expect(found[0].message).not.toMatch(/[\r\n]/);
  });

  it("errors on direction overrides and non-whitespace control characters, warns on zero-width characters", () => {
    const ds = fromYaml({ a: `intent: a\nexamples:\n  - "pay \\u202Eevil"\n  - "zero\\u200Bwidth"\n  - "bell\\u0007 here"\n${five("a")}\n` });
    expect(sev(ds, "invisible-chars")).toEqual([
      ["error", 3],
      ["warning", 4],
      ["error", 5],
    ]);
  });

  it("warns on texts over length.max and errors only beyond what the API accepts", () => {
    const long = "x".repeat(433);
    const huge = "y".repeat(2001);
    expect(sev(fromYaml({ a: `intent: a\nexamples:\n  - "${long}"\n  - "${huge}"\n${five("a")}\n` }), "length")).toEqual([
      ["warning", 3],
      ["error", 4],
    ]);
  });

  it("a leaked test is a warning; an empty intent an error, a small one a warning", () => {
    const ds = fromYaml({
      a: `intent: a\nexamples:\n  - "how can I verify my identity?"\n${five("a")}\ntests:\n  - "How can I verify my indentity?"\n`,
      b: "intent: b\nexamples:\n  - one thing\n",
      c: "intent: c\nexamples: []\n",
    });
    expect(sev(ds, "test-leakage")).toEqual([["warning", 10]]);
    expect(runChecks(ds, checks()).filter((x) => x.rule === "min-examples").map((x) => [x.intent, x.severity])).toEqual([
      ["b", "warning"],
      ["c", "error"],
    ]);
  });

  it("pii: an error for e-mail, card and IBAN, a warning for phone-like and digit-run patterns; checks.pii sets all", () => {
    const ds = fromYaml({ a: `intent: a\nexamples:\n  - "mail me at jane.doe@example.com"\n  - "my order 12345678901 is late"\n${five("a")}\n` });
    expect(sev(ds, "pii")).toEqual([
      ["error", 3],
      ["warning", 4],
    ]);
    expect(runChecks(ds, checks({ pii: "error" })).filter((x) => x.rule === "pii").map((x) => x.severity)).toEqual(["error", "error"]);
  });
});
