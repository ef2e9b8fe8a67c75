// The `emulator` command: starts the embedded Cognigy emulator and serves until SIGINT/SIGTERM.
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { parseFaultSpec } from "../emulator/faults.js";
import { type Emulator, parseLimitsSpec, startEmulator } from "../emulator/index.js";
import { ConfigError } from "../errors.js";
import type { CommandContext } from "./context.js";

function intFlag(v: string | boolean | string[] | undefined, name: string, fallback: number): number {
  if (v === undefined || v === false) return fallback;
  const s = String(v).trim();
  if (!/^\d+$/.test(s)) throw new ConfigError(`--${name} must be a whole number ≥ 0 (got '${s}')`);
  return Number(s);
}

export async function run(ctx: CommandContext): Promise<number> {
  const v = ctx.values;
  const apiKey = (typeof v["api-key"] === "string" && v["api-key"]) || ctx.env.COGNIGY_API_KEY;
  if (!apiKey) throw new ConfigError("the emulator needs an API key to accept", "set COGNIGY_API_KEY (or pass --api-key)");
  const port = intFlag(v.port, "port", 0);
  if (port > 65535) throw new ConfigError("--port must be ≤ 65535");
  const rateLimit = intFlag(v["rate-limit"], "rate-limit", 1000);
  const faults = typeof v.faults === "string" ? v.faults : "";
  try {
    parseFaultSpec(faults);
  } catch (e) {
    throw new ConfigError(`--faults: ${(e as Error).message}`);
  }
  let limits: ReturnType<typeof parseLimitsSpec> | undefined;
  if (typeof v.limits === "string") {
    try {
      limits = parseLimitsSpec(v.limits);
    } catch (e) {
      throw new ConfigError(`--limits: ${(e as Error).message}`, "e.g. --limits flowSentences=15000,flowIntents=10000 (0 = not enforced)");
    }
  }
  let seed: Config | undefined;
  if (typeof v.seed === "string") seed = loadConfig(v.seed, ctx.cwd).config;
  const statePath = typeof v.state === "string" ? v.state : undefined;
  const dialect = v.dialect === undefined ? "localeReference" : String(v.dialect);
  if (dialect !== "localeReference" && dialect !== "localeId") throw new ConfigError(`--dialect must be localeReference or localeId (got '${dialect}')`, "the locale field batch sentence creates must carry; default localeReference (the official type)");

  let emu: Emulator;
  try {
    emu = await startEmulator({
      port,
      apiKey,
      seed,
      statePath,
      rateLimit,
      limits,
      faults,
      sentenceDialect: dialect,
      logRequests: false,
      onRequest: ctx.debug ? (e) => process.stderr.write(`${e.method} ${e.path} → ${e.status || "dropped"} ${e.ms} ms${e.fault ? ` [fault ${e.fault}]` : ""}\n`) : undefined,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE") throw new ConfigError(`port ${port} is already in use`, "pick another --port, or 0 for a free one");
    if (/state file/.test(err.message)) throw new ConfigError(err.message, "fix or delete the file, or pass another --state");
    throw e;
  }
  process.stdout.write(`listening on ${emu.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await emu.close();
  return 0;
}
