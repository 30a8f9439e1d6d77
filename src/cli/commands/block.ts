import { CLI_ACTOR } from "../actor.js";
import { defineCommand } from "../define.js";
import { json, printable, where } from "../format.js";
import { ACCOUNT_FLAG, CHANNEL_ARG, SENDER_ARG } from "./sender-args.js";

/** Senders the owner never wants to hear from: no code, no alert, no access. */

export const blockCommand = defineCommand({
  name: "block",
  summary: "never hear from a sender: no code, no alert (a pending request and any access end)",
  args: [CHANNEL_ARG, SENDER_ARG],
  flags: { account: ACCOUNT_FLAG },
  notes: ["A blocked sender's messages file nothing: pairbot dm request answers \"blocked\": true and no code; the gateway sends nothing back."],
  examples: ['pairbot block whatsapp "+49 170 9999999"'],
  async run({ args: { channel, senderId }, flags }, ctx) {
    const block = await ctx.store().blockSender({ channel, senderId, account: flags.account }, CLI_ACTOR);
    ctx.out(ctx.json ? json(block) : `Blocked ${printable(block.senderId)} on ${where(block.channel, block.account)}: no more codes or alerts from them (pairbot unblock to undo).`);
    return 0;
  },
});

export const unblockCommand = defineCommand({
  name: "unblock",
  summary: "let a blocked (or lately denied) sender ask again",
  args: [CHANNEL_ARG, SENDER_ARG],
  flags: { account: ACCOUNT_FLAG },
  examples: ["pairbot unblock whatsapp +491709999999"],
  async run({ args: { channel, senderId }, flags }, ctx) {
    const block = await ctx.store().unblockSender({ channel, senderId, account: flags.account }, CLI_ACTOR);
    ctx.out(ctx.json ? json(block) : `Unblocked ${printable(block.senderId)} on ${where(block.channel, block.account)}: their next message gets a pairing code.`);
    return 0;
  },
});
