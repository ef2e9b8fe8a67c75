// Runtime checks against the official @cognigy/rest-api-client types (Cognigy Proprietary License: devDependency for
// tests only, never bundled or copied). The TypeScript checker reads the package's own types/index.d.ts and a JSON value
// is walked against a named type: required fields present, primitive kinds right, and (for request bodies / queries)
// no field the type does not declare.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export interface CheckOptions {
  /** Unknown fields are errors (request bodies and queries); responses may carry more than their type. */
  exact?: boolean;
  /** Values come from a URL query: "5" satisfies number, "true" satisfies boolean. */
  query?: boolean;
}

export interface OfficialTypes {
  /** Problems of `value` against the type expression registered under `name` ([] = conforms). */
  check(name: string, value: unknown, opts?: CheckOptions): string[];
  /** The required top-level fields of a registered type (for messages and sanity checks). */
  required(name: string): string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
const PROBE = join(HERE, "__official_probe__.ts");

/**
 * Compiles one probe file with `export type <name> = <expression>` for every entry of `exprs` (expressions may use any
 * export of the package, e.g. `Omit<IIndexLearningSentencesRestData_2_0, "intentId">`). Takes a few seconds: call once per file.
 */
export function loadOfficialTypes(exprs: Record<string, string>): OfficialTypes {
  const names = Object.keys(exprs);
  const used = new Set<string>();
  for (const e of Object.values(exprs)) for (const m of e.matchAll(/\b(I[A-Za-z0-9_]+|T[A-Z][A-Za-z0-9_]+)\b/g)) used.add(m[1]);
  const text = `import type { ${[...used].join(", ")} } from "@cognigy/rest-api-client";\n${names.map((n) => `export type ${n} = ${exprs[n]};`).join("\n")}\n`;
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === PROBE ? text : readFile(f));
  host.fileExists = ((orig) => (f: string) => f === PROBE || orig(f))(host.fileExists.bind(host));
  host.getSourceFile = (f, lang, onError, create) => (f === PROBE ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, onError, create));
  const program = ts.createProgram([PROBE], options, host);
  const sf = program.getSourceFile(PROBE)!;
  const diags = ts.getPreEmitDiagnostics(program, sf).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diags.length) throw new Error(`official types: ${diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`);
  const checker = program.getTypeChecker();
  const types = new Map<string, ts.Type>();
  for (const st of sf.statements) {
    if (ts.isTypeAliasDeclaration(st)) types.set(st.name.text, checker.getTypeAtLocation(st.name));
  }

  const typeOf = (name: string) => {
    const t = types.get(name);
    if (!t) throw new Error(`official types: '${name}' is not registered`);
    return t;
  };

  function walk(type: ts.Type, v: unknown, path: string, opts: CheckOptions, depth: number): string[] {
    if (depth > 14) return [];
    // The package is compiled without strictNullChecks (tsconfig.types.json has no "strict"): in its own type system
    // null is a value of every type, so a field typed `string` may be null. Present-but-null satisfies a required field.
    if (v === null) return [];
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
    if (type.isUnion()) {
      let best: string[] | undefined;
      // the member a value was meant for: the one whose literal fields (e.g. op: "create") match, then the fewest problems
      const rank = (errs: string[]) => errs.filter((e) => /: expected "/.test(e)).length * 1000 + errs.length;
      for (const m of type.types) {
        const errs = walk(m, v, path, opts, depth + 1);
        if (!errs.length) return [];
        if (!best || rank(errs) < rank(best)) best = errs;
      }
      const kinds = type.types.map((m) => checker.typeToString(m)).join(" | ");
      return best && typeof v === "object" && v !== null ? best : [`${path || "(value)"}: ${show(v)} is none of ${kinds.slice(0, 200)}`];
    }
    if (f & ts.TypeFlags.Undefined) return v === undefined ? [] : [`${path}: expected undefined, got ${show(v)}`];
    if (f & ts.TypeFlags.Null) return v === null ? [] : [`${path}: expected null, got ${show(v)}`];
    if (f & ts.TypeFlags.Never) return [`${path}: no value is allowed here (never), got ${show(v)}`];
    if (f & ts.TypeFlags.StringLiteral) return v === (type as ts.StringLiteralType).value ? [] : [`${path}: expected "${(type as ts.StringLiteralType).value}", got ${show(v)}`];
    if (f & ts.TypeFlags.NumberLiteral) {
      const want = (type as ts.NumberLiteralType).value;
      return v === want || (opts.query && v === String(want)) ? [] : [`${path}: expected ${want}, got ${show(v)}`];
    }
    if (f & ts.TypeFlags.BooleanLiteral) {
      const want = checker.typeToString(type) === "true";
      return v === want || (opts.query && v === String(want)) ? [] : [`${path}: expected ${want}, got ${show(v)}`];
    }
    if (f & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) return typeof v === "string" ? [] : [`${path}: expected a string, got ${show(v)}`];
    if (f & ts.TypeFlags.Number) return typeof v === "number" || (opts.query && typeof v === "string" && v !== "" && Number.isFinite(Number(v))) ? [] : [`${path}: expected a number, got ${show(v)}`];
    if (f & ts.TypeFlags.Boolean) return typeof v === "boolean" || (opts.query && (v === "true" || v === "false")) ? [] : [`${path}: expected a boolean, got ${show(v)}`];
    if (f & ts.TypeFlags.NonPrimitive) return typeof v === "object" && v !== null ? [] : [`${path}: expected an object, got ${show(v)}`];
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      if (!Array.isArray(v)) return [`${path}: expected an array, got ${show(v)}`];
      const args = checker.getTypeArguments(type as ts.TypeReference);
      const out: string[] = [];
      v.forEach((x, i) => {
        const el = checker.isTupleType(type) ? args[i] : args[0];
        if (el) out.push(...walk(el, x, `${path}[${i}]`, opts, depth + 1));
      });
      return out;
    }
    const sym = type.getSymbol() ?? type.aliasSymbol;
    if (sym && (sym.name === "Date" || sym.name === "Buffer")) return [];
    if (f & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) {
      if (type.getCallSignatures().length) return [];
      if (typeof v !== "object" || v === null || Array.isArray(v)) return [`${path}: expected an object, got ${show(v)}`];
      const rec = v as Record<string, unknown>;
      const out: string[] = [];
      const props = checker.getPropertiesOfType(type);
      const known = new Set(props.map((p) => p.name));
      for (const p of props) {
        const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
        const here = path ? `${path}.${p.name}` : p.name;
        if (!(p.name in rec) || rec[p.name] === undefined) {
          if (!optional) out.push(`${here}: required by the official type, missing`);
          continue;
        }
        out.push(...walk(checker.getTypeOfSymbol(p), rec[p.name], here, opts, depth + 1));
      }
      const index = checker.getIndexInfosOfType(type);
      for (const k of Object.keys(rec)) {
        if (known.has(k)) continue;
        if (index.length) out.push(...walk(index[0].type, rec[k], path ? `${path}.${k}` : k, opts, depth + 1));
        else if (opts.exact) out.push(`${path ? `${path}.${k}` : k}: not a field of the official type`);
      }
      return out;
    }
    return [];
  }

  return {
    check: (name, value, opts = {}) => walk(typeOf(name), value, "", opts, 0),
    required: (name) =>
      checker
        .getPropertiesOfType(typeOf(name))
        .filter((p) => !(p.flags & ts.SymbolFlags.Optional))
        .map((p) => p.name),
  };
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
