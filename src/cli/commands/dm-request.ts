import { UsageError } from "../args.js";
import { CLI_ACTOR, type Command } from "../command.js";
import { json } from "../format.js";

/** For gateways: an unknown sender wrote in; get the code to send back (always JSON). */
export const dmRequestCommand: Command = {
  usage: "dm request <channel> <senderId> [--account A] [--name N] [--message TEXT] [--locale L] [--meta JSON]",
  summary: "record a pairing request and print its code (JSON)",
  args: ["channel", "senderId"],
  options: ["account", "name", "message", "locale", "meta"],
  async run({ args: [channel, senderId], flags }, ctx) {
    const result = await ctx.store().requestDmPairing({
      channel: channel!,
      senderId: senderId!,
      account: flags.account,
      name: flags.name,
      message: flags.message,
      locale: flags.locale,
      meta: flags.meta === undefined ? undefined : parseMeta(flags.meta),
      actor: CLI_ACTOR,
    });
    const { code, created, capped, expiresAt } = result;
    ctx.out(json({ code, created, capped, expiresAt, ...(result.allowed ? { allowed: true } : {}) }));
    return 0;
  },
};

function parseMeta(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--meta must be a JSON object, like --meta '{"chat":"private"}'.`, [`pairbot ${dmRequestCommand.usage}`]);
  }
}
