import { notifyEnabled, outcomeOf, pendingCards, requestKey, type AuditEntry, type RequestCard, type SentNotification, type StoreDoc } from "../../store/index.js";
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
  const pending = new Set<string>();
  for (const card of pendingCards(doc)) {
    const key = requestKey.of(card);
    pending.add(key);
    for (const ownerId of owners) {
      if (!notifyEnabled(doc, ownerId) || doc.notifications[key]?.[String(ownerId)]) continue;
      jobs.push({ type: "alert", id: `alert|${key}|${ownerId}`, chatId: ownerId, ownerId, key, card });
    }
  }
  const liveTokens = new Set(doc.devices.bootstrapTokens.map((t) => t.id));
  for (const [key, byOwner] of Object.entries(doc.notifications)) {
    const parsed = requestKey.parse(key);
    if (!parsed) continue;
    const { kind, id } = parsed;
    const ended = kind === "setup" ? !liveTokens.has(id) : !pending.has(key);
    if (!ended) continue;
    const outcome = outcomeOf(doc, id);
    for (const [owner, sent] of Object.entries(byOwner)) {
      const ownerId = Number(owner);
      const base = { id: `${kind}|${key}|${owner}|${sent.messageId}`, chatId: sent.chatId, ownerId, key, outcome, sent };
      if (kind === "setup") jobs.push({ ...base, type: "clear-setup" });
      else jobs.push({ ...base, type: "outcome", card: known.get(key) ?? { kind: kind as "dm" | "device", id } });
    }
  }
  return jobs;
}


