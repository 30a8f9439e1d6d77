import type { CliContext } from "../cli/context.js";

/** `pairbot gateway ...`: replaced by the gateway's real entry point (issue 4). */
export async function gatewayCommand(_args: string[], ctx: CliContext): Promise<number> {
  ctx.err("The gateway is not built yet in this version of pairbot.");
  return 2;
}
