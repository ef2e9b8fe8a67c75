// Placeholder so the command table can name `doctor` (its flags and help exist): the real module replaces this file.
import { ConfigError } from "../errors.js";
import type { CommandContext } from "./context.js";

export async function run(_ctx: CommandContext): Promise<number> {
  throw new ConfigError("doctor is not in this build yet");
}
