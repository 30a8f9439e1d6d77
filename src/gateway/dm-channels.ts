import { z } from "zod";
import type { PairingStore } from "../store/index.js";
import { accountName } from "../store/validate.js";
import { accountsFor, type ChannelAccounts } from "./dm-accounts.js";
import { policyFor, type DmPolicies } from "./dm-policy.js";
import type { RefusalCounter } from "./flood.js";
import type { GatewayLog } from "./log.js";
import { renderReply, type ReplyKey, type ReplyTemplates } from "./replies.js";
import { replyModeFor, type ReplyModes } from "./reply-modes.js";
import type { GatewayStats } from "./stats.js";

const MessageSchema = z.object({
  senderId: z.string(),
  name: z.string().optional(),
  text: z.string(),
  account: z.string().optional(),
  /** The sender's language, when the channel knows it ("de", "ru-RU"). */
  locale: z.string().max(35).optional(),
});

export interface DmChannelDeps {
  store: PairingStore;
  policies: DmPolicies;
  accounts: ChannelAccounts;
  replies: Map<string, ReplyTemplates>;
  replyModes: ReplyModes;
  defaultLocale: string;
  counts: GatewayStats["messages"];
  refusals: RefusalCounter;
  log: GatewayLog;
}

/**
 * What a channel answers a message with: delivered, or not and what to send back (`reply`, absent when
 * the channel's reply mode sends nothing; `code` too under `silent`).
 */
export type ChannelAnswer =
  | { delivered: true }
  | { delivered: false; reason: "disabled" | "not_allowed" }
  /** Blocked by the owner, or denied lately (`until`: the cool-down's end): no code, nothing filed. */
  | { delivered: false; reason: "blocked" }
  | { delivered: false; reason: "cooldown"; until: string }
  | { delivered: false; reason: "pairing"; reply?: string; code?: string; created: boolean; expiresAt: string }
  | { delivered: false; reason: "capped"; reply?: string };

/** A refusal the HTTP front sends as `{"error"}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Applies the channel's DM policy to one message from a sender; `adapter` names who posted it. */
export async function receiveMessage(deps: DmChannelDeps, channel: string, body: unknown, adapter: string): Promise<ChannelAnswer> {
  const answer = await decide(deps, channel, body, adapter);
  const counts = deps.counts;
  if (answer.delivered) counts.delivered += 1;
  else if (answer.reason === "not_allowed") counts.notAllowed += 1;
  else counts[answer.reason] += 1;
  if (!answer.delivered && answer.reason === "capped") deps.refusals.count(channel);
  // Who wrote and what happened; never the code, which is the sender's secret until the owner sees it.
  deps.log.info({ channel, adapter, delivered: answer.delivered, ...(answer.delivered ? {} : { reason: answer.reason }) }, "channel message");
  return answer;
}

async function decide(deps: DmChannelDeps, channel: string, body: unknown, adapter: string): Promise<ChannelAnswer> {
  const parsed = MessageSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `Invalid message: ${issue?.path.join(".") || "body"}: ${issue?.message}; send JSON like {"senderId":"+4917012345","name":"Ann","text":"hi"}.`);
  }
  const message = parsed.data;
  const account = accountName(message.account); // a malformed name is invalid_input: 400 naming the field
  const served = accountsFor(deps.accounts, channel);
  if (!served.includes(account)) {
    deps.counts.unknownAccount += 1;
    deps.refusals.count(channel);
    throw new HttpError(400, `Unknown account "${account}" on ${channel}: this gateway serves ${served.join(", ")}; configure more with --accounts ${channel}=${[...served, "<account>"].join(",")}.`);
  }
  const policy = policyFor(deps.policies, channel);
  if (policy === "disabled") return { delivered: false, reason: "disabled" };
  if (policy === "open") return { delivered: true };
  if (await deps.store.isAllowed(channel, message.senderId, account)) return { delivered: true };
  if (policy === "allowlist") return { delivered: false, reason: "not_allowed" };

  // The pending caps (per account, per channel, in all) are the store's policy, checked under its lock.
  const result = await deps.store.requestDmPairing({
    channel, account, senderId: message.senderId, name: message.name, message: message.text, locale: message.locale, actor: adapter,
  });
  if (result.allowed) return { delivered: true };
  // A blocked or lately denied sender is told nothing, whatever the reply mode: no code, nothing filed.
  if (result.blocked) return { delivered: false, reason: "blocked" };
  if (result.cooldownUntil) return { delivered: false, reason: "cooldown", until: result.cooldownUntil };
  const mode = replyModeFor(deps.replyModes, channel);
  const values = { channel, identifier: message.senderId };
  const reply = (key: ReplyKey, more: Record<string, string | number> = {}) => renderReply(deps.replies, message.locale, deps.defaultLocale, key, { ...values, ...more });
  if (result.capped || result.code === null || result.expiresAt === null) {
    // Only `full` says "try later": code-only replies only with a code, silent never.
    return { delivered: false, reason: "capped", ...(mode === "full" ? { reply: reply("capped") } : {}) };
  }
  const filed = { delivered: false, reason: "pairing", created: result.created, expiresAt: result.expiresAt } as const;
  if (mode === "silent") return filed;
  const minutes = Math.max(1, Math.round((Date.parse(result.expiresAt) - deps.store.clock()) / 60_000));
  return { ...filed, code: result.code, reply: reply(mode === "full" ? "pairing" : "code", { code: result.code, minutes }) };
}
