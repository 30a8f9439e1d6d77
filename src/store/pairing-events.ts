import { PairbotError } from "./errors.js";
import type { PairingEventFields, Tx } from "./policy.js";
import type { DeviceRequest, DmRequest, PairedDevice, PairingEvent, StoreDoc } from "./schema.js";

/**
 * Pairing events: what happened to each DM and device pairing, numbered 1, 2, 3, ... in the order it
 * happened. Rules append them (`Tx.event`); channel adapters read them to tell senders the outcome.
 */

export interface PairingEventFilter {
  channel?: string | undefined;
}

const matches = (event: PairingEvent, filter: PairingEventFilter): boolean =>
  filter.channel === undefined || event.channel === filter.channel;

/** The index of the first kept event after `seq` (events are in `seq` order). */
function firstAfter(events: readonly PairingEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every event after `seq`, oldest first. Refuses (`events_pruned`) when some of them are no longer
 * kept: a reader that resumes must not believe it missed nothing.
 */
export function eventsSince(doc: StoreDoc, seq: number, filter: PairingEventFilter = {}): PairingEvent[] {
  if (!Number.isInteger(seq) || seq < 0) {
    throw new PairbotError("invalid_input", `The event sequence number must be a whole number from 0 (given: ${seq}).`);
  }
  const events = doc.events;
  const newest = lastEventSeq(doc);
  // An id from another store, or from before this one was restored: following it would wait for events that already happened.
  if (seq > newest) {
    throw new PairbotError("invalid_input", `Event ${seq} is not in this store: its newest event is ${newest}. Resume from ${newest} for what comes next, or from 0 for every event kept.`, { newestSeq: newest, since: seq });
  }
  const oldest = events[0];
  if (oldest && oldest.seq > seq + 1) {
    throw new PairbotError(
      "events_pruned",
      `Events after ${seq} are no longer all kept: the oldest kept is ${oldest.seq}. Resume from ${oldest.seq - 1} (missing what came between) or start from the newest.`,
      { oldestSeq: oldest.seq, since: seq },
    );
  }
  return events.slice(firstAfter(events, seq)).filter((e) => matches(e, filter));
}

/** The sequence number of the newest event; 0 before the first. */
export const lastEventSeq = (doc: StoreDoc): number => doc.events.at(-1)?.seq ?? 0;

/**
 * Delivers every event after `afterSeq`, once each and in order, as documents arrive (each document
 * holds the kept events, so a reload after a compaction misses nothing; an older document adds nothing).
 * A gap is reported once.
 */
export function eventCursor(afterSeq: number, filter: PairingEventFilter, deliver: (event: PairingEvent) => void, onGap: (error: PairbotError) => void) {
  let last = afterSeq;
  return (doc: Pick<StoreDoc, "events">): void => {
    const events = doc.events;
    const oldest = events[0];
    if (oldest && oldest.seq > last + 1) {
      onGap(new PairbotError("events_pruned", `Events ${last + 1} to ${oldest.seq - 1} were dropped before they could be delivered; continuing from ${oldest.seq}.`, { oldestSeq: oldest.seq, since: last }));
      last = oldest.seq - 1;
    }
    for (let i = firstAfter(events, last); i < events.length; i++) {
      const event = events[i]!;
      last = event.seq;
      if (matches(event, filter)) deliver(event);
    }
  };
}

/** What a DM event says of its request. */
export const dmEventFields = (r: DmRequest): PairingEventFields => ({
  channel: r.channel,
  account: r.account,
  senderId: r.senderId,
  name: r.name,
  locale: r.locale,
  requestId: r.id,
});

/** What a device event says of its request or paired device. */
export const deviceEventFields = (d: DeviceRequest | PairedDevice): PairingEventFields => ({
  deviceId: d.deviceId,
  name: d.name,
  role: d.role,
  requestId: d.requestId,
});

/** The sender of a pending request was let in (until `until`, when temporary): the event hands back the messages held for them. */
export function approvedEvent(tx: Tx, request: DmRequest, until?: string): void {
  tx.event("dm.approved", { ...dmEventFields(request), message: request.message, lastMessage: request.lastMessage, until });
}
