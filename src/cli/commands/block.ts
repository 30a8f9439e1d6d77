import { CLI_ACTOR, type Command } from "../command.js";
import { json, printable, where } from "../format.js";

/** Senders the owner never wants to hear from: no code, no alert, no access. */

export const blockCommand: Command = {
  usage: "block <channel> <senderId> [--account A]",
  summary: "never hear from a sender: no code, no alert (a pending request and any access end)",
  args: ["channel", "senderId"],
  options: ["account"],
  async run({ args: [channel, senderId], flags }, ctx) {
    const block = await ctx.store().blockSender({ channel: channel!, senderId: senderId!, account: flags.account }, CLI_ACTOR);
    ctx.out(ctx.json ? json(block) : `Blocked ${printable(block.senderId)} on ${where(block.channel, block.account)}: no more codes or alerts from them (pairbot unblock to undo).`);
    return 0;
  },
};

export const unblockCommand: Command = {
  usage: "unblock <channel> <senderId> [--account A]",
  summary: "let a blocked (or lately denied) sender ask again",
  args: ["channel", "senderId"],
  options: ["account"],
  async run({ args: [channel, senderId], flags }, ctx) {
    const block = await ctx.store().unblockSender({ channel: channel!, senderId: senderId!, account: flags.account }, CLI_ACTOR);
    ctx.out(ctx.json ? json(block) : `Unblocked ${printable(block.senderId)} on ${where(block.channel, block.account)}: their next message gets a pairing code.`);
    return 0;
  },
};
