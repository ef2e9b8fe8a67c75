// YAML text → a positioned document, with every YAML-level problem as a `yaml` finding (never a throw).
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { finding } from "../checks/finding.js";
import type { Finding } from "../checks/types.js";
import { fastYaml, MAX_NESTING, NestingTooDeep } from "./fast-yaml.js";
import type { PNode, Pos, PPair } from "./tree.js";

/** Alias expansions allowed per file (a "billion laughs" document stops here). */
export const MAX_ALIAS_EXPANSIONS = 100;
/** At most this many YAML errors are reported per file. */
const MAX_ERRORS_PER_FILE = 5;

export interface ParsedYaml {
  /** The document tree (undefined when the file is unusable: see findings). */
  root?: PNode;
  findings: Finding[];
}

const TAB_INDENT = /^ *\t/gm;

/** The key text at an offset (for naming the duplicate key in a message). */
function keyAt(text: string, offset: number): string {
  const m = /^[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^:#\n]*?))[ \t]*:/.exec(text.slice(offset, offset + 200));
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? "").trim();
}

/** Map keys that name JavaScript object internals: never read as data (prototype pollution, silently dropped keys). */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

class AliasBomb extends Error {}
/** An alias without an anchor before it (`*nope`), or one inside the collection it names (a loop): the file is not usable. */
class BadAlias extends Error {
  constructor(
    readonly alias: string,
    readonly at: Pos,
    readonly loop: boolean,
  ) {
    super(`${loop ? "looping" : "unknown"} alias *${alias}`);
  }
}

function tooDeep(file: string, line: number): Finding {
  return finding("yaml", { file, line, column: 1 }, `nesting deeper than ${MAX_NESTING} levels; training files need only a few`, {
    hint: "flatten the file: an intent file is a map with 'intent:' and 'examples:' (a list, or locales → lists)",
  });
}

/**
 * Removes map keys in RESERVED_KEYS from the tree (in place), with a `schema` finding for each. The tree is at most
 * MAX_NESTING deep (both readers refuse deeper documents), so the walk is bounded.
 */
function dropReservedKeys(root: PNode, file: string, findings: Finding[]): void {
  const stack: PNode[] = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === "seq") {
      for (const i of n.items) if (i.type !== "scalar") stack.push(i);
    } else if (n.type === "map") {
      if (n.pairs.some((p) => RESERVED_KEYS.has(p.key))) {
        for (const p of n.pairs)
          if (RESERVED_KEYS.has(p.key))
            findings.push(
              finding("schema", { file, ...p.keyPos }, `'${p.key}' is a reserved key and not allowed (it names a JavaScript object internal)`, {
                hint: "remove the key; training files use only intent, description, tags, disabled, reject, examples, tests (and locale keys)",
              }),
            );
        n.pairs = n.pairs.filter((p) => !RESERVED_KEYS.has(p.key));
      }
      for (const p of n.pairs) if (p.value.type !== "scalar") stack.push(p.value);
    }
  }
}

/**
 * yaml's document → the positioned tree; aliases expanded within a budget (a "billion laughs" file stops early),
 * nesting within MAX_NESTING (a finding, and the walk stops).
 */
function convert(doc: Document.Parsed, lc: LineCounter, text: string, file: string, findings: Finding[]): PNode {
  let aliases = 0;
  let nodes = 0;
  /** The collections being walked (an alias to one of them is a loop). */
  const open = new Set<Node>();
  const maxNodes = text.length + 10_000;
  const pos = (n: Node | null | undefined): Pos => {
    const off = n?.range?.[0];
    if (off === undefined) return { line: 1, column: 1 };
    const p = lc.linePos(off);
    return { line: p.line, column: p.col };
  };
  const walk = (raw: unknown, fallback: Pos, depth: number): PNode => {
    if (++nodes > maxNodes) throw new AliasBomb();
    let n = raw as Node | null | undefined;
    if (isAlias(n)) {
      if (++aliases > MAX_ALIAS_EXPANSIONS) throw new AliasBomb();
      const target = n.resolve(doc) as Node | undefined;
      if (target === undefined || open.has(target)) throw new BadAlias(n.source, pos(n), target !== undefined);
      n = target;
    }
    if (n === null || n === undefined) return { type: "scalar", value: null, pos: fallback };
    if (isScalar(n)) return { type: "scalar", value: n.value === undefined ? null : n.value, pos: n.range ? pos(n) : fallback };
    if (!isSeq(n) && !isMap(n)) return { type: "scalar", value: null, pos: fallback };
    if (depth > MAX_NESTING) throw new NestingTooDeep(pos(n).line);
    open.add(n);
    const node = collection(n, depth);
    open.delete(n);
    return node;
  };
  const collection = (n: YAMLSeq | YAMLMap, depth: number): PNode => {
    if (isSeq(n)) return { type: "seq", items: n.items.map((i) => walk(i, pos(n), depth + 1)), pos: pos(n) };
    const pairs: PPair[] = [];
    for (const p of n.items) {
      const k = p.key as Node | null;
      const keyPos = k ? pos(k) : pos(n);
      if (!isScalar(k) || (k.value !== null && typeof k.value === "object")) {
        findings.push(finding("schema", { file, ...keyPos }, "a complex (non-text) map key; keys must be plain words", { hint: "use a plain key such as 'examples'" }));
        continue;
      }
      pairs.push({ key: String(k.value), keyPos, value: walk(p.value, keyPos, depth + 1) });
    }
    return { type: "map", pairs, pos: pos(n) };
  };
  return walk(doc.contents, { line: 1, column: 1 }, 1);
}

/**
 * Parses one YAML file's text. `file` is the repository-relative path used in findings. Never throws.
 * Plain files take the fast reader; anything else (and `fast: false`) goes through the `yaml` package.
 */
export function parseYaml(text: string, file: string, opts: { fast?: boolean } = {}): ParsedYaml {
  const findings: Finding[] = [];
  let fast: PNode | undefined;
  try {
    fast = opts.fast === false ? undefined : fastYaml(text);
  } catch (e) {
    if (!(e instanceof NestingTooDeep)) throw e;
    return { findings: [tooDeep(file, e.line)] };
  }
  if (fast) {
    dropReservedKeys(fast, file, findings);
    return { root: fast, findings };
  }
  if (text.includes("\t")) {
    TAB_INDENT.lastIndex = 0;
    for (let m = TAB_INDENT.exec(text); m && findings.length < MAX_ERRORS_PER_FILE; m = TAB_INDENT.exec(text)) {
      const line = text.slice(0, m.index).split("\n").length;
      findings.push(
        finding("yaml", { file, line, column: m[0].length }, "a tab is used for indentation; YAML allows only spaces", {
          hint: "replace the tab with spaces (set your editor to insert spaces in YAML files)",
        }),
      );
    }
    if (findings.length) return { findings };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false, logLevel: "error" });
  if (doc.errors.length) {
    for (const e of doc.errors.slice(0, MAX_ERRORS_PER_FILE)) {
      const p = lc.linePos(e.pos[0]);
      const at = { file, line: p.line, column: p.col };
      if (e.code === "DUPLICATE_KEY") {
        const k = keyAt(text, e.pos[0]);
        findings.push(
          finding("yaml", at, `duplicate key${k ? ` '${k}'` : ""}: a key may appear only once in a map`, {
            hint: "merge the two entries into one (the second one would silently replace the first)",
          }),
        );
      } else if (/call stack/i.test(e.message)) {
        // `yaml` recurses per level and reports running out of stack as an error: say what it means (once).
        if (!findings.some((f) => f.message.startsWith("nesting deeper"))) findings.push(tooDeep(file, p.line));
      } else if (e.code === "MULTIPLE_DOCS") {
        findings.push(finding("yaml", at, "more than one YAML document ('---') in the file", { hint: "keep one intent per file" }));
      } else {
        findings.push(finding("yaml", at, `invalid YAML: ${e.message.split("\n")[0]}`, { hint: "check quoting and indentation on this line and the one above" }));
      }
    }
    if (doc.errors.length > MAX_ERRORS_PER_FILE)
      findings.push(finding("yaml", { file, line: 0, column: 0 }, `${doc.errors.length - MAX_ERRORS_PER_FILE} more YAML errors in this file`));
    return { findings };
  }
  try {
    const root = convert(doc, lc, text, file, findings);
    dropReservedKeys(root, file, findings);
    return { root, findings };
  } catch (e) {
    if (e instanceof NestingTooDeep) return { findings: [...findings, tooDeep(file, e.line)] };
    if (e instanceof BadAlias)
      return {
        findings: [
          ...findings,
          e.loop
            ? finding("yaml", { file, ...e.at }, `alias *${e.alias} is inside the collection it names: an endless loop`, { hint: "write the values out instead of using anchors and aliases" })
            : finding("yaml", { file, ...e.at }, `unknown alias *${e.alias}: no anchor &${e.alias} is defined before it`, {
                hint: `define the anchor (&${e.alias}) before the alias, or write the value out`,
              }),
        ],
      };
    if (!(e instanceof AliasBomb)) throw e;
    findings.push(
      finding("yaml", { file, line: 1, column: 1 }, `too many alias expansions (limit ${MAX_ALIAS_EXPANSIONS}): the file expands to a huge document`, {
        hint: "write the values out instead of using anchors and aliases",
      }),
    );
    return { findings };
  }
}
