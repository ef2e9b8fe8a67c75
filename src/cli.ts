// The CLI entry: parses argv, runs one command module, maps errors to exit codes (0 ok, 1 failed, 2 usage/config).
import { parseArgs } from "node:util";
import { ConfigError, isUserError } from "./errors.js";
import type { CommandContext, CommandFn } from "./commands/context.js";
import { enableCompileCache } from "./startup.js";
import { VERSION } from "./version.js";

/** Every flag any command takes. A command ignores the ones it does not use. */
const OPTIONS = {
  config: { type: "string", short: "c" },
  "base-url": { type: "string" },
  out: { type: "string", short: "o" },
  "rate-limit": { type: "string" },
  format: { type: "string" },
  project: { type: "string" },
  flows: { type: "string" },
  "dry-run": { type: "boolean" },
  force: { type: "boolean" },
  shard: { type: "string" },
  baseline: { type: "string" },
  sample: { type: "string" },
  commit: { type: "string" },
  "update-baseline": { type: "boolean" },
  holdout: { type: "string" },
  flow: { type: "string", multiple: true },
  // emulator
  port: { type: "string" },
  "api-key": { type: "string" },
  seed: { type: "string" },
  state: { type: "string" },
  faults: { type: "string" },
  limits: { type: "string" },
  dialect: { type: "string" },
  // backup / restore / pull / drift / harvest
  snapshot: { type: "string" },
  file: { type: "string" },
  yes: { type: "boolean" },
  "allow-untrained": { type: "boolean" },
  "fail-on-drift": { type: "boolean" },
  since: { type: "string" },
  until: { type: "string" },
  input: { type: "string" },
  "min-score": { type: "string" },
  "s3-uri": { type: "string" },
  "retention-days": { type: "string" },
  "mask-pii": { type: "boolean" },
  "odata-url": { type: "string" },
  // check
  "base-ref": { type: "string" },
  estimate: { type: "boolean" },
  "preview-name": { type: "string" },
  prepare: { type: "boolean" },
  // general
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandFn }> }> = {
  validate: { summary: "check the training data (no network)", load: () => import("./commands/validate.js") },
  plan: { summary: "show what a sync would change in Cognigy", load: () => import("./commands/plan.js") },
  sync: { summary: "apply the plan (after a backup when it deletes)", load: () => import("./commands/sync.js") },
  train: { summary: "train the flows and wait for it", load: () => import("./commands/train.js") },
  evaluate: { summary: "score the held-out tests and compute metrics", load: () => import("./commands/evaluate.js") },
  check: { summary: "pull-request mode: validate, plan, gate verdict", load: () => import("./commands/check.js") },
  release: { summary: "main-branch mode: validate, backup, sync, train, evaluate, gate, promote", load: () => import("./commands/release.js") },
  backup: { summary: "snapshot + package download + intents export, with a manifest", load: () => import("./commands/backup.js") },
  restore: { summary: "restore a snapshot (--snapshot ID | --file F.csnap) --yes", load: () => import("./commands/restore.js") },
  init: { summary: "start a repository: cognigy-nlu.yml, training-data/, workflows", load: () => import("./commands/init.js") },
  pull: { summary: "write a live flow's intents into the YAML layout", load: () => import("./commands/pull.js") },
  drift: { summary: "what changed in Cognigy and not in git", load: () => import("./commands/drift.js") },
  harvest: { summary: "propose new examples from real conversations", load: () => import("./commands/harvest.js") },
  doctor: { summary: "read-only live check of the tenant: key, project, flows, locales, one score", load: () => import("./commands/doctor.js") },
  report: { summary: "report merge <a.json> <b.json> … : combine shard reports", load: () => import("./commands/report.js") },
  emulator: { summary: "start the embedded Cognigy emulator", load: () => import("./commands/emulator.js") },
  demo: { summary: "run a whole release of the example bot against the emulator", load: () => import("./commands/demo.js") },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return [
    `cognigy-nlu ${VERSION}`,
    "",
    "usage: cognigy-nlu <command> [--config cognigy-nlu.yml] [--base-url URL] [--out DIR]",
    "                             [--rate-limit N] [--format text|json|github] [--debug]",
    "",
    "commands:",
    ...lines,
    "",
    "The API key is read from COGNIGY_API_KEY (never a flag). Exit codes: 0 ok, 1 failed, 2 usage/config error.",
  ].join("\n");
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n\n${usage()}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [name, ...rest] = positionals;
  if (!name || values.help) {
    process.stdout.write(`${usage()}\n`);
    return name || values.help ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`error: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  const ctx: CommandContext = { command: name, values: values as CommandContext["values"], positionals: rest, env, cwd: process.cwd(), debug: Boolean(values.debug || env.RUNNER_DEBUG === "1") };
  try {
    const mod = await cmd.load();
    return await mod.run(ctx);
  } catch (e) {
    if (isUserError(e)) {
      process.stderr.write(`error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`error: unexpected failure: ${err?.message ?? String(e)}\n`);
    if (ctx.debug) process.stderr.write(`${err?.stack ?? ""}\n`);
    else process.stderr.write("(run with --debug for the stack trace; this is a bug, please report it)\n");
    return 1;
  }
}

// Only run when executed, not when imported by tests.
const invoked = process.argv[1] ?? "";
if (/(?:^|[/\\])(?:cli\.(?:js|ts)|cognigy-nlu)$/.test(invoked)) {
  enableCompileCache();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

export { ConfigError };
