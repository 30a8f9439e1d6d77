import { parseDuration } from "../../store/duration.js";
import type { ArgDef, FlagDef } from "../define.js";

/** The words that name a sender, written once for every command that takes them. */

export const CHANNEL_ARG = { name: "channel", description: "the chat channel as the gateway names it: whatsapp, telegram, signal, ..." } as const satisfies ArgDef;

export const SENDER_ARG = { name: "senderId", description: "the sender's id on that channel: +491701234567, 123456789, ..." } as const satisfies ArgDef;

/** `--for 24h`: access that ends by itself. */
export const FOR_FLAG = {
  type: "string",
  value: "DURATION",
  description: "access that ends by itself after this long: <n>s, <n>m, <n>h or <n>d (24h, 7d)",
} as const satisfies FlagDef;

/** `--for` as milliseconds; undefined without the flag, `invalid_input` for what is not a duration. */
export const accessFor = (text: string | undefined): number | undefined => (text === undefined ? undefined : parseDuration(text, "--for"));

export const ACCOUNT_FLAG = {
  type: "string",
  value: "A",
  description: "the channel account, when a channel has several (default: default)",
} as const satisfies FlagDef;
