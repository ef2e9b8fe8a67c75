// The CLI's main() run in this process, as the CLI tests drive it: stdout and stderr captured, the exit code returned.
import { vi } from "vitest";
import { main } from "../src/cli.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `cognigy-nlu <args>` with `env` as its whole environment; what it printed comes back, nothing reaches the log. */
export async function runMain(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  try {
    const code = await main(args, env);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
