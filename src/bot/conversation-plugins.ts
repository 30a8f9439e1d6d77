import { autoRetry } from "@grammyjs/auto-retry";
import type { Middleware } from "grammy";
import type { BotDeps, PairConversationContext } from "./context.js";
import { htmlMode } from "./html-mode.js";
import { speakAsOwner } from "./owner-guard.js";

export type ConversationPlugins = Middleware<PairConversationContext>[];

/**
 * What a conversation's own context objects need: they skip the bot's middleware and API
 * transformers, so the owner's texts, auto-retry and the HTML mode are installed again here.
 */
export function conversationPlugins(deps: BotDeps): ConversationPlugins {
  return [
    async (ctx, next) => {
      ctx.api.config.use(autoRetry());
      ctx.api.config.use(htmlMode);
      await speakAsOwner(ctx, deps);
      await next();
    },
  ];
}
