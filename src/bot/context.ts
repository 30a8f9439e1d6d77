import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Clock, PairingStore } from "../store/index.js";
import type { BotConfig, Locale } from "./config.js";
import type { Logger } from "./logger.js";
import type { BotTexts, Speaker, TextVars } from "./texts.js";

/** What every feature gets from createBot: settings, the store, texts, logs and time. */
export interface BotDeps {
  config: BotConfig;
  store: PairingStore;
  logger: Logger;
  texts: BotTexts;
  clock: Clock;
  /** The language each owner last wrote in, so push notifications speak it too. */
  ownerLocales: Map<number, Locale>;
  /** Owners whose chat has the command menu already (set at start, or on their first /start). */
  ownersWithMenu: Set<number>;
}

/** Added to every update by the owner guard and the texts middleware. */
export interface PairFlavor {
  /** The owner's texts, in their language. */
  speaker: Speaker;
  t: (key: string, vars?: TextVars) => string;
  /** Who acts in the store's audit: "telegram:<userId>". */
  actor: string;
  ownerId: number;
}

/** The context inside conversations (they get the same flavor through their plugins). */
export type PairConversationContext = Context & PairFlavor;
export type PairContext = ConversationFlavor<Context & PairFlavor>;
