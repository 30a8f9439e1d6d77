import type { DmRequest } from "../../store/index.js";
import { checkFilters } from "../filters.js";
import { CLI_ACTOR, type Command } from "../command.js";
import { json, relativeTo, table, where, who } from "../format.js";

/** DM pairing requests: list the pending ones, approve or deny one, revoke an approved sender. */

const list: Command = {
  usage: "pairing list [channel] [--account A] [--json]",
  summary: "pending DM pairing requests",
  args: ["channel?"],
  options: ["account"],
  async run({ args: [channel], flags }, ctx) {
    const store = ctx.store();
    checkFilters(channel, flags.account);
    const requests = (await store.pending()).dm.filter(
      (r) => (!channel || r.channel === channel) && (!flags.account || r.account === flags.account),
    );
    if (ctx.json) {
      ctx.out(json(requests));
      return 0;
    }
    if (requests.length === 0) {
      ctx.out(channel ? `No pending pairing requests on ${channel}.` : "No pending pairing requests.");
      return 0;
    }
    const when = await relativeTo(store.clock());
    const rows = requests.map((r) => [r.code, r.channel, r.account, r.senderId, r.name ?? "", when(r.createdAt), when(r.expiresAt)]);
    for (const line of table(["CODE", "CHANNEL", "ACCOUNT", "SENDER", "NAME", "REQUESTED", "EXPIRES"], rows)) ctx.out(line);
    return 0;
  },
};

const target = (args: string[], flags: Record<string, string | undefined>) => ({
  channel: args[0]!,
  codeOrSender: args[1]!,
  account: flags.account,
});

function report(ctx: Parameters<Command["run"]>[1], request: DmRequest, sentence: string): number {
  ctx.out(ctx.json ? json(request) : sentence);
  return 0;
}

const approve: Command = {
  usage: "pairing approve <channel> <code|senderId> [--account A]",
  summary: "let a sender message the assistant",
  args: ["channel", "code|senderId"],
  options: ["account"],
  async run({ args, flags }, ctx) {
    const r = await ctx.store().approveDm(target(args, flags), CLI_ACTOR);
    return report(ctx, r, `Approved ${who(r.senderId, r.name)} on ${where(r.channel, r.account)}: they can message the assistant now.`);
  },
};

const deny: Command = {
  usage: "pairing deny <channel> <code|senderId> [--account A]",
  summary: "drop a pending request",
  args: ["channel", "code|senderId"],
  options: ["account"],
  async run({ args, flags }, ctx) {
    const r = await ctx.store().denyDm(target(args, flags), CLI_ACTOR);
    return report(ctx, r, `Denied the pairing request of ${who(r.senderId, r.name)} on ${where(r.channel, r.account)}.`);
  },
};

const revoke: Command = {
  usage: "pairing revoke <channel> <senderId> [--account A]",
  summary: "take an approved sender off the allowlist",
  args: ["channel", "senderId"],
  options: ["account"],
  async run({ args: [channel, senderId], flags }, ctx) {
    const sender = { channel: channel!, senderId: senderId!, account: flags.account ?? "default" };
    await ctx.store().revokeSender(sender, CLI_ACTOR);
    ctx.out(ctx.json ? json(sender) : `Revoked ${sender.senderId} on ${where(sender.channel, sender.account)}: they can no longer message the assistant.`);
    return 0;
  },
};

export const pairingCommands = { list, approve, deny, revoke };
