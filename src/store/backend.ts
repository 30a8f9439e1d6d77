import type { Effect } from "./effects.js";
import type { StoreEvent } from "./events.js";
import type { StoreDoc } from "./schema.js";

/**
 * Runs the rules of one batch on the current document: returns the effects they made (already applied
 * to `doc`) and how to take them back, should the backend find another writer got there first.
 */
export type Committer = (doc: StoreDoc) => { effects: Effect[]; undo: () => void };

/**
 * Where the store is kept: the seam between the rules (pure, in dm.ts and devices.ts) and a backend
 * (the file, or a database). A backend keeps every process's state current, commits one batch of
 * effects at a time as if alone, and tells subscribers what every commit, from any process, changed.
 */
export interface StoreBackend {
  /** What to name in messages: a file path, or a database URL without its password. */
  readonly description: string;
  /** The current state, caught up with every other process. Read-only for callers. */
  current(): Promise<StoreDoc>;
  /** Runs `apply` on the current state, alone, and saves its effects atomically and durably. */
  commit(apply: Committer): Promise<void>;
  /** Events of every commit this process learns of (its own and others'), once `current()` ran. */
  subscribe(listener: (events: StoreEvent[], doc: StoreDoc) => void): () => void;
  /** Whether other processes' commits wake this one at once (a folder watch, LISTEN), not only the poll. */
  watching?(): boolean;
  /** Calls `wake` whenever another process may have committed; returns how to stop. */
  watchOthers(wake: () => void, onError: (e: unknown) => void, pollMs?: number): () => void;
  close(): Promise<void>;
}
