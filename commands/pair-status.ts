import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { actorLabel } from "../src/bot/render/cards.js";
import { escapeHtml as esc } from "../src/bot/telegram-html.js";
import { probeGateway } from "../src/node/probe.js";
import { accessOf, iso } from "../src/store/index.js";

/** How long /pair status waits for each gateway address to answer. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * /pair status: one message with what an owner checks when alerts seem late or devices cannot pair: the
 * store and its backend, the change feed (woken at once or polling, last change), what is pending, the
 * last alert and to whom, and whether each gateway address in setup codes answers (probed now).
 */
export function pairStatusCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  pairSubcommand(composer, "status", async (ctx, args) => {
    if (args.length > 0) return ctx.reply(ctx.t("usage-simple", { sub: "status" }));
    const s = ctx.speaker;
    const urls = deps.config.gatewayUrls;
    const [pending, last, probes] = await Promise.all([deps.store.pending(), deps.store.lastAlert(), Promise.all(urls.map((u) => probeGateway(u, PROBE_TIMEOUT_MS)))]);

    const health = deps.notifier.feedHealth();
    let feed = ctx.t("status-feed-off");
    if (health?.lastError) feed = ctx.t("status-feed-failing", { error: esc(health.lastError.message), age: s.relative(iso(health.lastError.at)) });
    else if (health) {
      const mode = ctx.t(`status-feed-${health.mode}`);
      feed = health.lastChangeAt === undefined ? ctx.t("status-feed-quiet", { mode }) : ctx.t("status-feed", { mode, age: s.relative(iso(health.lastChangeAt)) });
    }
    const lastAlert = last
      ? ctx.t("status-last-alert", { age: s.relative(last.at), owner: actorLabel(s, `telegram:${last.ownerId}`, ctx.ownerId, deps.ownerNames) })
      : ctx.t("status-last-alert-none");
    const gateways = probes.map((p) => (p.answers ? ctx.t("status-gateway-up", { url: esc(p.url) }) : ctx.t("status-gateway-down", { url: esc(p.url), reason: esc(p.reason) })));
    if (accessOf(urls) === "limited") gateways.push(ctx.t("status-gateway-limited"));

    return ctx.reply(
      ctx.t("status", {
        store: esc(deps.store.description),
        backend: ctx.t(`status-backend-${deps.config.store.kind}`),
        feed,
        devices: pending.devices.length,
        dms: pending.dm.length,
        lastAlert,
        gateways: gateways.join("\n"),
      }),
    );
  });
  return composer;
}
