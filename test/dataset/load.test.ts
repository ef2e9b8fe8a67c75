import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { loadDataset } from "../../src/dataset/load.js";
import { MAX_FILE_BYTES } from "../../src/dataset/files.js";
import { ConfigError } from "../../src/errors.js";
import { CONFIG, intentYaml, makeRepo, type Repo } from "./repo.js";

let repo: Repo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

function load(r: Repo) {
  const { config, root } = loadConfig(join(r.root, "cognigy-nlu.yml"), r.root);
  return loadDataset({ config, root });
}

describe("loadDataset", () => {
  it("reads intents and test sets with file, line and column on everything", () => {
    repo = makeRepo({
      "training-data/main/intents/order.yml": 'intent: OrderPizza\ndescription: wants pizza\ntags: [orders]\nexamples:\n  en-US:\n    - I would like a pizza\n    - "can I order one"\n  de-DE:\n    - eine Pizza bitte\ntests:\n  - get me a pizza\n',
      "training-data/main/intents/greet.yaml": intentYaml("Greeting", ["hello", "hi there"], "disabled: true\nreject: false\n"),
      "training-data/main/intents/README.md": "not a YAML file: ignored",
      "training-data/main/tests/oos.yml": "- text: what is the weather\n  expect: null\n- text: eine Pizza\n  expect: OrderPizza\n  locale: de-DE\n",
    });
    const ds = load(repo);
    expect(ds.findings).toEqual([]);
    const [flow] = ds.flows;
    expect(flow.files).toEqual(["training-data/main/intents/greet.yaml", "training-data/main/intents/order.yml", "training-data/main/tests/oos.yml"]);
    const order = flow.intents.find((i) => i.name === "OrderPizza")!;
    expect(order).toMatchObject({ file: "training-data/main/intents/order.yml", line: 1, column: 1, description: "wants pizza", tags: ["orders"], disabled: false, reject: false });
    expect(order.examples["en-US"]).toEqual([
      { text: "I would like a pizza", locale: "en-US", file: "training-data/main/intents/order.yml", line: 6, column: 7 },
      { text: "can I order one", locale: "en-US", file: "training-data/main/intents/order.yml", line: 7, column: 7 },
    ]);
    expect(order.examples["de-DE"][0]).toMatchObject({ text: "eine Pizza bitte", line: 9 });
    expect(order.tests["en-US"][0]).toMatchObject({ text: "get me a pizza", line: 11, column: 5 });
    const greet = flow.intents.find((i) => i.name === "Greeting")!;
    expect(greet.disabled).toBe(true);
    expect(greet.examples["en-US"].map((u) => u.text)).toEqual(["hello", "hi there"]);
    expect(flow.tests).toEqual([
      { text: "what is the weather", expect: null, locale: "en-US", file: "training-data/main/tests/oos.yml", line: 1, column: 9 },
      { text: "eine Pizza", expect: "OrderPizza", expectAt: { line: 4, column: 11 }, locale: "de-DE", file: "training-data/main/tests/oos.yml", line: 3, column: 9 },
    ]);
  });

  it("reads the same through the yaml package as through the fast reader (anchors force the slow path)", () => {
    repo = makeRepo({
      "training-data/main/intents/a.yml": "intent: A\nexamples:\n  - one\n  - two\n",
      "training-data/main/intents/b.yml": "intent: &n B\nexamples:\n  - one\n  - two\n",
    });
    const [flow] = load(repo).flows;
    expect(flow.intents.map((i) => i.examples["en-US"].map((u) => [u.text, u.line, u.column]))).toEqual([
      [["one", 3, 5], ["two", 4, 5]],
      [["one", 3, 5], ["two", 4, 5]],
    ]);
  });

  it("drops a BOM and reads CRLF files with the right lines", () => {
    repo = makeRepo({
      "training-data/main/intents/bom.yml": "\ufeffintent: Bom\nexamples:\n  - first\n",
      "training-data/main/intents/crlf.yml": "intent: Crlf\r\nexamples:\r\n  - first\r\n  - second\r\n",
    });
    const ds = load(repo);
    expect(ds.findings).toEqual([]);
    expect(ds.flows[0].intents.map((i) => [i.name, i.examples["en-US"].map((u) => `${u.text}@${u.line}`)])).toEqual([
      ["Bom", ["first@3"]],
      ["Crlf", ["first@3", "second@4"]],
    ]);
  });

  it("reports, never reads, files over the size limit (a 50 MB file)", () => {
    repo = makeRepo({ "training-data/main/intents/ok.yml": intentYaml("Ok", ["fine"]) });
    const big = repo.write("training-data/main/intents/huge.yml", "");
    const fd = openSync(big, "r+");
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const ds = load(repo);
    expect(ds.findings).toEqual([expect.objectContaining({ rule: "yaml", severity: "error", file: "training-data/main/intents/huge.yml", message: expect.stringMatching(/50\.0 MB.*not read/) })]);
    expect(ds.flows[0].intents.map((i) => i.name)).toEqual(["Ok"]);
    expect(MAX_FILE_BYTES).toBe(5 * 1024 * 1024);
  });

  it("reports binary, UTF-16 and non-UTF-8 files with the line of the problem", () => {
    repo = makeRepo({
      "training-data/main/intents/binary.yml": new Uint8Array([0x69, 0x6e, 0x0a, 0x00, 0x01, 0x02]),
      "training-data/main/intents/utf16.yml": Buffer.from("\ufeffintent: x\n", "utf16le"),
      "training-data/main/intents/latin1.yml": Buffer.concat([Buffer.from("intent: Cafe\nexamples:\n  - caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
    });
    const ds = load(repo);
    const by = Object.fromEntries(ds.findings.map((f) => [f.file.split("/").pop(), f]));
    expect(by["binary.yml"]).toMatchObject({ rule: "yaml", line: 2, message: expect.stringContaining("binary") });
    expect(by["utf16.yml"]).toMatchObject({ rule: "yaml", message: expect.stringContaining("UTF-16") });
    expect(by["latin1.yml"]).toMatchObject({ rule: "yaml", line: 3, column: 8, message: "not valid UTF-8" });
    expect(ds.flows[0].intents).toEqual([]);
  });

  it("stops an alias bomb quickly", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(96 + i);
      const n = String.fromCharCode(97 + i);
      levels.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(", ")}]`);
    }
    repo = makeRepo({ "training-data/main/intents/bomb.yml": `intent: Bomb\n${levels.join("\n")}\nexamples: *i\n` });
    const ds = load(repo);
    expect(ds.findings).toEqual([expect.objectContaining({ rule: "yaml", file: "training-data/main/intents/bomb.yml", message: expect.stringContaining("alias") })]);
  });

  it("follows links inside the repository, not out of it", () => {
    repo = makeRepo({ "shared/greet.yml": intentYaml("Greeting", ["hello"]) });
    const outside = makeRepo({ "secret.yml": intentYaml("Secret", ["do not read me"]) }, null);
    try {
      mkdirSync(join(repo.root, "training-data/main/intents"), { recursive: true });
      symlinkSync(join(repo.root, "shared/greet.yml"), join(repo.root, "training-data/main/intents/greet.yml"));
      symlinkSync(join(outside.root, "secret.yml"), join(repo.root, "training-data/main/intents/secret.yml"));
      symlinkSync(join(repo.root, "nowhere.yml"), join(repo.root, "training-data/main/intents/dangling.yml"));
      symlinkSync(outside.root, join(repo.root, "training-data/main/tests"));
      const ds = load(repo);
      expect(ds.flows[0].intents.map((i) => i.name)).toEqual(["Greeting"]);
      const msgs = ds.findings.map((f) => `${f.file}: ${f.message}`);
      expect(msgs).toContain("training-data/main/intents/secret.yml: links to a path outside the repository; not followed");
      expect(msgs).toContain("training-data/main/intents/dangling.yml: broken symbolic link (its target does not exist)");
      expect(msgs).toContain("training-data/main/tests: links to a path outside the repository; not followed");
      expect(JSON.stringify(ds)).not.toContain("do not read me");
    } finally {
      outside.remove();
    }
  });

  it("rejects flow folders that are missing or lead out of the repository (ConfigError, exit 2)", () => {
    repo = makeRepo({});
    expect(() => load(repo!)).toThrow(ConfigError);
    expect(() => load(repo!)).toThrow(/training-data\/main' does not exist/);
    const outside = makeRepo({ "intents/x.yml": intentYaml("X", ["x"]) }, null);
    try {
      mkdirSync(join(repo.root, "training-data"));
      symlinkSync(outside.root, join(repo.root, "training-data/main"));
      expect(() => load(repo!)).toThrow(/outside the repository/);
      writeFileSync(join(repo.root, "cognigy-nlu.yml"), CONFIG.replace("dir: training-data/main", "dir: ../elsewhere"));
      expect(() => loadConfig(join(repo!.root, "cognigy-nlu.yml"), repo!.root)).toThrow(/points outside the repository/);
    } finally {
      outside.remove();
    }
  });

  it("reports a flow without an intents folder, and skips folders named like YAML files", () => {
    repo = makeRepo({ "training-data/main/tests/t.yml": "- text: hi\n  expect: null\n" });
    expect(load(repo).findings).toEqual([expect.objectContaining({ rule: "yaml", file: "training-data/main/intents", message: expect.stringContaining("no intents/ folder") })]);
    mkdirSync(join(repo.root, "training-data/main/intents/folder.yml"), { recursive: true });
    repo.write("training-data/main/intents/a.yml", intentYaml("A", ["a b"]));
    const ds = load(repo);
    expect(ds.findings).toEqual([]);
    expect(ds.flows[0].intents.map((i) => i.name)).toEqual(["A"]);
  });
});
