import { promises as fs } from "node:fs";
import path from "node:path";
import { storeCounts } from "./copy.js";
import { LOCK_STALE_MS } from "./lock.js";
import { describeLocation, readWholeStore, type StoreLocation } from "./open.js";
import { STORE_VERSION } from "./schema.js";
import { resolveStoreFile } from "./store.js";

/** What `pairbot doctor` reports about a store: facts only; the door says what to do about them. */
export interface StoreHealth {
  name: string;
  /** The file store's files; undefined for PostgreSQL. */
  files?: {
    folder: string;
    /** Permission bits (0o700), or undefined when the folder does not exist yet. */
    folderMode: number | undefined;
    file: string;
    fileMode: number | undefined;
    journalMode: number | undefined;
    /** The lock folder: absent, held (refreshed within LOCK_STALE_MS), or stale (its holder died). */
    lock: "free" | "held" | "stale";
    /** The snapshot's format version on disk; below `latestVersion`, the next change migrates it. */
    version: number | undefined;
  };
  latestVersion: number;
  /** How much the store holds, when it could be read; else why not (one sentence from the store). */
  read: { ok: true; counts: Record<string, number> } | { ok: false; problem: string };
}

export async function storeHealth(location: StoreLocation): Promise<StoreHealth> {
  const health: StoreHealth = { name: describeLocation(location), latestVersion: STORE_VERSION, read: await readable(location) };
  if (location.kind === "file") {
    const file = resolveStoreFile(location.file);
    const folder = path.dirname(file);
    health.files = {
      folder,
      folderMode: await modeOf(folder),
      file,
      fileMode: await modeOf(file),
      journalMode: await modeOf(`${file}.journal`),
      lock: await lockState(`${file}.lock`),
      version: await versionOnDisk(file),
    };
  }
  return health;
}

async function readable(location: StoreLocation): Promise<StoreHealth["read"]> {
  try {
    return { ok: true, counts: storeCounts(await readWholeStore(location)) };
  } catch (e) {
    return { ok: false, problem: (e as Error).message };
  }
}

const modeOf = (file: string): Promise<number | undefined> =>
  fs.stat(file).then(
    (s) => s.mode & 0o777,
    () => undefined,
  );

async function lockState(lock: string): Promise<"free" | "held" | "stale"> {
  const stat = await fs.stat(lock).catch(() => undefined);
  if (!stat) return "free";
  return Math.abs(Date.now() - stat.mtimeMs) > LOCK_STALE_MS ? "stale" : "held";
}

/** The "version" of the snapshot, read on its own so that a store too broken to load still shows it. */
async function versionOnDisk(file: string): Promise<number | undefined> {
  try {
    const version = (JSON.parse(await fs.readFile(file, "utf8")) as { version?: unknown }).version;
    return typeof version === "number" ? version : undefined;
  } catch {
    return undefined;
  }
}
