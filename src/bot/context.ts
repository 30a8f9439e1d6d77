import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Clock, PairingStore } from "../store/index.js";
import type { BotTexts, Speaker, TextVars } from "./bot-texts.js";
import type { BotConfig } from "./config.js";
import type { Logger } from "./logger.js";
import type { Notifier } from "./notifier/notifier.js";

/** What every feature gets: `(deps) => Composer`. Settings, the store, texts, logs, time, the notifier. */
export interface BotDeps {
  config: BotConfig;
  store: PairingStore;
  logger: Logger;
  texts: BotTexts;
  clock: Clock;
  /** Push notifications; commands tell it about cards they show and owners who came back. */
  notifier: Notifier;
  /** Owners by first name, as their updates show them ("Approved by Max"). */
  ownerNames: Map<number, string>;
  /** Owners whose chat has the command menu already (set at start, or on their first /start). */
  ownersWithMenu: Set<number>;
}

/** Added to every owner's update by the owner guard. */
export interface PairFlavor {
  /** The owner's texts, in their language and time zone. */
  speaker: Speaker;
  t: (key: string, vars?: TextVars) => string;
  /** Who acts in the store's audit: "telegram:<userId>". */
  actor: string;
  ownerId: number;
}

/** The context inside conversations (they get the same flavor through their plugins). */
export type PairConversationContext = Context & PairFlavor;
export type PairContext = ConversationFlavor<Context & PairFlavor>;
