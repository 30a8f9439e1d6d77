import os from "node:os";
import path from "node:path";
import type { StoreBackend } from "./backend.js";
import type { Clock, RandomSource } from "./clock.js";
import { PairbotError } from "./errors.js";
import { FileBackend, writeStoreFiles } from "./file-backend.js";
import { PgBackend, type PgBackendOptions } from "./pg-backend.js";
import { isPostgresUrl, parsePgUrl } from "./pg-url.js";
import type { Policy } from "./policy.js";
import type { StoreDoc } from "./schema.js";
import { PairingStore, defaultStorePath, resolveStoreFile } from "./store.js";

export { isPostgresUrl } from "./pg-url.js";

/** Where the store is: a file path, or a postgres:// URL. */
export type StoreLocation = { kind: "file"; file: string } | { kind: "postgres"; url: string; source?: string };

/** Where a URL came from, as an error sentence names the place to fix it. */
const FROM_STORE_FLAG = "the URL given with --store";

/**
 * The one place that decides where the store is: an explicit --store (a path or a URL) wins, then
 * STORE_URL (PostgreSQL), then STORE_PATH (a file), then ~/.pairbot/store.json.
 */
export function storeLocation(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
  if (explicit !== undefined) return locationOf(explicit, FROM_STORE_FLAG);
  const url = blank(env["STORE_URL"]);
  const file = blank(env["STORE_PATH"]);
  if (url && file) throw new PairbotError("config_invalid", "Set STORE_URL (PostgreSQL) or STORE_PATH (a file), not both: remove one of them from the environment or .env.");
  if (url) {
    if (!isPostgresUrl(url)) throw new PairbotError("config_invalid", "STORE_URL must be a postgres:// URL, like postgres://pairbot@db.example.com:5432/pairbot; for a file use STORE_PATH.");
    return { kind: "postgres", url, source: "STORE_URL" };
  }
  return { kind: "file", file: file ?? defaultStorePath() };
}

/** What to print about a location: the file, or the URL without its password. */
export const describeLocation = (where: StoreLocation): string => (where.kind === "file" ? where.file : parsePgUrl(where.url, where.source).description);

/** A path or a URL the user typed; `source` names where (an argument, a flag) for error sentences about the URL. */
export function locationOf(value: string, source?: string): StoreLocation {
  if (isPostgresUrl(value)) return { kind: "postgres", url: value, ...(source ? { source } : {}) };
  return { kind: "file", file: value.startsWith("~/") ? path.join(os.homedir(), value.slice(2)) : value };
}

const pgUrlOf = (where: { url: string; source?: string }): { url: string; urlSource?: string } => ({ url: where.url, ...(where.source ? { urlSource: where.source } : {}) });

export interface OpenStoreOptions {
  location: StoreLocation | string;
  clock?: Clock;
  random?: RandomSource;
  policy?: Partial<Policy>;
  /** Tuning of the PostgreSQL backend (pool, timeouts, compaction, logging). */
  postgres?: Omit<PgBackendOptions, "url">;
}

/** Opens the backend a location names; the caller owns it (close it when done). */
function openBackend(location: StoreLocation | string, postgres: Omit<PgBackendOptions, "url"> = {}): StoreBackend {
  const where = typeof location === "string" ? locationOf(location) : location;
  return where.kind === "postgres" ? new PgBackend({ ...postgres, ...pgUrlOf(where) }) : new FileBackend(resolveStoreFile(where.file));
}

/**
 * Opens the pairing store a location names. A file store shares this process's backend for that file;
 * a PostgreSQL store gets its own connection pool (connected on first use: errors surface there).
 */
export function openStore(options: OpenStoreOptions): PairingStore {
  const where = typeof options.location === "string" ? locationOf(options.location) : options.location;
  const common = { ...(options.clock ? { clock: options.clock } : {}), ...(options.random ? { random: options.random } : {}), ...(options.policy ? { policy: options.policy } : {}) };
  if (where.kind === "file") return new PairingStore({ file: where.file, ...common });
  const backend = new PgBackend({ ...options.postgres, ...pgUrlOf(where) });
  return new PairingStore({ file: backend.description, backend, ...common });
}

/** Reads a whole store as a new process would, sharing nothing cached. */
export async function readWholeStore(location: StoreLocation | string): Promise<StoreDoc> {
  const backend = openBackend(location, { log: () => undefined });
  try {
    return await backend.current();
  } finally {
    await backend.close();
  }
}

/** Replaces a whole store with `doc` (what `pairbot store copy` writes). */
export async function writeWholeStore(location: StoreLocation | string, doc: StoreDoc): Promise<void> {
  const where = typeof location === "string" ? locationOf(location) : location;
  if (where.kind === "file") return writeStoreFiles(resolveStoreFile(where.file), doc);
  const backend = new PgBackend({ ...pgUrlOf(where), log: () => undefined });
  try {
    await backend.replaceAll(doc);
  } finally {
    await backend.close();
  }
}
