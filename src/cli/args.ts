// Parses argv against the command table and renders help: one-line usage errors with a did-you-mean, no raw parser text.
import { parseArgs } from "node:util";
import { didYouMean } from "../checks/suggest.js";
import { ConfigError } from "../errors.js";
import { VERSION } from "../version.js";
import { COMMANDS, type CommandSpec, type Flag, GLOBAL_FLAGS } from "./commands.js";

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export type Parsed =
  | { kind: "version" }
  | { kind: "usage"; error?: string }
  | { kind: "help"; command: string }
  | { kind: "run"; command: string; spec: CommandSpec; values: FlagValues; positionals: string[] };

/** A usage error: one line, exit 2. */
export class UsageError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const ALL_FLAGS: Record<string, Flag> = Object.assign({}, GLOBAL_FLAGS, ...Object.values(COMMANDS).map((c) => c.flags));

function flagsOf(spec: CommandSpec): Record<string, Flag> {
  return { ...spec.flags, ...GLOBAL_FLAGS };
}

/** What parseArgs needs: every flag of the table (the command's own are checked after, with better messages). */
function parseOptions(flags: Record<string, Flag>) {
  const o: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, f] of Object.entries(flags)) o[name] = { type: f.type === "boolean" ? "boolean" : "string", ...(f.short ? { short: f.short } : {}), ...(f.type === "list" ? { multiple: true } : {}) };
  o.version = { type: "boolean", short: "v" };
  return o;
}

const quote = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

export function parseCommandLine(argv: readonly string[]): Parsed {
  // Non-strict: unknown flags come back as tokens, and the messages below say what to type instead.
  const { tokens } = parseArgs({ args: [...argv], options: parseOptions(ALL_FLAGS), allowPositionals: true, strict: false, tokens: true });
  const positionals = tokens.filter((t) => t.kind === "positional").map((t) => t.value);
  const options = tokens.filter((t) => t.kind === "option");
  const name = positionals[0];
  const wantsHelp = options.some((t) => t.name === "help");
  if (!name) {
    if (options.some((t) => t.name === "version")) return { kind: "version" };
    return wantsHelp ? { kind: "usage" } : { kind: "usage", error: "no command given" };
  }
  const spec = COMMANDS[name];
  if (!spec) {
    const guess = didYouMean(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command ${quote(name)}${guess ? `; did you mean ${guess}?` : ""} (cognigy-nlu help lists the commands)`);
  }
  if (name === "help") {
    const about = positionals[1];
    if (!about) return { kind: "usage" };
    if (!COMMANDS[about]) {
      const guess = didYouMean(about, Object.keys(COMMANDS));
      throw new UsageError(`help: unknown command ${quote(about)}${guess ? `; did you mean ${guess}?` : ""}`);
    }
    return { kind: "help", command: about };
  }
  if (wantsHelp) return { kind: "help", command: name };

  const own = flagsOf(spec);
  const values: FlagValues = {};
  for (const t of options) {
    const shown = t.rawName;
    const f = own[t.name];
    if (!f) {
      if (t.name === "version") throw new UsageError(`${shown} goes alone: cognigy-nlu --version`);
      const known = Object.keys(own).filter((k) => k !== "help");
      const guess = didYouMean(t.name, known);
      const elsewhere = ALL_FLAGS[t.name] ? Object.entries(COMMANDS).filter(([, c]) => t.name in c.flags).map(([n]) => n) : [];
      // a flag of other commands is named as such; else the nearest of this command's flags
      const why = elsewhere.length ? `; it is a flag of ${elsewhere.slice(0, 3).join(", ")}${elsewhere.length > 3 ? ", …" : ""}` : guess ? `; did you mean --${guess}?` : "";
      throw new UsageError(`${name}: unknown flag ${quote(shown)}${why} (cognigy-nlu ${name} --help lists its flags)`);
    }
    if (f.type === "boolean") {
      if (t.value !== undefined) throw new UsageError(`${name}: ${shown} is a switch and takes no value (got ${quote(`${shown}=${t.value}`)})`);
      values[t.name] = true;
      continue;
    }
    const placeholder = f.value ?? "VALUE";
    if (t.value === undefined) throw new UsageError(`${name}: ${shown} needs a value (${shown} ${placeholder})`);
    // `--out --debug`: a flag taken as the value is a forgotten value
    if (!t.inlineValue && /^--?[a-z]/i.test(t.value) && own[t.value.replace(/^--?/, "").replace(/=.*$/, "")]) {
      throw new UsageError(`${name}: ${shown} needs a value (${shown} ${placeholder}), got the flag ${t.value}`);
    }
    if (f.choices && !f.choices.includes(t.value)) {
      const guess = didYouMean(t.value, f.choices);
      throw new UsageError(`${name}: ${shown} must be ${orList(f.choices)}, got ${quote(t.value)}${guess ? `; did you mean ${guess}?` : ""}`);
    }
    if (f.type === "list") values[t.name] = [...((values[t.name] as string[] | undefined) ?? []), t.value];
    else values[t.name] = t.value;
  }
  const rest = positionals.slice(1);
  if (rest.length && !spec.args) throw new UsageError(`${name} takes no arguments, got ${quote(rest[0])} (cognigy-nlu ${name} --help shows its usage)`);
  return { kind: "run", command: name, spec, values, positionals: rest };
}

function orList(xs: readonly string[]): string {
  return xs.length === 1 ? xs[0] : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;
}

/** `--out DIR` / `-o, --out DIR` / `--flow NAME…` */
function flagLabel(name: string, f: Flag): string {
  const value = f.type === "boolean" ? "" : ` ${f.value ?? "VALUE"}${f.type === "list" ? "…" : ""}`;
  return `${f.short ? `-${f.short}, ` : "    "}--${name}${value}`;
}

function flagNote(f: Flag): string {
  const type = f.type === "boolean" ? "switch" : f.type === "list" ? "repeatable" : f.choices ? f.choices.join(" | ") : f.type;
  return `(${type}${f.default !== undefined ? `; default: ${f.default}` : ""})`;
}

/** The global usage: commands and where to look next. */
export function usageText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    `cognigy-nlu ${VERSION}: keep a Cognigy.AI bot's NLU training data in git`,
    "",
    "usage: cognigy-nlu <command> [flags]",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    "",
    "cognigy-nlu <command> --help (or cognigy-nlu help <command>) lists a command's flags with defaults and examples.",
    "The API key is read from COGNIGY_API_KEY (never a flag). Exit codes: 0 ok; 1 a failed check, gate or step;",
    "2 a usage or setup error (bad flag or config, wrong key or project, host unreachable before any work).",
  ].join("\n");
}

/** One command's help: usage, every flag with its type and default, examples. */
export function commandHelp(name: string): string {
  const spec = COMMANDS[name];
  const flags = Object.entries(flagsOf(spec));
  const labels = flags.map(([n, f]) => flagLabel(n, f));
  const width = Math.min(34, Math.max(...labels.map((l) => l.length)));
  const lines = flags.map(([, f], i) => {
    const label = labels[i];
    const text = `${f.description} ${flagNote(f)}`;
    return label.length > width ? `  ${label}\n  ${" ".repeat(width)}  ${text}` : `  ${label.padEnd(width)}  ${text}`;
  });
  return [
    `cognigy-nlu ${name}: ${spec.summary}`,
    "",
    `usage: cognigy-nlu ${name}${spec.args ? ` ${spec.args}` : ""}${flags.length ? " [flags]" : ""}`,
    "",
    "flags:",
    ...lines,
    "",
    spec.examples.length > 1 ? "examples:" : "example:",
    ...spec.examples.map((e) => `  ${e}`),
  ].join("\n");
}
