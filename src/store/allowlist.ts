import { ms } from "./clock.js";
import { PairbotError } from "./errors.js";
import { liftBlock, subjectOf } from "./blocks.js";
import { approvedEvent } from "./pairing-events.js";
import type { Tx } from "./policy.js";
import type { AllowEntry, StoreDoc } from "./schema.js";
import { temporaryEntries } from "./temporary-access.js";
import * as valid from "./validate.js";

/** The allowlist: who may message the assistant on each channel and account, for good or until a time. */

/** Whether an allowlist entry still lets its sender in at `now`: temporary access counts until it ends. */
export const isCurrent = (entry: AllowEntry, now: number): boolean => entry.until === undefined || ms(entry.until) > now;

/** Whether a sender (its id in the one form) is on the allowlist at `now`. */
export function isAllowed(doc: StoreDoc, channel: string, senderId: string, account: string, now: number): boolean {
  const senders = doc.dm.allowlist[channel]?.[account];
  const entry = senders && Object.hasOwn(senders, senderId) ? senders[senderId] : undefined;
  return entry !== undefined && isCurrent(entry, now);
}

/** How long access lasts, when it is temporary: `forMs` from now. */
export const untilOf = (tx: Tx, forMs: number | undefined): string | undefined => {
  if (forMs === undefined) return undefined;
  if (!Number.isInteger(forMs) || forMs <= 0) throw new PairbotError("invalid_input", "Temporary access needs a duration, like 24h or 7d.");
  return new Date(tx.now + forMs).toISOString();
};

/** A sender as the allowlist now holds it: the id in its one form. */
export interface AllowedSender {
  channel: string;
  account: string;
  senderId: string;
  name?: string;
  until?: string;
}

export function allowSender(
  tx: Tx,
  input: { channel: string; account?: string | undefined; senderId: string; name?: string | undefined; forMs?: number | undefined },
  actor: string,
): AllowedSender {
  const channel = valid.channelName(input.channel);
  const account = valid.accountName(input.account);
  const senderId = valid.senderIdOn(channel, input.senderId);
  const name = valid.optionalText("name", input.name, valid.LIMITS.name);
  const until = untilOf(tx, input.forMs);
  tx.putAllowEntry(channel, account, senderId, { ...(name ? { name } : {}), addedAt: tx.nowIso, addedBy: actor, ...(until ? { until } : {}) });
  liftBlock(tx, channel, account, senderId);
  const pending = tx.doc.dm.requests.find((r) => r.channel === channel && r.account === account && r.senderId === senderId);
  if (pending) tx.removeDmRequest(pending.id);
  tx.audit("allow", actor, subjectOf({ channel, account, senderId }), pending?.id, pending?.code);
  if (pending) approvedEvent(tx, pending, until);
  return { channel, account, senderId, ...(name ? { name } : {}), ...(until ? { until } : {}) };
}

/** Removes a sender from the allowlist ("revoke" when it came from an approval). */
export function removeSender(tx: Tx, input: { channel: string; account?: string | undefined; senderId: string }, actor: string, action: "revoke" | "disallow"): AllowedSender {
  const channel = valid.channelName(input.channel);
  const account = valid.accountName(input.account);
  const senderId = valid.senderIdOn(channel, input.senderId);
  if (!tx.allowEntry(channel, account, senderId)) {
    throw new PairbotError("not_found", `Sender ${senderId} is not on the allowlist of ${channel}${account === "default" ? "" : ` (account ${account})`}, so there is nothing to take off; check the channel and the sender id.`);
  }
  const entry = tx.allowEntry(channel, account, senderId)!;
  tx.removeAllowEntry(channel, account, senderId);
  tx.audit(action, actor, subjectOf({ channel, account, senderId }));
  tx.event("dm.revoked", { channel, account, senderId, name: entry.name, reason: action === "revoke" ? "revoked" : "removed" });
  return { channel, account, senderId };
}

/** Ends temporary access whose time has come, as if revoked by the clock. Changes the allowlist: only in a change, never in a read. */
export function pruneAccess(tx: Tx): void {
  for (const e of temporaryEntries(tx.doc.dm.allowlist)) {
    if (ms(e.until) > tx.now) continue;
    const entry = tx.allowEntry(e.channel, e.account, e.senderId);
    tx.removeAllowEntry(e.channel, e.account, e.senderId);
    tx.audit("expire", "clock", subjectOf(e));
    tx.event("dm.revoked", { channel: e.channel, account: e.account, senderId: e.senderId, name: entry?.name, reason: "expired", until: e.until });
  }
}

