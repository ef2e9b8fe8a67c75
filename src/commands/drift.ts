// TODO(owner): the `drift` command. Placeholder until its issue lands.
import { UserError } from "../errors.js";
import type { CommandContext } from "./context.js";

export async function run(_ctx: CommandContext): Promise<number> {
  throw new UserError("the 'drift' command is not built yet");
}
