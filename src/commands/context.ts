// What every CLI command receives: parsed flags, positionals, environment and working directory.

export interface CommandContext {
  command: string;
  /** Parsed flags (the command's table in src/cli/commands.ts): strings as typed, true for switches, string[] for lists. */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  debug: boolean;
}

/** A command: returns the exit code (0 ok, 1 failed check/gate/step). Throws UserError / ConfigError for clear failures. */
export type CommandFn = (ctx: CommandContext) => Promise<number>;
