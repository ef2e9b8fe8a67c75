import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { loadConfig } from "../../src/config/load.js";
import { loadDataset } from "../../src/dataset/load.js";

const root = join(import.meta.dirname, "..", "fixtures", "bad");

/** file → findings it must have ([rule, line]); every file in the corpus is listed. */
const EXPECTED: Record<string, [string, number][]> = {
  "intents/alias-bomb.yml": [["yaml", 1]],
  "intents/bom.yml": [["min-examples", 1]],
  "intents/crlf.yml": [["min-examples", 1]],
  "intents/duplicate-key.yml": [["yaml", 4]],
  "intents/empty-examples.yml": [["schema", 2]],
  "intents/empty-file.yml": [["schema", 1]],
  "intents/empty-intent.yml": [["min-examples", 1]],
  "intents/list-instead-of-map.yml": [["schema", 1]],
  "intents/malformed.yml": [["yaml", 5]],
  "intents/mixed-locales.yml": [["schema", 8]],
  "intents/numeric-name.yml": [["schema", 1]],
  "intents/tabs.yml": [["yaml", 3]],
  "intents/text-problems.yml": [["invisible-chars", 3], ["invisible-chars", 4], ["mojibake", 5], ["pii", 6], ["pii", 7], ["length", 8]],
  "intents/two-documents.yml": [["yaml", 2]],
  "intents/unknown-keys.yml": [["schema", 2], ["schema", 4], ["schema", 5]],
  "intents/wrong-types.yml": [["schema", 2], ["schema", 3], ["schema", 6], ["schema", 7], ["schema", 8]],
  "tests/bad-entries.yml": [["unknown-intent", 1], ["schema", 3], ["schema", 6], ["schema", 9]],
  "tests/not-a-list.yml": [["schema", 1]],
};

describe("the broken-file corpus (test/fixtures/bad)", () => {
  const { config } = loadConfig(join(root, "cognigy-nlu.yml"), root);
  const ds = loadDataset({ config, root });
  const findings = runChecks(ds, config.checks);

  it("lists every corpus file", () => {
    const files = ["intents", "tests"].flatMap((d) => readdirSync(join(root, "training-data/main", d)).map((f) => `${d}/${f}`));
    expect(Object.keys(EXPECTED).sort()).toEqual(files.sort());
  });

  it.each(Object.entries(EXPECTED))("%s: a finding naming the file and line", (file, expected) => {
    const mine = findings.filter((f) => f.file === `training-data/main/${file}`);
    for (const [rule, line] of expected) expect(mine.map((f) => [f.rule, f.line])).toContainEqual([rule, line]);
    for (const f of mine) expect(f.message.length).toBeGreaterThan(5);
  });

  it("names the misspelt key's fix and masks the planted PII", () => {
    expect(findings.find((f) => f.message.includes("'exmples'"))).toMatchObject({ line: 2, column: 1, message: expect.stringContaining("did you mean 'examples'?") });
    const text = JSON.stringify(findings);
    expect(text).not.toContain("john.doe@example.com");
    expect(text).not.toContain("4111 1111 1111 1111");
    expect(text).toContain("j***@e***.com");
    expect(text).toContain("**** **** **** 1111");
  });
});
