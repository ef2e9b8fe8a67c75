// The two kinds of error: user errors (clear message, exit 1 or 2) and everything else (a bug: stack in debug).

/** Bad data, a failed check, gate or step: print the message, exit 1. */
export class UserError extends Error {
  readonly exitCode: number = 1;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** A usage or configuration error (bad flag, bad config file, bad input): print the message, exit 2. */
export class ConfigError extends UserError {
  override readonly exitCode: number = 2;
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "ConfigError";
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
