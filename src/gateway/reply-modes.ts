import { parsePerChannel } from "./channel-settings.js";

/**
 * What a channel sends back to a stranger: `full` (the code and how the owner approves), `code-only`
 * (the code alone, only when there is one), `silent` (nothing; the request is still filed).
 */
export const REPLY_MODES = ["full", "code-only", "silent"] as const;
export type ReplyMode = (typeof REPLY_MODES)[number];
export type ReplyModes = ReadonlyMap<string, ReplyMode>;

export const replyModeFor = (modes: ReplyModes, channel: string): ReplyMode => modes.get(channel) ?? modes.get("*") ?? "full";

/** Parses "whatsapp=silent,signal=code-only,*=full" (from --replies or GATEWAY_REPLIES). */
export const parseReplyModes = (text: string, source = "--replies"): Map<string, ReplyMode> =>
  parsePerChannel(text, source, "mode", REPLY_MODES, "whatsapp=silent,signal=code-only") as Map<string, ReplyMode>;
