import { CLI_ACTOR } from "../actor.js";
import { defineCommand, defineGroup } from "../define.js";
import { json } from "../format.js";
import { usageLine } from "../help.js";
import { UsageError } from "../parse.js";
import { ACCOUNT_FLAG, CHANNEL_ARG, SENDER_ARG } from "./sender-args.js";

/** For gateways: an unknown sender wrote in; get the code to send back (always JSON). */
const request = defineCommand({
  name: "request",
  summary: "record a pairing request and print its code (JSON)",
  args: [CHANNEL_ARG, SENDER_ARG],
  flags: {
    account: ACCOUNT_FLAG,
    name: { type: "string", value: "N", description: "the sender's display name, shown to the owner" },
    message: { type: "string", value: "TEXT", description: "what the sender wrote: held until the owner decides, shown in the alert" },
    locale: { type: "string", value: "L", description: "the sender's language (de, ru-RU), for the notice of the outcome" },
    meta: { type: "string", value: "JSON", description: "a JSON object kept with the request, like '{\"chat\":\"private\"}'" },
  },
  alwaysJson: true,
  notes: [
    "Always prints JSON: the code to send back, created (false for a repeat), capped (true, with no code, when the channel has its maximum of pending requests).",
    "With no code and nothing filed: allowed (the sender may already talk), blocked (the owner blocked the sender), cooldownUntil (denied lately; they may ask again from then).",
  ],
  examples: [`pairbot dm request whatsapp +491701234567 --name Ann --message "Hello, it's Ann" --meta '{"chat":"private"}'`],
  async run({ args: { channel, senderId }, flags }, ctx) {
    const result = await ctx.store().requestDmPairing({
      channel,
      senderId,
      account: flags.account,
      name: flags.name,
      message: flags.message,
      locale: flags.locale,
      meta: flags.meta === undefined ? undefined : parseMeta(flags.meta, usageLine(["dm", "request"], request)),
      actor: CLI_ACTOR,
    });
    const { code, created, capped, expiresAt } = result;
    const refused = { ...(result.blocked ? { blocked: true } : {}), ...(result.cooldownUntil ? { cooldownUntil: result.cooldownUntil } : {}) };
    ctx.out(json({ code, created, capped, expiresAt, ...(result.allowed ? { allowed: true } : {}), ...refused }));
    return 0;
  },
});

function parseMeta(text: string, usage: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--meta must be a JSON object, like --meta '{"chat":"private"}'.`, [usage]);
  }
}

export const dmGroup = defineGroup({ name: "dm", summary: "for gateways: DM pairing requests from unknown senders", commands: [request] });
