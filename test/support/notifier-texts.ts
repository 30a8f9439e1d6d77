import { decisionKeyboard, type NotificationTexts } from "../../src/bot/notifier/texts.js";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Plain texts for engine tests that do not care how the bot words things. */
export const plainTexts: NotificationTexts = {
  request(card) {
    const what = card.kind === "dm" ? `DM ${card.request.channel} ${card.request.senderId} code ${card.request.code}` : `device ${card.request.name}`;
    return { text: `<b>New request</b>: ${escape(what)}`, reply_markup: decisionKeyboard(card, { approve: "Approve", deny: "Deny" }) };
  },
  outcome(card, outcome) {
    const what = card.request ? (card.kind === "dm" ? `DM ${card.request.channel} ${card.request.senderId}` : `device ${card.request.name}`) : card.id;
    return { text: `${escape(what)}: ${outcome ? `${outcome.action} by ${escape(outcome.actor)} at ${outcome.at}` : "no longer pending"}` };
  },
  setupCodeGone(outcome) {
    return { text: `Setup code no longer valid (${outcome?.action ?? "gone"}).` };
  },
};
