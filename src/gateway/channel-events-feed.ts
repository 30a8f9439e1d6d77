import { isPairbotError, type PairbotError, type PairingEvent, type PairingStore } from "../store/index.js";
import { renderNotice, type ReplyTemplates } from "./replies.js";

/** One pairing event as adapters get it (`pairbot watch --json`, the gateway's event stream): the store's event, and for a DM outcome the notice for the sender. */
export type AdapterEvent = PairingEvent & { notice?: string };

/** A follow under way: `after` is the seq it started after (the newest event when none was given). */
export interface EventFollow {
  after: number;
  stop(): void;
}

export interface FollowHandlers {
  onEvent(event: AdapterEvent): void;
  /** Events were dropped before they could be delivered (`events_pruned`); delivery goes on after them. */
  onGap(error: PairbotError): void;
  /** The store could not be read for a moment; the follow retries by itself. */
  onStoreError(error: unknown): void;
}

/**
 * Starts following: every event after `after` (or from now on), on `channel` only when given, reaches
 * `onEvent` once and in order, the kept ones first and then each as it is saved. Rejects with
 * `events_pruned` before anything is delivered when events after `after` are no longer kept.
 */
export type EventFollower = (from: { after?: number | undefined; channel?: string | undefined }, handlers: FollowHandlers) => Promise<EventFollow>;

/** The store's events, each with its notice rendered in the sender's language (else `defaultLocale`, else English). */
export function storeEventFollower(store: PairingStore, replies: Map<string, ReplyTemplates>, defaultLocale: string): EventFollower {
  return async (from, handlers) => {
    const filter = from.channel === undefined ? {} : { channel: from.channel };
    // Asking for what is kept refuses a resume point that is too old, before anything is sent.
    const after = from.after === undefined ? await store.lastEventSeq() : (await store.eventsSince(from.after, filter), from.after);
    const stop = store.followEvents(
      after,
      (event) => {
        const notice = renderNotice(replies, event, defaultLocale);
        handlers.onEvent(notice === undefined ? event : { ...event, notice });
      },
      {
        filter,
        pollMs: 500, // as the gateway's own feed: within a second even where folder watching fails
        onError: (e) => (isPairbotError(e) && e.code === "events_pruned" ? handlers.onGap(e) : handlers.onStoreError(e)),
      },
    );
    return { after, stop };
  };
}
