import { watch, promises as fs, type FSWatcher } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import { PairbotError } from "./errors.js";

/**
 * The store's lock: the folder `<file>.lock` (proper-lockfile), refreshed every second, taken over
 * one process at a time when its holder died. It keeps writers from racing; it does not by itself make
 * a write safe (a paused holder can lose it unknowingly): the journal's sequence numbers fence that.
 */

const missingAsUndefined = (e: NodeJS.ErrnoException): undefined => {
  if (e.code === "ENOENT") return undefined;
  throw e;
};

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
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
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
    const match = name.startsWith(base + ".") ? /^\.(?:journal\.)?(\d+)\.[0-9a-f]+\.(tmp|new)$/.exec(name.slice(base.length)) : null;
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
  if (stat !== undefined && !stat.isDirectory()) {
    throw new PairbotError("store_busy", `${folder} is a file, but pairbot uses that name for its lock folder. If no pairbot process is running, remove it and try again.`);
  }
  // A lock touched in the future was set by a wrong clock or by hand: it would otherwise block for good.
  return stat !== undefined && Math.abs(Date.now() - stat.mtimeMs) > LOCK_STALE_MS;
}
