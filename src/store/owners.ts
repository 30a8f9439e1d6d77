import type { Tx } from "./policy.js";
import { findCard, notifiedRequest, oneShotKey, ownerSettings, requestKey, type RequestKey } from "./queries.js";
import type { OwnerSettings, SentNotification } from "./schema.js";

/** Owners and what the bot told them: notification switches, language, zone, and the alerts it sent. */

/** `/pair notify on|off`: every request announced, or none; either ends a one-shot. */
export function setNotify(tx: Tx, ownerId: number, on: boolean): void {
  const { notifyOnce: _ended, ...owner } = ownerSettings(tx.doc, ownerId);
  tx.putOwner(String(ownerId), { ...owner, notify: on });
}

/** `/pair notify once`: with notifications off, the next request filed from now on is announced; "on" when there is nothing to arm. */
export function armNotifyOnce(tx: Tx, ownerId: number): "on" | "once" {
  const owner = ownerSettings(tx.doc, ownerId);
  if (owner.notify) return "on";
  tx.putOwner(String(ownerId), { ...owner, notifyOnce: tx.nowIso });
  return "once";
}

/** Keeps an owner's language or zone (already checked); writes only when it changed. */
export function setOwnerPreference(tx: Tx, ownerId: number, preference: Pick<OwnerSettings, "locale" | "timeZone">): void {
  const owner = ownerSettings(tx.doc, ownerId);
  const updated = { ...owner, ...preference };
  if (updated.locale !== owner.locale || updated.timeZone !== owner.timeZone) tx.putOwner(String(ownerId), updated);
}

/**
 * Records the message a request's alert (or a setup code) went out in, with what identifies the request
 * (`about`). An alert also notes when the owner was last alerted, and uses up their one-shot if it was that.
 */
export function recordNotification(tx: Tx, key: RequestKey, ownerId: number, sent: Omit<SentNotification, "about">): void {
  const oneShot = oneShotKey(tx.doc, ownerId) === key;
  const parsed = requestKey.parse(key);
  const card = parsed && parsed.kind !== "setup" ? findCard(tx.doc, parsed.kind, parsed.id) : undefined;
  tx.putNotification(key, String(ownerId), card ? { ...sent, about: notifiedRequest(card) } : sent);
  if (parsed?.kind === "setup") return;
  const { notifyOnce, ...owner } = ownerSettings(tx.doc, ownerId);
  tx.putOwner(String(ownerId), { ...owner, ...(notifyOnce && !oneShot ? { notifyOnce } : {}), lastAlertAt: sent.sentAt });
}

/** Forgets the alerts of one message at once: a message half forgotten would be edited to its rest. */
export function forgetNotification(tx: Tx, keys: readonly RequestKey[], ownerId: number): void {
  for (const key of keys) {
    const sent = tx.doc.notifications[key];
    if (sent && Object.hasOwn(sent, String(ownerId))) tx.removeNotification(key, String(ownerId));
  }
}
