import { endedNotifications, needsAlert, pendingCards, requestKey, type AuditEntry, type RequestCard, type SentNotification, type StoreDoc } from "../../store/index.js";
import type { EndedRequest } from "./texts.js";

/** One piece of work for one owner's chat, derived from the store alone. */
export type NotifierJob =
  | { type: "alert"; id: string; chatId: number; ownerId: number; key: string; card: RequestCard }
  | { type: "outcome"; id: string; chatId: number; ownerId: number; key: string; card: EndedRequest; outcome: AuditEntry | undefined; sent: SentNotification }
  | { type: "clear-setup"; id: string; chatId: number; ownerId: number; key: string; outcome: AuditEntry | undefined; sent: SentNotification };

/**
 * Everything the chats should show but do not yet, as seen in one snapshot of the store:
 * an alert per pending request per owner with notifications on that has none recorded; an outcome edit
 * per recorded alert whose request is gone; a clean-up per recorded setup-code message whose code is gone.
 * The same snapshot always gives the same job ids, so the engine can tell planned work from new work.
 * `known` holds the full requests seen earlier, to describe ended ones.
 */
export function planJobs(doc: StoreDoc, owners: readonly number[], known: ReadonlyMap<string, RequestCard>): NotifierJob[] {
  const jobs: NotifierJob[] = [];
  for (const card of pendingCards(doc)) {
    const key = requestKey.of(card);
    for (const ownerId of owners) {
      if (needsAlert(doc, key, ownerId)) jobs.push({ type: "alert", id: `alert|${key}|${ownerId}`, chatId: ownerId, ownerId, key, card });
    }
  }
  for (const { key, kind, id, ownerId, sent, outcome } of endedNotifications(doc)) {
    const base = { id: `${kind}|${key}|${ownerId}|${sent.messageId}`, chatId: sent.chatId, ownerId, key, outcome, sent };
    if (kind === "setup") jobs.push({ ...base, type: "clear-setup" });
    else jobs.push({ ...base, type: "outcome", card: known.get(key) ?? { kind, id } });
  }
  return jobs;
}
