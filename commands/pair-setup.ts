import { Composer, InputFile } from "grammy";
import QRCode from "qrcode";
import { iso, ms, requestKey, type CreatedSetupCode, type Role } from "../src/store/index.js";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { escapeHtml } from "../src/bot/telegram-html.js";

/** Telegram's copy_text buttons hold at most 256 characters; a longer code is still copyable by hand. */
const COPY_TEXT_LIMIT = 256;

/** "" or "operator" after the subcommand: the role asked for; anything else is undefined (usage). */
const roleOf = (args: string[]): Role | undefined => (args.length === 0 ? "node" : args.length === 1 && args[0]!.toLowerCase() === "operator" ? "operator" : undefined);

/**
 * /pair [operator]: instructions, then the setup code alone (so it is the one thing copied); /pair qr: the
 * same as an image. Each code message is recorded so the notifier can remove it once the code is dead.
 */
export function pairSetupCommands(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();

  const issue = async (ctx: PairContext, role: Role) => {
    const issued = await deps.store.createSetupCode({ url: deps.config.gatewayUrls, role }, ctx.actor);
    const minutes = Math.max(1, Math.round((ms(issued.expiresAt) - deps.clock()) / 60_000));
    return { ...issued, vars: { until: ctx.speaker.clockTime(issued.expiresAt), minutes }, notes: accessNotes(ctx, issued) };
  };
  const record = async (ctx: PairContext, tokenId: string, sent: { chat: { id: number }; message_id: number }) => {
    await deps.store.recordNotification(requestKey.setup(tokenId), ctx.ownerId, { chatId: sent.chat.id, messageId: sent.message_id, sentAt: iso(deps.clock()) });
    deps.notifier.refresh(); // the record is no feed event: the code may have died before it was written
  };

  const pair = async (ctx: PairContext, role: Role | undefined) => {
    if (!role) return ctx.reply(ctx.t("usage-pair"));
    const code = await issue(ctx, role);
    await ctx.reply([ctx.t("pair-instructions", code.vars), ...code.notes].join("\n\n"));
    const copy = code.setupCode.length <= COPY_TEXT_LIMIT ? [[{ text: ctx.t("pair-copy"), copy_text: { text: code.setupCode } }]] : [];
    const sent = await ctx.reply(`<code>${escapeHtml(code.setupCode)}</code>`, { reply_markup: { inline_keyboard: copy } });
    return record(ctx, code.tokenId, sent);
  };
  pairSubcommand(composer, "", (ctx) => pair(ctx, "node"));
  pairSubcommand(composer, "operator", (ctx, args) => pair(ctx, args.length === 0 ? "operator" : undefined));

  pairSubcommand(composer, "qr", async (ctx, args) => {
    const role = roleOf(args);
    if (!role) {
      await ctx.reply(ctx.t("usage-pair"));
      return;
    }
    const code = await issue(ctx, role);
    let sent;
    try {
      const png = await QRCode.toBuffer(code.setupCode, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 512 });
      sent = await ctx.replyWithPhoto(new InputFile(png, "pairbot-setup-code.png"), {
        caption: [ctx.t("pair-qr-caption", code.vars), ...code.notes].join("\n\n"),
      });
    } catch (error) {
      // Telegram may have shown the image before it failed: a code that may have been seen must not stay valid.
      await deps.store.withdrawSetupCode(code.tokenId, ctx.actor);
      deps.logger.warn({ err: error, tokenId: code.tokenId }, "the QR image could not be sent; its setup code was withdrawn");
      await ctx.reply(ctx.t("pair-qr-failed"));
      return;
    }
    await record(ctx, code.tokenId, sent);
    // A code shown to a camera means a request is coming: an owner with notifications off hears of that one.
    if ((await deps.store.armNotifyOnce(ctx.ownerId)) === "once") await ctx.reply(ctx.t("pair-qr-armed"));
  });

  pairSubcommand(composer, "cleanup", async (ctx, args) => {
    if (args.length > 0) return ctx.reply(ctx.t("usage-simple", { sub: "cleanup" }));
    const count = await deps.store.cleanupSetupCodes(ctx.actor);
    return ctx.reply(count > 0 ? ctx.t("cleanup-done", { count }) : ctx.t("cleanup-none"));
  });

  return composer;
}

/** Where the device will knock, and what the code may pair when an address is plain ws:// across a network. */
function accessNotes(ctx: PairContext, code: CreatedSetupCode): string[] {
  const notes = code.urls.length > 1 ? [ctx.t("pair-addresses", { urls: code.urls.map((u) => `<code>${escapeHtml(u)}</code>`).join(", ") })] : [];
  if (code.downgraded) notes.push(ctx.t("pair-downgraded"));
  else if (code.access === "limited" && code.role === "node") notes.push(ctx.t("pair-limited"));
  return notes;
}
