import type { Clock } from "../../store/index.js";
import type { Locale } from "../config.js";
import { decisionKeyboard, type NotificationTexts, type RenderedText } from "../notifier/texts.js";
import type { BotTexts, Speaker } from "../texts.js";
import { renderCard, renderOutcomeLine, renderSummary } from "./cards.js";
import { cutHtml, escapeHtml } from "./html.js";

export interface NotificationTextsDeps {
  texts: BotTexts;
  clock: Clock;
  /** The language an owner last wrote in; the default language until then. */
  localeOf: (ownerId: number) => Locale;
}

/** What the push notifications say, in each owner's language, from the same cards as /pair pending. */
export function notificationTexts(deps: NotificationTextsDeps): NotificationTexts {
  const speaker = (ownerId: number): Speaker => deps.texts.speaker(deps.localeOf(ownerId), deps.clock);
  return {
    request(card, ownerId) {
      const s = speaker(ownerId);
      return {
        text: cutHtml(renderCard(s, card)),
        reply_markup: decisionKeyboard(card, { approve: s.t("button-approve"), deny: s.t("button-deny"), approveForADay: s.t("button-approve-day"), denyAndBlock: s.t("button-deny-block") }),
      };
    },
    outcome(card, outcome, ownerId): RenderedText {
      const s = speaker(ownerId);
      // A request that came and went while the bot was down is known only by the audit's subject.
      const summary = card.request ? renderSummary(s, card) : escapeHtml(outcome?.subject ?? card.id);
      return { text: cutHtml(`${summary}\n\n${renderOutcomeLine(s, outcome, ownerId)}`) };
    },
    setupCodeGone(outcome, ownerId): RenderedText {
      const s = speaker(ownerId);
      const action = outcome?.action;
      const key = action === "token" || action === "expire" || action === "cleanup" || action === "reject" ? action : "unknown";
      return { text: s.t(`setup-gone-${key}`) };
    },
  };
}
