import type { DmRequest } from "../../store/index.js";
import { CLI_ACTOR } from "../actor.js";
import type { CliContext } from "../context.js";
import { defineCommand, defineGroup } from "../define.js";
import { json, printable, relativeTo, table, where, who } from "../format.js";
import { usageLine } from "../help.js";
import { UsageError } from "../parse.js";
import { dmChoice, pickRequest } from "../pick-request.js";
import { ACCOUNT_FLAG, CHANNEL_ARG, FOR_FLAG, SENDER_ARG, accessFor } from "./sender-args.js";

/** DM pairing requests: list the pending ones, approve or deny one, revoke an approved sender. */

const CODE_OR_SENDER = { name: "code|senderId", description: "the pairing code the sender got (any case, AB3D-7X9K or AB3D7X9K), or the sender's id in any form" } as const;

const list = defineCommand({
  name: "list",
  summary: "pending DM pairing requests",
  args: [{ ...CHANNEL_ARG, description: "only this channel", required: false }],
  flags: { account: ACCOUNT_FLAG },
  examples: ["pairbot pairing list", "pairbot pairing list whatsapp --json"],
  async run({ args: { channel }, flags }, ctx) {
    const store = ctx.store();
    const requests = await store.pendingDm({ channel, account: flags.account });
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
});

function report(ctx: CliContext, request: DmRequest, sentence: string): number {
  ctx.out(ctx.json ? json(request) : sentence);
  return 0;
}

const approve = defineCommand({
  name: "approve",
  summary: "let a sender message the assistant (no arguments: pick one on a terminal; --for 24h: for that long)",
  args: [
    { ...CHANNEL_ARG, required: false },
    { ...CODE_OR_SENDER, required: false },
  ],
  flags: { account: ACCOUNT_FLAG, for: FOR_FLAG },
  notes: [
    "Without a code or sender id, on a terminal: lists the pending requests (of the channel, if given) to pick one with the arrow keys, then asks to confirm.",
    "With --for, the access ends by itself: the sender is taken off the allowlist then (audited as expire, a dm.revoked event).",
  ],
  examples: ["pairbot pairing approve whatsapp 8GDF9FWD", "pairbot pairing approve whatsapp 8GDF-9FWD --for 24h", "pairbot pairing approve"],
  async run({ args, flags }, ctx): Promise<number> {
    const store = ctx.store();
    const forMs = accessFor(flags.for);
    const when = await relativeTo(store.clock());
    let target = args["code|senderId"] === undefined ? undefined : { channel: args.channel!, codeOrSender: args["code|senderId"], account: flags.account };
    if (!target) {
      const channel = args.channel;
      const picked = await pickRequest(ctx, {
        load: () => store.pendingDm({ channel, account: flags.account }),
        choice: (r) => dmChoice(r, when),
        none: channel ? `No pending pairing requests on ${channel}.` : "No pending pairing requests.",
        question: "Which sender may message the assistant?",
        confirm: (r) => `Approve ${who(r.senderId, r.name)} on ${where(r.channel, r.account)}?`,
        noTerminal: new UsageError(
          "Name the request: pairbot pairing approve <channel> <code|senderId> (pairbot pairing list shows them); without them it asks, but only on a terminal.",
          [usageLine(["pairing", "approve"], approve)],
        ),
      });
      if (picked === "none" || picked === "cancelled") return picked === "none" ? 0 : 1;
      target = { channel: picked.channel, codeOrSender: picked.senderId, account: picked.account };
    }
    const r = await store.approveDm(target, CLI_ACTOR, { forMs });
    const until = flags.for === undefined ? "" : ` for ${flags.for.trim()}`;
    return report(ctx, r, `Approved ${who(r.senderId, r.name)} on ${where(r.channel, r.account)}${until}: they can message the assistant now.`);
  },
});

const deny = defineCommand({
  name: "deny",
  summary: "drop a pending request (with --block, and never hear from the sender again)",
  args: [CHANNEL_ARG, CODE_OR_SENDER],
  flags: { account: ACCOUNT_FLAG, block: { type: "boolean", description: "block the sender too: no more codes or alerts from them (pairbot unblock undoes it)" } },
  notes: ["After a plain deny the sender gets no new code or alert for dm.denyCooldown (24h by default; pairbot settings)."],
  examples: ["pairbot pairing deny telegram 123456789", "pairbot pairing deny whatsapp AB3D-7X9K --block"],
  async run({ args, flags }, ctx) {
    const r = await ctx.store().denyDm({ channel: args.channel, codeOrSender: args["code|senderId"], account: flags.account }, CLI_ACTOR, { block: flags.block });
    const blocked = flags.block ? " and blocked the sender: no more codes or alerts from them" : "";
    return report(ctx, r, `Denied the pairing request of ${who(r.senderId, r.name)} on ${where(r.channel, r.account)}${blocked}.`);
  },
});

const revoke = defineCommand({
  name: "revoke",
  summary: "take an approved sender off the allowlist",
  args: [CHANNEL_ARG, SENDER_ARG],
  flags: { account: ACCOUNT_FLAG },
  async run({ args: { channel, senderId }, flags }, ctx) {
    const sender = await ctx.store().revokeSender({ channel, senderId, account: flags.account }, CLI_ACTOR);
    ctx.out(ctx.json ? json(sender) : `Revoked ${printable(sender.senderId)} on ${where(sender.channel, sender.account)}: they can no longer message the assistant.`);
    return 0;
  },
});

export const pairingGroup = defineGroup({ name: "pairing", summary: "DM pairing requests: list, approve, deny, revoke", commands: [list, approve, deny, revoke] });
