import { eventCursor, type PairbotError, type PairingEvent, type PairingStore, type StoreDoc, type StoreFeed } from "../store/index.js";
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

/** One follow's share of the feed: its own place in the events, and where its store errors go. */
interface Follower {
  take(doc: Pick<StoreDoc, "events">): void;
  onStoreError(error: unknown): void;
}

/**
 * The store's events, each with its notice rendered in the sender's language (else `defaultLocale`, else
 * English). Every follow of one follower shares one watch of the store (a gateway with a thousand streams
 * reads each commit once, not a thousand times); each keeps its own cursor, so none misses or repeats one.
 */
export function storeEventFollower(store: PairingStore, replies: Map<string, ReplyTemplates>, defaultLocale: string): EventFollower {
  const followers = new Set<Follower>();
  let feed: StoreFeed | undefined;
  const watch = (): StoreFeed =>
    store.watch((_events, doc) => {
      for (const follower of followers) follower.take(doc);
    }, {
      pollMs: 500, // as the gateway's own feed: within a second even where folder watching fails
      // One report per distinct handler: the gateway's streams share one reporter.
      onError: (e) => {
        for (const report of new Set([...followers].map((f) => f.onStoreError))) report(e);
      },
    });

  return async (from, handlers) => {
    const filter = from.channel === undefined ? {} : { channel: from.channel };
    const after = from.after ?? (await store.lastEventSeq());
    const cursor = eventCursor(after, filter, (event) => {
      const notice = renderNotice(replies, event, defaultLocale);
      handlers.onEvent(notice === undefined ? event : { ...event, notice });
    }, handlers.onGap);
    // Joined before the kept events are read, so a commit meanwhile is not missed; held until they are out, so order holds.
    let held: Pick<StoreDoc, "events"> | undefined;
    let started = false;
    const follower: Follower = { take: (doc) => (started ? cursor(doc) : (held = doc)), onStoreError: handlers.onStoreError };
    followers.add(follower);
    feed ??= watch();
    const stop = () => {
      if (!followers.delete(follower) || followers.size > 0) return;
      feed?.close();
      feed = undefined;
    };
    let kept: PairingEvent[];
    try {
      // Refuses a resume point that is too old, before anything is sent.
      kept = await store.eventsSince(after);
    } catch (e) {
      stop();
      throw e;
    }
    started = true;
    cursor({ events: kept });
    if (held) cursor(held);
    return { after, stop };
  };
}
