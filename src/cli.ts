// The CLI entry: argv → the command table (src/cli/commands.ts) → one command module, loaded on demand; every error is
// one line on stderr with the exit code it deserves (0 ok, 1 a failed check/gate/step, 2 usage or setup).
import { commandHelp, parseCommandLine, usageText } from "./cli/args.js";
import type { CommandContext } from "./commands/context.js";
import { ConfigError, isUserError } from "./errors.js";
import { enableCompileCache } from "./startup.js";
import { VERSION } from "./version.js";

const write = (stream: NodeJS.WritableStream, text: string) => void stream.write(text.endsWith("\n") ? text : `${text}\n`);

/** One line: the message, and its hint after a semicolon when there is one. */
function errorLine(message: string, hint?: string): string {
  const one = (s: string) => s.split("\n").map((l) => l.trim()).filter(Boolean).join("; ");
  return `error: ${one(message)}${hint ? ` (hint: ${one(hint)})` : ""}`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    if (!isUserError(e)) throw e;
    write(process.stderr, errorLine(e.message));
    return 2;
  }
  if (parsed.kind === "version") {
    write(process.stdout, VERSION);
    return 0;
  }
  if (parsed.kind === "usage") {
    if (parsed.error) {
      write(process.stderr, `${errorLine(parsed.error)}\n\n${usageText()}`);
      return 2;
    }
    write(process.stdout, usageText());
    return 0;
  }
  if (parsed.kind === "help") {
    write(process.stdout, commandHelp(parsed.command));
    return 0;
  }
  const { command, spec, values, positionals } = parsed;
  const ctx: CommandContext = { command, values, positionals, env, cwd: process.cwd(), debug: Boolean(values.debug || env.RUNNER_DEBUG === "1") };
  try {
    if (!spec.load) throw new Error(`command ${command} has no module`);
    const mod = await spec.load();
    return await mod.run(ctx);
  } catch (e) {
    if (isUserError(e)) {
      write(process.stderr, errorLine(e.message, e.hint));
      return e.exitCode;
    }
    const err = e as Error;
    write(process.stderr, errorLine(`unexpected failure: ${err?.message ?? String(e)} (a bug: ${ctx.debug ? "the stack follows" : "run with --debug for the stack trace"}; please report it)`));
    if (ctx.debug) write(process.stderr, err?.stack ?? "");
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
