// Reads cognigy-nlu.yml: YAML with positions, then the zod schema; every error names file:line and the key.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, parse as parseYaml, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { didYouMean } from "../checks/suggest.js";
import { decodeUtf8, isUtf16 } from "../dataset/files.js";
import { fastYaml } from "../dataset/fast-yaml.js";
import { type PNode, positionAt, toData } from "../dataset/tree.js";
import { RESERVED_KEYS } from "../dataset/yaml.js";
import { ConfigError } from "../errors.js";
import { isInside } from "../io/safe-fs.js";
import { fastConfig } from "./fast-config.js";
import { type Config, configSchema } from "./schema.js";

const MAX_CONFIG_BYTES = 1024 * 1024;

/** Finds the YAML node at a zod issue path, for its line number. */
function nodeAt(root: YamlNode | null | undefined, path: PropertyKey[]): YamlNode | undefined {
  let node: YamlNode | null | undefined = root;
  let last: YamlNode | undefined = root ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) return last;
      last = (pair.key as YamlNode) ?? last;
      node = pair.value as YamlNode | null;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key] as YamlNode | null;
    } else return last;
    if (node) last = node;
  }
  return last;
}

function lineOf(lc: LineCounter, node: YamlNode | undefined): { line: number; col: number } {
  const off = node?.range?.[0];
  if (off === undefined) return { line: 1, col: 1 };
  return lc.linePos(off);
}

type AnySchema = { _zod: { def: Record<string, unknown> & { type: string } } };

/** Looks through wrappers (default, optional, pipe, …) to the schema that holds the shape. */
function unwrap(s: AnySchema | undefined): AnySchema | undefined {
  for (let i = 0; s && i < 20; i++) {
    const d = s._zod.def;
    if (["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"].includes(d.type)) s = d.innerType as AnySchema;
    else if (d.type === "pipe") s = d.in as AnySchema;
    else return s;
  }
  return s;
}

/** The keys the schema allows for the object at a data path (for did-you-mean on unknown keys). */
export function allowedKeys(schema: AnySchema, path: PropertyKey[]): string[] {
  const keysOf = (x: AnySchema | undefined): string[] => {
    const u = unwrap(x);
    if (!u) return [];
    const d = u._zod.def;
    if (d.type === "object") return Object.keys(d.shape as object);
    if (d.type === "record") {
      const k = unwrap(d.keyType as AnySchema)?._zod.def;
      return k?.type === "enum" ? Object.values(k.entries as Record<string, string>) : [];
    }
    if (d.type === "union") return (d.options as AnySchema[]).flatMap(keysOf);
    return [];
  };
  let s: AnySchema | undefined = schema;
  for (const k of path) {
    const u = unwrap(s);
    if (!u) return [];
    const d = u._zod.def;
    if (d.type === "object") s = (d.shape as Record<string, AnySchema>)[String(k)];
    else if (d.type === "array") s = d.element as AnySchema;
    else if (d.type === "record") s = d.valueType as AnySchema;
    else if (d.type === "union") s = (d.options as AnySchema[]).find((o) => unwrap(o)?._zod.def.type === "object");
    else return [];
  }
  return keysOf(s);
}

export function formatZodIssues(file: string, issues: z.core.$ZodIssue[], doc: YamlNode | null | undefined, lc: LineCounter): string {
  const lines: string[] = [];
  for (const i of issues.slice(0, 20)) {
    const key = i.path.length ? i.path.join(".") : "(top level)";
    if (i.code === "unrecognized_keys") {
      const allowed = allowedKeys(configSchema as unknown as AnySchema, i.path as PropertyKey[]);
      for (const k of i.keys) {
        const parent = nodeAt(doc, i.path as PropertyKey[]);
        const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === k) : undefined;
        const at = lineOf(lc, (pair?.key as YamlNode | undefined) ?? parent);
        const dym = didYouMean(k, allowed);
        lines.push(`${file}:${at.line}:${at.col}: ${key}: unknown key '${k}'${dym ? ` (did you mean '${dym}'?)` : allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""}`);
      }
      continue;
    }
    const at = lineOf(lc, nodeAt(doc, i.path));
    lines.push(`${file}:${at.line}:${at.col}: ${key}: ${i.message}`);
  }
  return lines.join("\n");
}

/** The config's bytes as text: strict UTF-8 (never silent U+FFFD replacements), else a ConfigError naming file:line. */
function decodeConfig(bytes: Uint8Array, shown: string): string {
  if (isUtf16(bytes)) throw new ConfigError(`${shown}:1:1: the config file is UTF-16; only UTF-8 is supported`, "save cognigy-nlu.yml as UTF-8");
  const decoded = decodeUtf8(bytes);
  if ("text" in decoded) return decoded.text;
  const { line, column, offset } = decoded.invalid;
  throw new ConfigError(
    `${shown}:${line}:${column}: not valid UTF-8 (byte 0x${bytes[offset].toString(16).toUpperCase().padStart(2, "0")})`,
    "save cognigy-nlu.yml as UTF-8 (it looks like Latin-1 / Windows-1252)",
  );
}

/** Throws a ConfigError at the first reserved key (__proto__, constructor, prototype) in the document, before it becomes JavaScript data. */
function rejectReservedKeys(root: YamlNode | null, lc: LineCounter, shown: string): void {
  // Depth first in document order (children pushed in reverse); iterative, whatever the nesting.
  const stack: unknown[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (isPair(n)) {
      if (isScalar(n.key) && RESERVED_KEYS.has(String(n.key.value))) {
        const at = lineOf(lc, n.key as YamlNode);
        throw new ConfigError(`${shown}:${at.line}:${at.col}: '${String(n.key.value)}' is not allowed as a key (a reserved JavaScript name)`, "remove the key");
      }
      stack.push(n.value, n.key);
    } else if (isMap(n) || isSeq(n)) for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
  }
}

/** Loads and validates the config file. Throws ConfigError (exit 2) with file:line on any problem. */
export function loadConfig(configPath: string, cwd = process.cwd()): { config: Config; path: string; root: string } {
  const path = isAbsolute(configPath) ? configPath : resolve(cwd, configPath);
  const shown = relative(cwd, path) || path;
  let bytes: Buffer;
  try {
    // A config inside the repository that is (or sits under) a link to somewhere outside it is refused before it is
    // read: its content (even its keys, in an error) must not come from a file the PR pointed at.
    if (isInside(cwd, path)) {
      const real = realpathSync.native(path);
      let realCwd = cwd;
      try {
        realCwd = realpathSync.native(cwd);
      } catch {
        // keep cwd
      }
      if (!isInside(realCwd, real)) throw new ConfigError(`${shown}: the config file is a symbolic link to a file outside the repository; not read`, "commit the config file itself, not a link");
    }
    const st = statSync(path);
    if (!st.isFile()) throw new ConfigError(`${shown}: not a file`);
    if (st.size > MAX_CONFIG_BYTES) throw new ConfigError(`${shown}: the config file is ${st.size} bytes (limit ${MAX_CONFIG_BYTES})`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${shown}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "pass --config PATH, or create cognigy-nlu.yml at the repository root (see README)");
  }
  const text = decodeConfig(bytes, shown);
  const { config, where } = parseConfig(text, shown);
  const root = resolve(path, "..");
  for (const [i, f] of config.flows.entries()) {
    const dir = resolve(root, f.dir);
    if (dir !== root && !dir.startsWith(root + sep)) {
      const at = where(["flows", i, "dir"]);
      throw new ConfigError(`${shown}:${at.line}:${at.col}: flows.${i}.dir: '${f.dir}' points outside the repository`, "use a folder inside the repository, e.g. training-data/main");
    }
  }
  return { config, path, root };
}

/** Config data (YAML already read) → the parsed Config, or undefined when it is not valid; zod only for data the fast path leaves to it. */
export function configFromData(data: unknown): Config | undefined {
  const fast = fastConfig(data);
  if (fast) return fast;
  const parsed = configSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/** Config text → the parsed Config, or undefined when it is not valid YAML or not a valid config (the base branch's copy). */
export function configFromText(text: string): Config | undefined {
  const fast = fastParse(text);
  if (fast) return fast.config;
  try {
    return configFromData(parseYaml(text, { maxAliasCount: 100, logLevel: "error" }) ?? {});
  } catch {
    return undefined;
  }
}

/** Parses config text (YAML, reserved keys, schema). `shown` names the file in errors. Used for the base branch's copy too. */
export function parseConfigText(text: string, shown: string): Config {
  return parseConfig(text, shown).config;
}

/** A data path's place in the file (for messages). */
type Where = (path: PropertyKey[]) => { line: number; col: number };

/**
 * The common case without the `yaml` package or zod: text in the plain subset (fastYaml), no reserved key, and a config
 * the fast schema path accepts. Undefined otherwise: parseConfig's full path reads it and words every error.
 */
function fastParse(text: string): { config: Config; where: Where } | undefined {
  let root: PNode | undefined;
  try {
    root = fastYaml(text);
  } catch {
    return undefined; // nested too deep: the full path reports it
  }
  if (root?.type !== "map" || hasReservedKey(root)) return undefined;
  const config = fastConfig(toData(root));
  if (!config) return undefined;
  return {
    config,
    where: (path) => {
      const p = positionAt(root, path);
      return { line: p.line, col: p.column };
    },
  };
}

function hasReservedKey(node: PNode): boolean {
  if (node.type === "map") return node.pairs.some((p) => RESERVED_KEYS.has(p.key) || hasReservedKey(p.value));
  if (node.type === "seq") return node.items.some(hasReservedKey);
  return false;
}

function parseConfig(text: string, shown: string): { config: Config; where: Where } {
  const quick = fastParse(text);
  if (quick) return quick;
  const lc = new LineCounter();
  // logLevel "error": `yaml` would print warnings (a collection used as a key, with the key's text) to stderr, i.e. the
  // Actions log, unescaped; the schema reports such keys instead
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, logLevel: "error" });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = lc.linePos(e.pos[0]);
    throw new ConfigError(`${shown}:${at.line}:${at.col}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  rejectReservedKeys(doc.contents as YamlNode | null, lc, shown);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${shown}: invalid YAML: ${(e as Error).message}`);
  }
  const where: Where = (path) => lineOf(lc, nodeAt(doc.contents as YamlNode, path));
  const fast = fastConfig(data ?? {});
  if (fast) return { config: fast, where };
  const parsed = configSchema.safeParse(data ?? {});
  if (!parsed.success) {
    throw new ConfigError(`invalid config:\n${formatZodIssues(shown, parsed.error.issues, doc.contents as YamlNode, lc)}`);
  }
  return { config: parsed.data, where };
}
