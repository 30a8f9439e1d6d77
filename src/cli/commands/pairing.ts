import { parseDuration, type DmRequest } from "../../store/index.js";
import { checkFilters } from "../filters.js";
import { CLI_ACTOR, type Command } from "../command.js";
import { json, printable, relativeTo, table, where, who } from "../format.js";

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

/** `--for 24h`: temporary access, in milliseconds; undefined without the option. */
export const accessFor = (text: string | undefined): number | undefined => (text === undefined ? undefined : parseDuration(text, "--for"));

const approve: Command = {
  usage: "pairing approve <channel> <code|senderId> [--account A] [--for DURATION]",
  summary: "let a sender message the assistant (with --for 24h, for that long)",
  args: ["channel", "code|senderId"],
  options: ["account", "for"],
  async run({ args, flags }, ctx) {
    const forMs = accessFor(flags.for);
    const r = await ctx.store().approveDm(target(args, flags), CLI_ACTOR, { forMs });
    const until = flags.for === undefined ? "" : ` for ${flags.for.trim()}`;
    return report(ctx, r, `Approved ${who(r.senderId, r.name)} on ${where(r.channel, r.account)}${until}: they can message the assistant now.`);
  },
};

const deny: Command = {
  usage: "pairing deny <channel> <code|senderId> [--account A] [--block]",
  summary: "drop a pending request (with --block, and never hear from the sender again)",
  args: ["channel", "code|senderId"],
  options: ["account"],
  switches: ["block"],
  async run({ args, flags }, ctx) {
    const block = flags.block === "true";
    const r = await ctx.store().denyDm(target(args, flags), CLI_ACTOR, { block });
    const blocked = block ? " and blocked the sender: no more codes or alerts from them" : "";
    return report(ctx, r, `Denied the pairing request of ${who(r.senderId, r.name)} on ${where(r.channel, r.account)}${blocked}.`);
  },
};

const revoke: Command = {
  usage: "pairing revoke <channel> <senderId> [--account A]",
  summary: "take an approved sender off the allowlist",
  args: ["channel", "senderId"],
  options: ["account"],
  async run({ args: [channel, senderId], flags }, ctx) {
    const sender = await ctx.store().revokeSender({ channel: channel!, senderId: senderId!, account: flags.account }, CLI_ACTOR);
    ctx.out(ctx.json ? json(sender) : `Revoked ${printable(sender.senderId)} on ${where(sender.channel, sender.account)}: they can no longer message the assistant.`);
    return 0;
  },
};

export const pairingCommands = { list, approve, deny, revoke };
