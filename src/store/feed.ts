import { mkdirSync, watch, type FSWatcher } from "node:fs";
import type { StoreBackend } from "./backend.js";
import type { StoreEvent } from "./events.js";
import type { StoreDoc } from "./schema.js";

export interface FeedOptions {
  /** A safety net beside the folder watch, and the only source where watching fails. */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export interface StoreFeed {
  /** Resolves once the store is read: events after it are changes to it. */
  ready: Promise<StoreDoc>;
  close(): void;
}

/**
 * Follows the store: every commit, from this process or another, reaches `listener` as events. The
 * backend wakes the feed when another process may have committed (the file backend: a watch on the
 * store's folder, with a slow poll as the safety net); each wake-up reads only what is new.
 */
export function watchStore(backend: StoreBackend, listener: (events: StoreEvent[], doc: StoreDoc) => void, options: FeedOptions = {}): StoreFeed {
  const onError = options.onError ?? (() => undefined);
  let closed = false;
  const refresh = () => {
    if (!closed) backend.current().catch((e: unknown) => closed || onError(e));
  };
  const unsubscribe = backend.subscribe((events, doc) => {
    if (!closed) listener(events, doc);
  });
  const stopWatching = backend.watchOthers(refresh, onError, options.pollMs);
  const ready = backend.current();
  ready.catch(onError);
  return {
    ready,
    close() {
      closed = true;
      unsubscribe();
      stopWatching();
    },
  };
}

/** Wakes `wake` when something in `folder` changes (the journal grows or is replaced), and every `pollMs`. */
export function watchFolder(folder: string, wake: () => void, onError: (e: unknown) => void, pollMs?: number): () => void {
  let watcher: FSWatcher | undefined;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 }); // a folder that appears later would never be watched
    watcher = watch(folder, { persistent: false }, () => wake());
    watcher.on("error", (e) => onError(e));
  } catch (e) {
    onError(e);
  }
  const poll = setInterval(wake, pollMs ?? (watcher ? 2000 : 500));
  poll.unref();
  return () => {
    watcher?.close();
    clearInterval(poll);
  };
}
