import { createConversation } from "@grammyjs/conversations";
import { Composer } from "grammy";
import { encodeButton } from "../src/bot/callback-data.js";
import { ask, settle, type PairConversation } from "../src/bot/ask.js";
import type { BotDeps, PairContext, PairConversationContext } from "../src/bot/context.js";
import { conversationPlugins } from "../src/bot/conversation-plugins.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { renderDevice } from "../src/bot/render/cards.js";
import { escapeHtml as esc } from "../src/bot/telegram-html.js";
import { storeErrorText } from "../src/bot/reply.js";

/**
 * What a revoke names: a paired device (and the /pair devices card it was started from, to show the
 * outcome there too), or a sender on a channel's allowlist (on the account named, or the only one allowing it).
 */
export type RevokeTarget =
  | { kind: "device"; id: string; cardMessageId?: number | undefined }
  | { kind: "sender"; channel: string; senderId: string; account?: string | undefined };

/** At most this many device cards at once; the CLI lists them all. */
const MAX_DEVICES = 20;

/** Asks "Revoke X?" before removing access; the target is looked up again when confirmed. */
function revokeDialog(deps: BotDeps) {
  return async function revoke(conversation: PairConversation, ctx: PairConversationContext, target: RevokeTarget): Promise<void> {
    // Replayed conversations skip external steps: everything the later steps need comes back from it.
    const question = await conversation.external(async (): Promise<string | { error: string } | { text: string; account: string }> => {
      if (target.kind === "device") {
        const d = await deps.store.findPairedDevice(target.id);
        if (!d) return { error: ctx.t("no-device", { id: esc(target.id) }) };
        return ctx.t("revoke-confirm-device", { name: esc(d.name), platform: esc(d.platform), role: esc(d.role) });
      }
      const accounts = (await deps.store.accountsAllowing(target.channel, target.senderId)).filter((a) => target.account === undefined || a === target.account);
      const sender = { identifier: esc(target.senderId), channel: esc(target.channel) };
      if (accounts.length === 0) return { error: ctx.t("revoke-not-allowed", target.account ? { ...sender, channel: esc(`${target.channel} (${target.account})`) } : sender) };
      if (accounts.length > 1) return { error: ctx.t("revoke-which-account", { ...sender, accounts: esc(accounts.join(", ")) }) };
      return { text: ctx.t("revoke-confirm-sender", { identifier: esc(target.senderId), channel: esc(target.channel) }), account: accounts[0]! };
    });
    if (typeof question !== "string" && "error" in question) {
      await ctx.reply(question.error).catch(() => undefined);
      return;
    }
    const account = typeof question === "string" ? undefined : question.account;
    const answer = await ask(conversation, ctx, typeof question === "string" ? question : question.text, [[{ value: "yes", label: ctx.t("ask-revoke") }, { value: "no", label: ctx.t("ask-no") }]]);
    if (!answer) return;
    if (answer.value !== "yes") return settle(answer, ctx.t("revoke-cancelled"));
    const result = await conversation.external(async () => {
      try {
        if (target.kind === "device") {
          const device = await deps.store.revokeDevice(target.id, ctx.actor);
          if (target.cardMessageId !== undefined) {
            // The card the Revoke button was on tells the same story, and loses its button.
            const card = `${renderDevice(ctx.speaker, device, ctx.ownerId, deps.ownerNames)}\n\n${ctx.t("device-revoked-line", { time: ctx.speaker.clockTime(new Date(deps.clock()).toISOString()) })}`;
            await ctx.api.editMessageText(ctx.ownerId, target.cardMessageId, card, { reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
          }
          return ctx.t("revoked-device", { name: esc(device.name) });
        }
        await deps.store.revokeSender({ channel: target.channel, senderId: target.senderId, account }, ctx.actor);
        return ctx.t("revoked-sender", { identifier: esc(target.senderId), channel: esc(target.channel) });
      } catch (e) {
        return storeErrorText(ctx, e, target.kind === "device" ? target.id : target.senderId);
      }
    });
    await settle(answer, result);
  };
}

/** Starts the revoke dialog (also from a device card's Revoke button). */
export async function startRevoke(ctx: PairContext, target: RevokeTarget): Promise<void> {
  await ctx.conversation.exitAll();
  await ctx.conversation.enter("revoke", target);
}

/** /pair devices (each with Revoke) and /pair revoke <deviceId> | <channel> <senderId>. */
export function pairDevicesCommands(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.use(createConversation(revokeDialog(deps), { id: "revoke", plugins: conversationPlugins(deps) }));

  pairSubcommand(composer, "devices", async (ctx, args) => {
    if (args.length > 0) return ctx.reply(ctx.t("usage-simple", { sub: "devices" }));
    const devices = await deps.store.pairedDevices();
    if (devices.length === 0) return ctx.reply(ctx.t("devices-none"));
    for (const device of devices.slice(0, MAX_DEVICES)) {
      const revoke = { text: ctx.t("button-revoke"), callback_data: encodeButton({ kind: "revoke-device", id: device.deviceId }) };
      await ctx.reply(renderDevice(ctx.speaker, device, ctx.ownerId, deps.ownerNames), { reply_markup: { inline_keyboard: [[revoke]] } });
    }
    return devices.length > MAX_DEVICES ? ctx.reply(ctx.t("devices-more", { more: devices.length - MAX_DEVICES })) : undefined;
  });

  pairSubcommand(composer, "revoke", async (ctx, args) => {
    const [first, second, account] = args;
    if (first === undefined || args.length > 3) return ctx.reply(ctx.t("usage-revoke"));
    try {
      return await startRevoke(ctx, second === undefined ? { kind: "device", id: first } : { kind: "sender", channel: first, senderId: second, account });
    } catch (e) {
      return ctx.reply(storeErrorText(ctx, e, first));
    }
  });
  return composer;
}
