// The hostile-input corpus: the committed fixtures (test/fixtures/hostile/) plus generated big, binary and file-system cases.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RuleId } from "../../src/config/schema.js";
import { mulberry32 } from "../../src/classifier/index.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "hostile");
export const FLOW_DIR = "training-data/main";
export const HOSTILE_INTENT = `${FLOW_DIR}/intents/hostile.yml`;
export const HOSTILE_TESTS = `${FLOW_DIR}/tests/hostile.yml`;
/** Planted in files outside the repository: must never show up in any output. */
export const OUTSIDE_MARKER = "outside-the-repo-marker-7d1f";

/** What a case must produce. */
export type Expectation =
  /** A finding of `rule` in `file` (at `line` unless undefined), its message matching `match`. */
  | { kind: "finding"; rule: RuleId; file: string; line?: number; match?: RegExp }
  /** The config (or a flow folder) is rejected: ConfigError / exit 2, the message matching `match`, naming `line` of cognigy-nlu.yml. */
  | { kind: "config"; line?: number; match?: RegExp }
  /** Nothing wrong with the case's file: no error finding in it, the intent(s) loaded. */
  | { kind: "ok"; intents?: number };

export interface HostileCase {
  id: string;
  description: string;
  /** Writes the case into an empty repository folder (`sandbox` is its parent, for files "outside the repository"). */
  build(repo: string, sandbox: string): void;
  expect: Expectation[];
  /** Text that must appear in no output (secrets, PII, outside files). */
  neverEcho: string[];
  /** Slow or big: only in the full CLI run (RELIABILITY_FULL=1); the library always runs it. */
  heavy?: boolean;
  /** Time bound for the library call (ms). */
  limitMs: number;
  /** Output format for the CLI run (default json). */
  format?: "json" | "github" | "text";
}

export const BASE_CONFIG = `cognigy:
  baseUrl: http://127.0.0.1:9
  project: Hostile Bot
flows:
  - name: Main
    dir: ${FLOW_DIR}
    locales: { en-US: en-US, de-DE: de-DE }
    defaultLocale: en-US
checks:
  minExamples: off
  maxImbalance: off
  rules: { missing-tests: off, locale-coverage: off }
`;

const GREETING = `intent: Greeting
examples:
  - hello my friend
  - hi there
  - good morning to you
tests:
  - hey buddy
`;
const GOODBYE = `intent: Goodbye
examples:
  - bye for now
  - see you later
  - good night then
tests:
  - farewell
`;

/** A valid repository: the base config and two intents. */
/** The intent files of the intents-10k case in file order. */
const INTENTS_10K = ["greeting.yml", "goodbye.yml", ...Array.from({ length: 10_000 }, (_, i) => `i${i}.yml`)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function writeBaseRepo(repo: string, config = BASE_CONFIG): void {
  mkdirSync(join(repo, FLOW_DIR, "intents"), { recursive: true });
  mkdirSync(join(repo, FLOW_DIR, "tests"), { recursive: true });
  writeFileSync(join(repo, "cognigy-nlu.yml"), config);
  writeFileSync(join(repo, FLOW_DIR, "intents", "greeting.yml"), GREETING);
  writeFileSync(join(repo, FLOW_DIR, "intents", "goodbye.yml"), GOODBYE);
}

function header(text: string): { description: string; expects: string[]; neverEcho: string[] } {
  const out = { description: "", expects: [] as string[], neverEcho: [] as string[] };
  for (const raw of text.split(/\r?\n|\r/)) {
    const m = /^# (hostile|expect|never-echo): (.*)$/.exec(raw);
    if (!m) {
      if (raw.startsWith("#")) continue;
      break;
    }
    if (m[1] === "hostile") out.description = m[2];
    else if (m[1] === "expect") out.expects.push(m[2]);
    else out.neverEcho.push(m[2]);
  }
  return out;
}

/** `<rule|config> <line|*> [/regex/]` or `ok <intents>` → an Expectation. */
function parseExpect(spec: string, file: string): Expectation {
  const m = /^(\S+) (\d+|\*)(?: \/(.*)\/)?$/.exec(spec.trim());
  if (!m) throw new Error(`bad '# expect:' line in ${file}: ${spec}`);
  const line = m[2] === "*" ? undefined : Number(m[2]);
  const match = m[3] ? new RegExp(m[3], "i") : undefined;
  if (m[1] === "config") return { kind: "config", line, match };
  if (m[1] === "ok") return { kind: "ok", intents: line };
  return { kind: "finding", rule: m[1] as RuleId, file, line, match };
}

function fixtureCases(): HostileCase[] {
  const out: HostileCase[] = [];
  const groups = [
    { dir: "intents", target: HOSTILE_INTENT },
    { dir: "tests", target: HOSTILE_TESTS },
    { dir: "configs", target: "cognigy-nlu.yml" },
  ];
  for (const g of groups) {
    for (const name of readdirSync(join(FIXTURES, g.dir)).sort()) {
      if (!name.endsWith(".yml")) continue;
      const path = join(FIXTURES, g.dir, name);
      const text = readFileSync(path, "utf8");
      const h = header(text);
      if (!h.description || !h.expects.length) throw new Error(`${path}: needs '# hostile:' and '# expect:' header lines`);
      out.push({
        id: `${g.dir}/${name.replace(/\.yml$/, "")}`,
        description: h.description,
        expect: h.expects.map((e) => parseExpect(e, g.target)),
        neverEcho: h.neverEcho,
        limitMs: 2000,
        build(repo) {
          writeBaseRepo(repo);
          writeFileSync(join(repo, g.target), text);
        },
      });
    }
  }
  return out;
}

/** A tiny deterministic PRNG so generated data is the same on every run (the emulator's mulberry32). */
export const prng = mulberry32;

const WORDS =
  "account balance pizza order cancel refund weather flight hotel booking music play stop alarm timer reminder calendar meeting email phone call message translate spell define recipe restaurant taxi train bus ticket price stock news sport score game movie song volume light door lock heat cool fan garden water plant shop list cart delivery track parcel return exchange bank card transfer loan insurance claim doctor appointment pharmacy".split(
    " ",
  );

/** A random sentence of 4–9 words. */
function sentence(r: () => number): string {
  const n = 4 + Math.floor(r() * 6);
  return Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(" ");
}

const q = (s: string) => JSON.stringify(s);

function intentFile(name: string, examples: string[]): string {
  return `intent: ${name}\nexamples:\n${examples.map((e) => `  - ${q(e)}\n`).join("")}`;
}

function writeHostile(repo: string, content: string | Buffer, target = HOSTILE_INTENT): void {
  writeBaseRepo(repo);
  writeFileSync(join(repo, target), content);
}

function gen(c: Omit<HostileCase, "neverEcho" | "limitMs"> & Partial<Pick<HostileCase, "neverEcho" | "limitMs">>): HostileCase {
  return { neverEcho: [], limitMs: 2000, ...c, id: `generated/${c.id}` };
}

const yamlError = (match?: RegExp, line?: number, file = HOSTILE_INTENT): Expectation => ({ kind: "finding", rule: "yaml", file, line, match });

function generatedCases(): HostileCase[] {
  const MB = 1024 * 1024;
  const cases: HostileCase[] = [
    gen({
      id: "huge-file-6mb",
      description: "a 6 MB intent file (over the 5 MB limit)",
      heavy: true,
      build: (repo) => writeHostile(repo, intentFile("Huge", Array.from({ length: 150_000 }, (_, i) => `huge utterance number ${i} with some padding`))),
      expect: [yamlError(/limit/, 0)],
    }),
    gen({
      id: "utterance-1mb",
      description: "one utterance of 1 MB",
      build: (repo) => writeHostile(repo, `intent: Big\nexamples:\n  - short one here\n  - ${"pizza ".repeat(MB / 6)}\n`),
      expect: [{ kind: "finding", rule: "length", file: HOSTILE_INTENT, line: 4 }],
    }),
    gen({
      id: "test-utterance-1mb",
      description: "a held-out test of 1 MB in a test set",
      build: (repo) => writeHostile(repo, `- text: ${q("hello ".repeat(MB / 6))}\n  expect: Greeting\n`, HOSTILE_TESTS),
      expect: [{ kind: "finding", rule: "length", file: HOSTILE_TESTS, line: 1 }],
    }),
    gen({
      id: "invalid-utf8",
      description: "invalid UTF-8 bytes on line 4",
      build: (repo) => writeHostile(repo, Buffer.concat([Buffer.from("intent: Bad\nexamples:\n  - fine text\n  - bad "), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(" text\n")])),
      expect: [yamlError(/UTF-8/, 4)],
    }),
    gen({
      id: "latin1",
      description: "a Latin-1 encoded file (ö as one byte) on line 3",
      build: (repo) => writeHostile(repo, Buffer.from("intent: Latin\nexamples:\n  - ich m\xf6chte pizza\n", "latin1")),
      expect: [yamlError(/UTF-8/, 3)],
    }),
    gen({
      id: "overlong-utf8",
      description: "an overlong UTF-8 encoding of '/' (0xC0 0xAF) on line 2",
      build: (repo) => writeHostile(repo, Buffer.concat([Buffer.from("intent: Overlong\nexamples: [a"), Buffer.from([0xc0, 0xaf]), Buffer.from("b]\n")])),
      expect: [yamlError(/UTF-8/, 2)],
    }),
    gen({
      id: "utf16",
      description: "a UTF-16 LE file with a BOM",
      build: (repo) => writeHostile(repo, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("intent: Wide\nexamples: [hello there]\n", "utf16le")])),
      expect: [yamlError(/UTF-16/, 1)],
    }),
    gen({
      id: "nul-byte",
      description: "a NUL byte on line 5",
      build: (repo) => writeHostile(repo, Buffer.from("intent: Nul\nexamples:\n  - one\n  - two\n  - th\0ree\n")),
      expect: [yamlError(/binary|NUL/, 5)],
    }),
    gen({
      id: "binary-png",
      description: "random binary data (a PNG header and 64 kB of noise) named .yml",
      build: (repo) => {
        const r = prng(7);
        const noise = Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(r() * 256)));
        writeHostile(repo, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise]));
      },
      expect: [yamlError(/binary|UTF-8|NUL/)],
    }),
    gen({
      id: "utf8-bom",
      description: "a UTF-8 BOM before valid content (accepted)",
      build: (repo) => writeHostile(repo, `\ufeffintent: WithBom\nexamples: [order with a bom, another bom order, third bom order]\n`),
      expect: [{ kind: "ok", intents: 3 }],
    }),
    gen({
      id: "crlf-valid",
      description: "CRLF line endings in a valid file (accepted)",
      build: (repo) => writeHostile(repo, "intent: Windows\r\nexamples:\r\n  - crlf order one\r\n  - crlf order two\r\n"),
      expect: [{ kind: "ok", intents: 3 }],
    }),
    gen({
      id: "deep-block-maps",
      description: "3,100 nested block maps (4.8 MB of indentation, under the size limit)",
      build: (repo) => writeHostile(repo, `intent: Deep\nexamples:\n${Array.from({ length: 3100 }, (_, i) => `${" ".repeat(i + 1)}a:`).join("\n")}\n`),
      expect: [{ kind: "finding", rule: "yaml", file: HOSTILE_INTENT }],
    }),
    gen({
      id: "deep-block-seqs",
      description: "2,200 nested block sequences (4.8 MB of indentation)",
      build: (repo) => writeHostile(repo, `intent: Deep\nexamples:\n${Array.from({ length: 2200 }, (_, i) => `${" ".repeat(2 * i + 2)}-`).join("\n")} x\n`),
      expect: [{ kind: "finding", rule: "yaml", file: HOSTILE_INTENT }],
    }),
    gen({
      id: "deep-flow-seqs",
      description: "50,000 nested flow sequences on one line",
      build: (repo) => writeHostile(repo, `intent: Deep\nexamples: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`),
      expect: [{ kind: "finding", rule: "yaml", file: HOSTILE_INTENT, line: 2 }],
    }),
    gen({
      id: "deep-flow-maps",
      description: "20,000 nested flow maps",
      build: (repo) => writeHostile(repo, `intent: Deep\nx: ${"{a: ".repeat(20_000)}1${"}".repeat(20_000)}\nexamples: [deep one]\n`),
      expect: [{ kind: "finding", rule: "yaml", file: HOSTILE_INTENT, line: 2 }],
    }),
    gen({
      id: "intents-10k",
      description: "10,000 intent files",
      heavy: true,
      limitMs: 20_000,
      build: (repo) => {
        writeBaseRepo(repo);
        const r = prng(10_000);
        const dir = join(repo, FLOW_DIR, "intents");
        for (let i = 0; i < 10_000; i++) writeFileSync(join(dir, `i${i}.yml`), intentFile(`Intent${i}`, [`${sentence(r)} ${i}a`, `${sentence(r)} ${i}b`, `${sentence(r)} ${i}c`]));
      },
      // more than Cognigy's 2,500 intents and 10,000 sentences per flow: the limits check says so (and nothing else fails),
      // at the first intent (file order) and the first example over the cap (3 examples per file)
      expect: [
        { kind: "finding", rule: "flow-limit", file: `${FLOW_DIR}/intents/${INTENTS_10K[2_500]}`, line: 1, match: /10,002 intents, more than Cognigy's cap of 2,500/ },
        { kind: "finding", rule: "flow-limit", file: `${FLOW_DIR}/intents/${INTENTS_10K[3_333]}`, line: 4, match: /30,006 example sentences in en-US, more than Cognigy's cap of 10,000/ },
      ],
    }),
    gen({
      id: "examples-60k",
      description: "60,000 examples in one intent (4 MB)",
      heavy: true,
      limitMs: 20_000,
      build: (repo) => {
        const r = prng(60_000);
        writeHostile(repo, intentFile("Many", Array.from({ length: 60_000 }, (_, i) => `${sentence(r)} ${i}`)));
      },
      expect: [{ kind: "finding", rule: "max-examples", file: HOSTILE_INTENT }],
    }),
    gen({
      id: "tests-20k",
      description: "20,000 entries in one test set",
      heavy: true,
      limitMs: 10_000,
      build: (repo) => {
        const r = prng(20_000);
        writeHostile(repo, Array.from({ length: 20_000 }, (_, i) => `- text: ${q(`${sentence(r)} ${i}`)}\n  expect: ${i % 2 ? "Greeting" : "Goodbye"}\n`).join(""), HOSTILE_TESTS);
      },
      expect: [{ kind: "ok" }],
    }),
    gen({
      id: "comments-200k",
      description: "200,000 comment lines before an error on the last line",
      build: (repo) => writeHostile(repo, `${"# a comment line\n".repeat(200_000)}intent: Late\nexamples: [unclosed\n`),
      expect: [yamlError(/invalid YAML/)],
    }),
    gen({
      id: "long-line-2mb",
      description: "one 2 MB line without a newline",
      build: (repo) => writeHostile(repo, `intent: ${"x".repeat(2 * MB)}`),
      expect: [{ kind: "finding", rule: "schema", file: HOSTILE_INTENT, line: 1, match: /intent/ }],
    }),
    gen({
      id: "anchor-reuse-many",
      description: "one anchor aliased 5,000 times",
      build: (repo) => writeHostile(repo, `intent: Aliases\ntags: &t [food]\nexamples:\n${"  - *t\n".repeat(5000)}`),
      expect: [yamlError(/alias/)],
    }),
    gen({
      id: "symlink-file-outside",
      description: "an intent file that is a symlink to a file outside the repository",
      build: (repo, sandbox) => {
        writeBaseRepo(repo);
        writeFileSync(join(sandbox, "outside.yml"), intentFile("Outside", [OUTSIDE_MARKER, "second outside example"]));
        symlinkSync(join(sandbox, "outside.yml"), join(repo, HOSTILE_INTENT));
      },
      expect: [yamlError(/outside the repository/, 0)],
      neverEcho: [OUTSIDE_MARKER],
    }),
    gen({
      id: "symlink-etc-passwd",
      description: "an intent file that is a symlink to /etc/passwd",
      build: (repo) => {
        writeBaseRepo(repo);
        symlinkSync("/etc/passwd", join(repo, HOSTILE_INTENT));
      },
      expect: [yamlError(/outside the repository/, 0)],
      neverEcho: ["root:x:0:0"],
    }),
    gen({
      id: "symlink-relative-traversal",
      description: "a relative symlink ../../../../outside.yml",
      build: (repo, sandbox) => {
        writeBaseRepo(repo);
        writeFileSync(join(sandbox, "outside.yml"), intentFile("Outside", [OUTSIDE_MARKER, "second outside example"]));
        symlinkSync("../../../../outside.yml", join(repo, HOSTILE_INTENT));
      },
      expect: [yamlError(/outside the repository/, 0)],
      neverEcho: [OUTSIDE_MARKER],
    }),
    gen({
      id: "symlink-inside",
      description: "a symlink to another file inside the repository (followed)",
      build: (repo) => {
        writeBaseRepo(repo);
        mkdirSync(join(repo, "shared"));
        writeFileSync(join(repo, "shared", "linked.yml"), intentFile("Linked", ["linked order one", "linked order two", "linked order three"]));
        symlinkSync(join(repo, "shared", "linked.yml"), join(repo, HOSTILE_INTENT));
      },
      expect: [{ kind: "ok", intents: 3 }],
    }),
    gen({
      id: "symlink-loop",
      description: "two symlinks pointing at each other",
      build: (repo) => {
        writeBaseRepo(repo);
        symlinkSync("loop-b.yml", join(repo, FLOW_DIR, "intents", "hostile.yml"));
        symlinkSync("hostile.yml", join(repo, FLOW_DIR, "intents", "loop-b.yml"));
      },
      expect: [yamlError(/loop/, 0)],
    }),
    gen({
      id: "symlink-broken",
      description: "a symlink whose target does not exist",
      build: (repo) => {
        writeBaseRepo(repo);
        symlinkSync("does-not-exist.yml", join(repo, HOSTILE_INTENT));
      },
      expect: [yamlError(/broken/, 0)],
    }),
    gen({
      id: "symlink-intents-dir-outside",
      description: "the intents/ folder is a symlink to a folder outside the repository",
      build: (repo, sandbox) => {
        writeBaseRepo(repo);
        mkdirSync(join(sandbox, "outside-intents"), { recursive: true });
        writeFileSync(join(sandbox, "outside-intents", "x.yml"), intentFile("Outside", [OUTSIDE_MARKER, "second outside example"]));
        const intents = join(repo, FLOW_DIR, "intents");
        execFileSync("rm", ["-rf", intents]);
        symlinkSync(join(sandbox, "outside-intents"), intents);
      },
      expect: [{ kind: "finding", rule: "yaml", file: `${FLOW_DIR}/intents`, match: /outside the repository/ }],
      neverEcho: [OUTSIDE_MARKER],
    }),
    gen({
      id: "symlink-flow-dir-outside",
      description: "the flow folder (dir) is a symlink to a folder outside the repository",
      build: (repo, sandbox) => {
        writeBaseRepo(repo);
        mkdirSync(join(sandbox, "outside-flow", "intents"), { recursive: true });
        writeFileSync(join(sandbox, "outside-flow", "intents", "x.yml"), intentFile("Outside", [OUTSIDE_MARKER, "second outside example"]));
        execFileSync("rm", ["-rf", join(repo, FLOW_DIR)]);
        symlinkSync(join(sandbox, "outside-flow"), join(repo, FLOW_DIR));
      },
      expect: [{ kind: "config", match: /outside the repository/ }],
      neverEcho: [OUTSIDE_MARKER],
    }),
    gen({
      id: "fifo",
      description: "a named pipe called hostile.yml (reading it would block forever)",
      build: (repo) => {
        writeBaseRepo(repo);
        execFileSync("mkfifo", [join(repo, HOSTILE_INTENT)]);
      },
      expect: [yamlError(/not a regular file/, 0)],
    }),
    gen({
      id: "directory-named-yml",
      description: "a folder named x.yml inside intents/ (skipped)",
      build: (repo) => {
        writeBaseRepo(repo);
        mkdirSync(join(repo, FLOW_DIR, "intents", "folder.yml"));
        writeFileSync(join(repo, FLOW_DIR, "intents", "folder.yml", "inner.yml"), "this: [is not read\n");
      },
      expect: [{ kind: "ok", intents: 2 }],
    }),
    gen({
      id: "filename-unicode-spaces",
      description: "a file name with spaces, unicode and a percent sign",
      build: (repo) => {
        writeBaseRepo(repo);
        writeFileSync(join(repo, FLOW_DIR, "intents", "ünï cödé 100%.yml"), "intent: Unicode\nexamples: [unclosed\n");
      },
      expect: [{ kind: "finding", rule: "yaml", file: `${FLOW_DIR}/intents/ünï cödé 100%.yml` }],
    }),
    gen({
      id: "filename-workflow-command",
      description: "a file name carrying a newline and a GitHub workflow command (annotation injection)",
      format: "github",
      build: (repo) => {
        writeBaseRepo(repo);
        writeFileSync(join(repo, FLOW_DIR, "intents", "evil\n::error file=x::pwned.yml"), "intent: Evil\nexamples: [unclosed\n");
      },
      expect: [{ kind: "finding", rule: "yaml", file: `${FLOW_DIR}/intents/evil\n::error file=x::pwned.yml` }],
    }),
    gen({
      id: "utterance-workflow-command",
      description: "utterances carrying workflow commands and %0A (annotation injection through a quoted finding)",
      format: "github",
      build: (repo) =>
        writeHostile(repo, `intent: Inject\nexamples:\n  - "x\\n::error::pwned-by-utterance"\n  - "%0A::warning::pwned-by-percent"\n  - "::set-output name=x::pwned"\n  - "y"\n`),
      expect: [{ kind: "finding", rule: "length", file: HOSTILE_INTENT, line: 6 }],
    }),
    gen({
      id: "config-huge",
      description: "a 2 MB config file",
      build: (repo) => writeBaseRepo(repo, `${BASE_CONFIG}# ${"x".repeat(2 * MB)}\n`),
      expect: [{ kind: "config", match: /limit/ }],
    }),
    gen({
      id: "config-invalid-utf8",
      description: "invalid UTF-8 bytes in the config's project name (line 3)",
      build: (repo) => writeBaseRepo(repo, Buffer.concat([Buffer.from("cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Caf"), Buffer.from([0xe9]), Buffer.from(BASE_CONFIG.slice(BASE_CONFIG.indexOf("\nflows:")))]) as unknown as string),
      expect: [{ kind: "config", match: /UTF-8/ }],
    }),
    gen({
      id: "config-utf16",
      description: "a UTF-16 config",
      build: (repo) => writeBaseRepo(repo, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BASE_CONFIG, "utf16le")]) as unknown as string),
      expect: [{ kind: "config" }],
    }),
    gen({
      id: "config-is-directory",
      description: "cognigy-nlu.yml is a folder",
      build: (repo) => {
        writeBaseRepo(repo);
        execFileSync("rm", [join(repo, "cognigy-nlu.yml")]);
        mkdirSync(join(repo, "cognigy-nlu.yml"));
      },
      expect: [{ kind: "config", match: /not a file/ }],
    }),
    gen({
      id: "config-deep-flow",
      description: "50,000 nested flow sequences in the config",
      build: (repo) => writeBaseRepo(repo, `${BASE_CONFIG}x: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`),
      expect: [{ kind: "config", line: 13 }],
    }),
    gen({
      id: "config-deep-block",
      description: "1,200 nested block maps in the config",
      build: (repo) => writeBaseRepo(repo, `${BASE_CONFIG}x:\n${Array.from({ length: 1200 }, (_, i) => `${" ".repeat(i + 1)}a:`).join("\n")} 1\n`),
      expect: [{ kind: "config" }],
    }),
  ];
  return cases;
}

/** Every case, fixtures first. */
export function hostileCases(): HostileCase[] {
  const all = [...fixtureCases(), ...generatedCases()];
  const ids = new Set<string>();
  for (const c of all) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  return all;
}
