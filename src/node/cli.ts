import type { CliContext } from "../cli/context.js";

/** `pairbot node ...`: replaced by the node client's real entry point (issue 4). */
export async function nodeCommand(_args: string[], ctx: CliContext): Promise<number> {
  ctx.err("The node client is not built yet in this version of pairbot.");
  return 2;
}
