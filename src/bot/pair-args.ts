import type { CommandContext, Composer } from "grammy";
import type { PairContext } from "./context.js";

/** "/pair approve whatsapp ABCD2345" -> ["approve", "whatsapp", "ABCD2345"]. */
const splitArgs = (match: string): string[] => match.split(/\s+/).filter(Boolean);

/** Registers a handler for one "/pair <sub>" form; "" is /pair alone. */
export function pairSubcommand(
  composer: Composer<PairContext>,
  sub: string,
  handler: (ctx: CommandContext<PairContext>, args: string[]) => Promise<unknown>,
): void {
  composer
    .command("pair")
    .filter((ctx) => (splitArgs(ctx.match)[0] ?? "").toLowerCase() === sub)
    .use((ctx) => handler(ctx, splitArgs(ctx.match).slice(1)));
}
