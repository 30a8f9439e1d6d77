import { Composer, InputFile } from "grammy";
import QRCode from "qrcode";
import { iso, ms, requestKey } from "../src/store/index.js";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { CAPTION_LIMIT, cutHtml, escapeHtml } from "../src/bot/render/html.js";
import { replyHtml } from "../src/bot/reply.js";

/** Telegram's copy_text buttons hold at most 256 characters; a longer code is still copyable by hand. */
const COPY_TEXT_LIMIT = 256;

/**
 * /pair: instructions, then the setup code alone (so it is the one thing copied); /pair qr: the same
 * as an image. Each code message is recorded so the notifier can remove it once the code is dead.
 */
export function pairSetupCommands(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();

  const issue = async (ctx: PairContext) => {
    const issued = await deps.store.createSetupCode({ url: deps.config.gatewayUrls }, ctx.actor);
    const minutes = Math.max(1, Math.round((ms(issued.expiresAt) - deps.clock()) / 60_000));
    return { ...issued, vars: { until: ctx.speaker.clockTime(issued.expiresAt), minutes } };
  };
  const record = (ctx: PairContext, tokenId: string, sent: { chat: { id: number }; message_id: number }) =>
    deps.store.recordNotification(requestKey.setup(tokenId), ctx.ownerId, { chatId: sent.chat.id, messageId: sent.message_id, sentAt: iso(deps.clock()) });

  pairSubcommand(composer, "", async (ctx, args) => {
    if (args.length > 0) return replyHtml(ctx, ctx.t("usage-pair"));
    const code = await issue(ctx);
    await replyHtml(ctx, ctx.t("pair-instructions", code.vars));
    const copy = code.setupCode.length <= COPY_TEXT_LIMIT ? [[{ text: ctx.t("pair-copy"), copy_text: { text: code.setupCode } }]] : [];
    const sent = await ctx.reply(`<code>${escapeHtml(code.setupCode)}</code>`, { parse_mode: "HTML", reply_markup: { inline_keyboard: copy } });
    await record(ctx, code.tokenId, sent);
  });

  pairSubcommand(composer, "qr", async (ctx, args) => {
    if (args.length > 0) return replyHtml(ctx, ctx.t("usage-simple", { sub: "qr" }));
    const code = await issue(ctx);
    const png = await QRCode.toBuffer(code.setupCode, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 512 });
    const sent = await ctx.replyWithPhoto(new InputFile(png, "pairbot-setup-code.png"), {
      caption: cutHtml(ctx.t("pair-qr-caption", code.vars), CAPTION_LIMIT),
      parse_mode: "HTML",
    });
    await record(ctx, code.tokenId, sent);
  });

  pairSubcommand(composer, "cleanup", async (ctx, args) => {
    if (args.length > 0) return replyHtml(ctx, ctx.t("usage-simple", { sub: "cleanup" }));
    const count = await deps.store.cleanupSetupCodes(ctx.actor);
    return replyHtml(ctx, count > 0 ? ctx.t("cleanup-done", { count }) : ctx.t("cleanup-none"));
  });

  return composer;
}
