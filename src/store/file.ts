import { randomBytes } from "node:crypto";
import { constants, watch, promises as fs, type FSWatcher } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import type { Adapter } from "lowdb";
import { PairbotError } from "./errors.js";
import { MIGRATIONS, STORE_VERSION, StoreSchema, emptyStore, type StoreDoc } from "./schema.js";

/**
 * The store file: a lowdb adapter that validates every read and writes atomically and durably
 * (unique temp file, fsync, rename, fsync of the folder), plus the lock that every change takes.
 */
/**
 * The last document read per file, shared by every reader in this process (the change feed and the
 * notifier's pass read the same version once), so never changed in place.
 */
const lastReads = new Map<string, { text: string; doc: StoreDoc }>();

export class StoreFile implements Adapter<StoreDoc> {
  /** The text this process last read or wrote under the lock, and the document it holds. */
  private cached: { text: string; doc: StoreDoc } | undefined;

  readonly file: string;

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  /**
   * Reads and validates. A missing file is an empty store; a broken one is an error, never empty.
   * The result may be shared with other readers: treat it as read-only.
   */
  async read(): Promise<StoreDoc> {
    const text = await readText(this.file);
    if (text === undefined) return emptyStore();
    const last = lastReads.get(this.file);
    if (last?.text === text) return last.doc;
    const doc = parseStore(this.file, text);
    lastReads.set(this.file, { text, doc });
    return doc;
  }

  /**
   * Like read(), but skips parsing and validating when the file holds exactly the text this process
   * last saw (comparing bytes, not timestamps: a rename can reuse an inode within one mtime tick).
   */
  async readForChange(): Promise<StoreDoc> {
    const text = await readText(this.file);
    if (text === undefined) return emptyStore();
    if (this.cached?.text === text) return this.cached.doc;
    const doc = parseStore(this.file, text);
    this.cached = { text, doc };
    return doc;
  }

  forget(): void {
    this.cached = undefined;
  }

  /** Writes the whole document atomically; the caller makes the rename durable with `syncFolder`. */
  async write(doc: StoreDoc): Promise<void> {
    this.cached = undefined;
    const text = JSON.stringify(doc) + "\n"; // compact: a store of 10,000 senders parses and writes a third faster
    await writeAtomic(this.file, text);
    this.cached = { text, doc };
  }
}

async function readText(file: string): Promise<string | undefined> {
  return fs.readFile(file, "utf8").catch(missingAsUndefined);
}

function missingAsUndefined(e: NodeJS.ErrnoException): undefined {
  if (e.code === "ENOENT") return undefined;
  throw e;
}

export function parseStore(file: string, text: string): StoreDoc {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw corrupt(file, `it is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw corrupt(file, "it is not a JSON object");
  let doc = raw as Record<string, unknown>;
  const version = doc.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw corrupt(file, `its "version" is ${JSON.stringify(version)}, expected a whole number from 1 to ${STORE_VERSION}`);
  }
  if (version > STORE_VERSION) {
    throw new PairbotError(
      "store_too_new",
      `The store ${file} has version ${version}, written by a newer pairbot; this one reads up to version ${STORE_VERSION}. Upgrade pairbot.`,
    );
  }
  for (let v = version; v < STORE_VERSION; v++) doc = MIGRATIONS[v]!(doc);
  const result = StoreSchema.safeParse(doc);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw corrupt(file, `it does not match the store format (${issues.join("; ")})`);
  }
  return result.data;
}

const corrupt = (file: string, problem: string): PairbotError =>
  new PairbotError(
    "store_corrupt",
    `The store ${file} cannot be used: ${problem}. pairbot will not change it; repair or restore the file (format: docs/store.md).`,
  );

/** Writes through a uniquely named temp file so that readers only ever see a whole document. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

/**
 * Makes renames into the folder durable. Called after the lock is released: the next writer need not
 * wait for it, and a later rename that the flush also covers holds this change too.
 */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates the folder (0700) and an empty store (0600) if missing; never replaces an existing file. */
export async function ensureStoreFile(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  if (await fs.stat(file).catch(missingAsUndefined)) return;
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.new`;
  await fs.writeFile(temp, JSON.stringify(emptyStore(), null, 1) + "\n", { mode: 0o600, flag: "wx" });
  try {
    await fs.link(temp, file); // fails if another process created it first: theirs stands
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** How long a lock left by a killed process blocks others before it counts as stale. */
export const LOCK_STALE_MS = 3000;
const LOCK_WAIT_MS = 30_000;
/** proper-lockfile never judges staleness itself: its check-then-remove lets two waiters both take a stale lock. */
const NEVER_STALE_MS = 2 ** 31 - 1;

const inProcessQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the store's lock: first the queue of this process (so two handlers in one
 * process never interleave), then the cross-process lock folder `<file>.lock` (proper-lockfile).
 */
export async function withStoreLock<T>(file: string, work: (stillHeld: () => boolean) => Promise<T>): Promise<T> {
  const previous = inProcessQueues.get(file) ?? Promise.resolve();
  const run = previous.then(() => withFileLock(file, work), () => withFileLock(file, work));
  const tail = run.catch(() => undefined);
  inProcessQueues.set(file, tail);
  void tail.then(() => {
    if (inProcessQueues.get(file) === tail) inProcessQueues.delete(file);
  });
  return run;
}

async function withFileLock<T>(file: string, work: (stillHeld: () => boolean) => Promise<T>): Promise<T> {
  await ensureStoreFile(file);
  let compromised = false;
  const release = await acquireFileLock(file, () => {
    compromised = true;
  });
  try {
    if (!sweptFolders.has(file)) {
      sweptFolders.add(file);
      await removeOrphanTempFiles(file);
    }
    return await work(() => !compromised);
  } finally {
    await release().catch(() => undefined); // a compromised lock is already gone
  }
}

const sweptFolders = new Set<string>();

/**
 * Deletes temp files left by writers killed mid-write (`<file>.<pid>.<random>.tmp` whose process is
 * gone). Run under the lock, once per process and store: a live writer's temp file exists only while
 * it holds the lock.
 */
async function removeOrphanTempFiles(file: string): Promise<void> {
  const base = path.basename(file);
  const names = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    const match = name.startsWith(base + ".") ? /^\.(\d+)\.[0-9a-f]+\.(tmp|new)$/.exec(name.slice(base.length)) : null;
    if (!match || isAlive(Number(match[1]))) continue;
    await fs.rm(path.join(path.dirname(file), name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, but another user's
  }
}

/** Takes the lock folder, polling often (it is held for milliseconds) and taking over a stale one safely. */
async function acquireFileLock(file: string, onCompromised: () => void): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  // Waiters poll often: the lock is held for about a millisecond, and an idle lock is lost throughput.
  let delay = 1;
  for (;;) {
    try {
      return await lockfile.lock(file, { stale: NEVER_STALE_MS, update: 1000, realpath: false, retries: 0, onCompromised });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ELOCKED") throw e;
    }
    if (await removeStaleLock(file)) continue;
    if (Date.now() > deadline) {
      throw new PairbotError(
        "store_busy",
        `The store ${file} stayed locked for over ${LOCK_WAIT_MS / 1000} s. If no pairbot process is running, remove the folder ${file}.lock and try again.`,
      );
    }
    await lockReleased(file, delay * (0.5 + Math.random()));
    delay = Math.min(25, delay * 1.5);
  }
}

/** Per lock folder: a watch on its parent, and the waiters to wake when the lock folder goes away. */
const releaseWatches = new Map<string, { watcher: FSWatcher | undefined; waiters: Set<() => void> }>();

/**
 * Waits until the lock is released (the folder's removal, seen through a watch on the store's folder)
 * or `ms` pass, whichever is first: waiters try again the moment the lock is free instead of polling
 * it idle. The timer stays as the fallback where watching fails.
 */
function lockReleased(file: string, ms: number): Promise<void> {
  let entry = releaseWatches.get(file);
  if (!entry) {
    const lockName = path.basename(file) + ".lock";
    const waiters = new Set<() => void>();
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(path.dirname(file), { persistent: false }, (_event, name) => {
        if (name !== lockName) return;
        for (const wake of [...waiters]) wake();
      });
      watcher.on("error", () => undefined);
    } catch {
      watcher = undefined;
    }
    entry = { watcher, waiters };
    releaseWatches.set(file, entry);
  }
  const { waiters } = entry;
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      waiters.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    waiters.add(wake);
  });
}

/**
 * Removes the lock of a process that died holding it (not refreshed for LOCK_STALE_MS). Only one process
 * at a time may do this, and it looks again once alone: two waiters that both saw the lock stale would
 * otherwise each remove it, the second removing the fresh lock the first had just taken, and both would
 * write (the stress suite lost acknowledged changes that way). Returns whether it removed one.
 */
async function removeStaleLock(file: string): Promise<boolean> {
  const lock = `${file}.lock`;
  const guard = `${file}.lock.takeover`;
  if (!(await isStale(lock))) return false;
  try {
    await fs.mkdir(guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    // A guard is held for microseconds; one this old was left by a process killed while holding it.
    if (await isStale(guard)) await fs.rmdir(guard).catch(() => undefined);
    return false;
  }
  try {
    if (!(await isStale(lock))) return false;
    await fs.rmdir(lock).catch(missingAsUndefined);
    return true;
  } finally {
    await fs.rmdir(guard).catch(() => undefined);
  }
}

async function isStale(folder: string): Promise<boolean> {
  const stat = await fs.stat(folder).catch(missingAsUndefined);
  return stat !== undefined && stat.mtimeMs < Date.now() - LOCK_STALE_MS;
}
