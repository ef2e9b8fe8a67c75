// Lints every workflow in .github/workflows and examples/ and action.yml with GitHub's own parser
// (@actions/workflow-parser, what github.com runs), plus one check it cannot do: the examples' `with:` keys and
// `steps.<id>.outputs.*` of this Action must be inputs / outputs declared in action.yml.
// Run: node --import tsx scripts/lint-workflows.ts [files…]   (exit 1 when any file has an error)
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/index";
import { parse as parseYaml } from "yaml";

export interface LintError {
  file: string;
  message: string;
}

/** Does this `uses:` name this repository's Action (the published name or a local `./`)? */
const SELF = /^(?:cognigy-nlu\/cognigy-nlu@|\.\/?$)/;

function actionInterface(actionYml: string): { inputs: Set<string>; outputs: Set<string> } {
  const a = (parseYaml(actionYml) ?? {}) as { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  return { inputs: new Set(Object.keys(a.inputs ?? {})), outputs: new Set(Object.keys(a.outputs ?? {})) };
}

/** `with:` keys and `steps.<id>.outputs.<name>` uses of this Action checked against action.yml. */
function checkSelfUses(file: string, content: string, self: { inputs: Set<string>; outputs: Set<string> }): LintError[] {
  const errors: LintError[] = [];
  let doc: { jobs?: Record<string, { steps?: { id?: string; uses?: string; with?: Record<string, unknown> }[] }> };
  try {
    doc = parseYaml(content) ?? {};
  } catch {
    return errors; // the parser has reported it
  }
  for (const [job, j] of Object.entries(doc.jobs ?? {})) {
    const ids = new Set<string>();
    for (const step of j?.steps ?? []) {
      if (typeof step?.uses !== "string" || !SELF.test(step.uses)) continue;
      if (step.id) ids.add(step.id);
      for (const k of Object.keys(step.with ?? {})) {
        if (!self.inputs.has(k)) errors.push({ file, message: `job '${job}': input '${k}' is not declared in action.yml` });
      }
    }
    const text = JSON.stringify(j);
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (ids.has(m[1]) && !self.outputs.has(m[2])) errors.push({ file, message: `job '${job}': output '${m[2]}' is not declared in action.yml` });
    }
  }
  return errors;
}

/** Errors of one file: `kind` "action" for action.yml, "workflow" otherwise. */
export function lintText(file: string, content: string, kind: "workflow" | "action", actionYml?: string): LintError[] {
  const trace = new NoOperationTraceWriter();
  const parsed = kind === "action" ? parseAction({ name: file, content }, trace) : parseWorkflow({ name: file, content }, trace);
  const errors: LintError[] = parsed.context.errors.getErrors().map((e) => ({ file, message: e.message.startsWith(file) ? e.message.slice(file.length).replace(/^:?\s*/, "") : e.message }));
  if (kind === "workflow" && actionYml !== undefined && errors.length === 0) errors.push(...checkSelfUses(file, content, actionInterface(actionYml)));
  return errors;
}

/** The files CI lints: .github/workflows/*.yml, examples/*.yml and action.yml. */
export function workflowFiles(root: string): string[] {
  const ymls = (dir: string) => {
    try {
      return readdirSync(join(root, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join(root, dir, f));
    } catch {
      return [];
    }
  };
  return [...ymls(".github/workflows"), ...ymls("examples"), join(root, "action.yml")];
}

export function lintFiles(root: string, files = workflowFiles(root)): LintError[] {
  const actionYml = readFileSync(join(root, "action.yml"), "utf8");
  return files.flatMap((f) => {
    const name = relative(root, f);
    return lintText(name, readFileSync(f, "utf8"), /(?:^|\/)action\.ya?ml$/.test(name) ? "action" : "workflow", actionYml);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = resolve(import.meta.dirname, "..");
  const args = process.argv.slice(2).map((f) => resolve(f));
  const files = args.length ? args : workflowFiles(root);
  const errors = lintFiles(root, files);
  for (const e of errors) process.stdout.write(`${e.file}: ${e.message}\n`);
  process.stdout.write(`workflow lint (@actions/workflow-parser): ${files.length} files, ${errors.length} errors\n`);
  process.exitCode = errors.length ? 1 : 0;
}
