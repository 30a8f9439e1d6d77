export { escapeHtml, cutHtml, plainText, TEXT_LIMIT, CAPTION_LIMIT } from "./html.js";
export { renderCard, renderSummary, renderOutcomeLine, renderDevice, actorLabel } from "./cards.js";
export { notificationTexts, type NotificationTextsDeps } from "./notification-texts.js";
