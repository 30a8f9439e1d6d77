import { mkdirSync, watch, type FSWatcher } from "node:fs";
import type { StoreBackend } from "./backend.js";
import type { StoreEvent } from "./events.js";
import type { StoreDoc } from "./schema.js";

export interface FeedOptions {
  /** A safety net beside the folder watch, and the only source where watching fails. */
  pollMs?: number;
  onError?: (error: unknown) => void;
  /** For the times `health()` reports; the system clock by default. */
  clock?: () => number;
}

/** How a feed is doing, for a status page: whether it is woken at once or only polls, and what it last saw. */
export interface FeedHealth {
  mode: "watching" | "polling";
  /** When the last commit (from any process) reached it. */
  lastChangeAt: number | undefined;
  /** The last failure to read the store, if it came after the last change. */
  lastError: { message: string; at: number } | undefined;
}

export interface StoreFeed {
  /** Resolves once the store is read: events after it are changes to it. */
  ready: Promise<StoreDoc>;
  health(): FeedHealth;
  close(): void;
}

/**
 * Follows the store: every commit, from this process or another, reaches `listener` as events. The
 * backend wakes the feed when another process may have committed (the file backend: a watch on the
 * store's folder, with a slow poll as the safety net); each wake-up reads only what is new.
 */
export function watchStore(backend: StoreBackend, listener: (events: StoreEvent[], doc: StoreDoc) => void, options: FeedOptions = {}): StoreFeed {
  const clock = options.clock ?? Date.now;
  let lastChangeAt: number | undefined;
  let lastError: FeedHealth["lastError"];
  const onError = (e: unknown) => {
    lastError = { message: e instanceof Error ? e.message : String(e), at: clock() };
    options.onError?.(e);
  };
  let closed = false;
  const refresh = () => {
    if (!closed) backend.current().catch((e: unknown) => closed || onError(e));
  };
  const unsubscribe = backend.subscribe((events, doc) => {
    if (closed) return;
    lastChangeAt = clock();
    lastError = undefined;
    listener(events, doc);
  });
  const stopWatching = backend.watchOthers(refresh, onError, options.pollMs);
  const ready = backend.current();
  ready.catch(onError);
  return {
    ready,
    health: () => ({ mode: backend.watching?.() ? "watching" : "polling", lastChangeAt, lastError }),
    close() {
      closed = true;
      unsubscribe();
      stopWatching();
    },
  };
}

/** A folder watch: how to stop it, and whether the watch (not only the poll) still works. */
export interface FolderWatch {
  stop(): void;
  watching(): boolean;
}

/** Wakes `wake` when something in `folder` changes (the journal grows or is replaced), and every `pollMs`. */
export function watchFolder(folder: string, wake: () => void, onError: (e: unknown) => void, pollMs?: number): FolderWatch {
  let watcher: FSWatcher | undefined;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 }); // a folder that appears later would never be watched
    watcher = watch(folder, { persistent: false }, () => wake());
    watcher.on("error", (e) => {
      watcher = undefined; // the poll carries on alone
      onError(e);
    });
  } catch (e) {
    onError(e);
  }
  const poll = setInterval(wake, pollMs ?? (watcher ? 2000 : 500));
  poll.unref();
  return {
    stop() {
      watcher?.close();
      clearInterval(poll);
    },
    watching: () => watcher !== undefined,
  };
}
