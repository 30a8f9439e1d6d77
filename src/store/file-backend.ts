import { randomBytes } from "node:crypto";
import { constants, promises as fs, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { Low } from "lowdb";
import type { StoreBackend, Committer } from "./backend.js";
import { PairbotError } from "./errors.js";
import { applyRecord, type StoreEvent } from "./events.js";
import { viewOf } from "./effects.js";
import { watchFolder, type FolderWatch } from "./feed.js";
import { checksum, decodeLine, encodeHeader, encodeRecord, encodeSeal, splitLines, type JournalRecord } from "./journal.js";
import { withStoreLock } from "./lock.js";
import { emptyStore, STORE_VERSION, type StoreDoc } from "./schema.js";
import { corrupt, parseSnapshot, SnapshotFile, syncFolder, writeDurably } from "./snapshot.js";

/** Compaction starts when the journal passes this size: a new process reads at most this much of it. */
const COMPACT_BYTES = 256 * 1024;
/** How long a partial last line must stay the same before the lock holder cuts it off as torn. */
const TORN_TAIL_WAIT_MS = 20;
/** How often a writer re-runs a batch that another writer fenced off before giving up. */
const MAX_FENCED_RETRIES = 20;

/**
 * The file backend: a lowdb snapshot (`store.json`) plus an append-only journal (`store.json.journal`).
 * Each process keeps the state in memory and follows the journal by reading only its new bytes. A change
 * takes the lock, catches up, appends one record whose sequence number must be the next one, checks the
 * record landed right after what it read (else another writer fenced it off: undo, catch up, re-run),
 * releases the lock, and fdatasyncs before acknowledging. Format and protocol: docs/store.md.
 */
export class FileBackend implements StoreBackend {
  readonly journalFile: string;
  private readonly snapshot: SnapshotFile;
  private readonly db: Low<StoreDoc>;
  private doc: StoreDoc | undefined;
  /** The snapshot's version as found on disk: below STORE_VERSION, the next writer migrates it. */
  private foundVersion = STORE_VERSION;
  private seq = 0;
  private journal: FileHandle | undefined;
  private offset = 0;
  private sealed = false;
  /** The last sequence number known to be on disk (fdatasync done), so a later commit need not flush again. */
  private durableSeq = 0;
  private readonly listeners = new Set<(events: StoreEvent[], doc: StoreDoc) => void>();
  private readonly folderWatches = new Set<FolderWatch>();
  /** One catch-up at a time; a commit holds it from its first read to its verified append. */
  private stateLock: Promise<void> = Promise.resolve();
  private committing = false;

  constructor(readonly file: string) {
    this.journalFile = `${file}.journal`;
    this.snapshot = new SnapshotFile(file);
    this.db = new Low(this.snapshot, emptyStore());
  }

  get description(): string {
    return this.file;
  }

  /** The current state, caught up with every other process. Read-only for callers. */
  async current(): Promise<StoreDoc> {
    // A commit in progress has caught up under the lock: its state is as fresh as any.
    if (this.committing && this.doc) return this.doc;
    await this.exclusive(() => this.catchUp(false));
    return this.doc!;
  }

  watchOthers(wake: () => void, onError: (e: unknown) => void, pollMs?: number): () => void {
    const folder = watchFolder(path.dirname(this.file), wake, onError, pollMs);
    this.folderWatches.add(folder);
    return () => {
      this.folderWatches.delete(folder);
      folder.stop();
    };
  }

  /** Whether a folder watch is in place (commits of other processes wake this one at once), else only the poll. */
  watching(): boolean {
    return [...this.folderWatches].some((w) => w.watching());
  }

  subscribe(listener: (events: StoreEvent[], doc: StoreDoc) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async commit(apply: Committer): Promise<void> {
    let seq = 0;
    let handle: FileHandle | undefined;
    await withStoreLock(this.file, async () => {
      await this.exclusive(async () => {
        this.committing = true;
        try {
          await this.catchUp(true);
          await this.migrateIfOld();
          for (let attempt = 0; ; attempt++) {
            const { effects, undo } = apply(this.doc!);
            if (effects.length === 0) return;
            const record: JournalRecord = { seq: this.seq + 1, id: randomBytes(9).toString("base64url"), fx: effects };
            if (await this.append(record)) {
              seq = record.seq;
              handle = this.journal;
              undo(); // applied again below, the way every other process applies it, to learn its events
              this.applied(record);
              break;
            }
            undo();
            if (attempt >= MAX_FENCED_RETRIES) throw new PairbotError("store_busy", `Other writers kept changing ${this.file} first; nothing was saved. Try again.`);
            await this.catchUp(true);
          }
          if (this.offset > COMPACT_BYTES) await this.compact();
        } finally {
          this.committing = false;
        }
      });
    });
    // Outside the lock: the next writer need not wait, and the kernel merges concurrent flushes.
    if (seq > this.durableSeq && handle) {
      await handle.datasync().catch((e: NodeJS.ErrnoException) => {
        if (this.durableSeq < seq) throw e; // a compaction that closed the handle made it durable already
      });
      this.durableSeq = Math.max(this.durableSeq, seq);
    }
  }

  close(): Promise<void> {
    const handle = this.journal;
    this.journal = undefined;
    return handle ? handle.close().catch(() => undefined) : Promise.resolve();
  }

  private exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.stateLock.then(work, work);
    this.stateLock = run.catch(() => undefined);
    return run;
  }

  /** Loads the snapshot once, then applies every new journal record; `locked` when holding the store lock. */
  private async catchUp(locked: boolean): Promise<void> {
    if (!this.doc) await this.load();
    for (;;) {
      if (!this.journal) {
        if (!(await this.openJournal(locked))) return;
        continue;
      }
      const { size } = await this.journal.stat();
      if (size === this.offset && !this.sealed) return;
      if (!this.sealed) {
        const read = await this.readJournal(size, locked);
        if (read === "missed-compactions") {
          await this.reload();
          continue;
        }
        if (read === "again") continue;
      }
      if (!this.sealed) return;
      // Compaction replaced this journal: continue in the new one, if it is there yet.
      const current = await statOrUndefined(this.journalFile);
      const mine = await this.journal.stat();
      if (!current || sameFile(current, mine)) {
        if (locked) await this.finishCompaction(); // its compactor died (or stalls) after sealing
        return;
      }
      await this.journal.close();
      this.journal = undefined;
    }
  }

  /**
   * Reads the snapshot, then opens the journal it continues. A journal that starts after the snapshot
   * means a compaction ran in between: read the snapshot again.
   */
  private async load(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      // The journal first: its header says which snapshot compaction wrote, and its checksum.
      await this.journal?.close();
      this.journal = undefined;
      const header = (await this.openJournal(false)) ? await this.journalHeader(this.journal!) : undefined;
      this.snapshot.trust = header?.snapshot ? { seq: header.base, checksum: header.snapshot } : undefined;
      this.db.data = emptyStore();
      await this.db.read();
      this.doc = this.db.data;
      this.foundVersion = this.snapshot.readVersion ?? STORE_VERSION;
      this.seq = this.doc.seq;
      this.durableSeq = this.seq;
      if (!header || header.base <= this.seq) return;
    }
    throw corrupt(this.journalFile, "it starts after the snapshot's last change; the snapshot is missing changes");
  }

  /** Missed more than one compaction (a reader that slept): start again from the newest snapshot. */
  private async reload(): Promise<void> {
    this.doc = undefined;
    await this.load();
    // Nothing in between can be told as events: listeners get the whole state to look at again.
    const view = viewOf(this.doc!);
    for (const listener of this.listeners) listener([], view);
  }

  private async journalHeader(handle: FileHandle): Promise<{ base: number; snapshot?: string | undefined }> {
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const { lines } = splitLines(head.subarray(0, bytesRead), 0);
    const line = lines[0] ? decodeLine(lines[0].text) : "it is empty";
    if (typeof line === "string" || line.kind !== "header") {
      throw corrupt(this.journalFile, `its first line is not a header: ${typeof line === "string" ? line : line.kind}`);
    }
    return line;
  }

  /** Opens the journal at its path; returns whether it exists. */
  private async openJournal(locked: boolean): Promise<boolean> {
    try {
      this.journal = await fs.open(this.journalFile, constants.O_RDWR | constants.O_APPEND);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") this.journal = await fs.open(this.journalFile, "r");
      else if (code === "ENOENT") {
        if (!locked) return false;
        await this.compact(); // a new store, or a journal deleted by hand: the snapshot must hold all we have
        return true;
      } else throw e;
    }
    this.offset = 0;
    this.sealed = false;
    return true;
  }

  /**
   * Reads new bytes up to `size`, applying each record in sequence. Says "missed-compactions" when the
   * journal starts after our state, "again" when a partial last line turned out to be a write in progress.
   */
  private async readJournal(size: number, locked: boolean): Promise<"done" | "again" | "missed-compactions"> {
    const handle = this.journal!;
    const bytes = Buffer.alloc(size - this.offset);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.offset);
    const { lines, tail } = splitLines(bytes.subarray(0, bytesRead), this.offset);
    for (const { text, end } of lines) {
      const line = decodeLine(text);
      const lineStart = end - Buffer.byteLength(text) - 1;
      if (typeof line === "string") throw corrupt(this.journalFile, `the line at byte ${lineStart} is damaged: ${line}`);
      if (line.kind === "header") {
        if (lineStart !== 0) throw corrupt(this.journalFile, `a header stands in the middle, at byte ${lineStart}`);
        if (line.base > this.seq) return "missed-compactions";
      } else if (line.kind === "seal") {
        if (line.seq > this.seq) throw corrupt(this.journalFile, `it is sealed at change ${line.seq}, but changes ${this.seq + 1} to ${line.seq} are missing`);
        if (line.seq === this.seq) {
          this.offset = end;
          this.sealed = true;
          return "done";
        } // else: a seal below what we have was written by a compactor that had lost the lock: void.
      } else if (line.record.seq === this.seq + 1) {
        this.applied(line.record);
      } else if (line.record.seq > this.seq + 1) {
        throw corrupt(this.journalFile, `change ${this.seq + 1} is missing before change ${line.record.seq} at byte ${lineStart}`);
      } // else: at or below what we have: compacted already, or a fenced-off write. Skipped.
      this.offset = end;
    }
    // A partial last line: a write in progress, or torn by a crash. Only the lock holder repairs it, and
    // only once it stops growing (a write in progress, even by a writer that lost the lock, ends in microseconds).
    if (tail > 0 && locked && bytesRead === bytes.length) {
      await new Promise((resolve) => setTimeout(resolve, TORN_TAIL_WAIT_MS));
      if ((await handle.stat()).size !== size) return "again";
      await handle.truncate(this.offset);
      await handle.datasync();
    }
    return "done";
  }

  private applied(record: JournalRecord): void {
    applyRecord(this.doc!, record, this.listeners);
    this.seq = record.seq;
  }

  /** Appends a record and proves it is the next one in the journal; false when it was fenced off. */
  private append(record: JournalRecord): Promise<boolean> {
    return this.appendLine(Buffer.from(encodeRecord(record)));
  }

  /**
   * The fence: a line counts only if it stands right where this process read up to. Another writer that
   * got in first (this one having lost the lock, paused) pushes it further: then it is void for everyone.
   */
  private async appendLine(bytes: Buffer): Promise<boolean> {
    const handle = this.journal!;
    await handle.write(bytes, 0, bytes.length, null);
    const { size } = await handle.stat();
    if (size !== this.offset + bytes.length) {
      const head = Buffer.alloc(Math.min(size - this.offset, bytes.length));
      await handle.read(head, 0, head.length, this.offset);
      if (!head.equals(bytes)) return false;
    }
    this.offset += bytes.length;
    return true;
  }

  /** Rewrites an old version's store in this version's layout (see compact). */
  private async migrateIfOld(): Promise<void> {
    if (this.foundVersion < STORE_VERSION) await this.compact();
  }

  /**
   * Folds the journal into a new snapshot. First the seal, appended through the same fence as a record:
   * it proves nobody wrote since we read, and ends this journal for every reader. Then anyone holding
   * the lock can finish the compaction (see finishCompaction); a compactor fenced off does nothing.
   */
  private async compact(): Promise<void> {
    if (this.journal && !this.sealed) {
      if (!(await this.appendLine(Buffer.from(encodeSeal(this.seq))))) return;
      this.sealed = true;
      await this.journal.datasync();
    }
    await this.finishCompaction();
  }

  /**
   * Writes the state (as of the seal) as the snapshot and puts a new journal in place of the sealed one.
   * Each step is conditional, so a compactor that lost the lock and wakes up late undoes nothing: the
   * snapshot replaces only an older one, the new journal only the journal we sealed (or none at all).
   */
  private async finishCompaction(): Promise<void> {
    // Migrating: the old file stays beside the new one, byte for byte, under its version's name; unless
    // another process that also read the old file migrated it first (its backup is the old file).
    if (this.foundVersion < STORE_VERSION && (await versionOnDisk(this.file)) < STORE_VERSION) {
      const backup = `${this.file}.v${this.foundVersion}`;
      await fs.rm(backup, { force: true });
      await fs.link(this.file, backup);
      // Since version 2 the old store is the snapshot and its journal (sealed: its last change is in the new snapshot).
      await fs.rm(`${backup}.journal`, { force: true });
      if (this.foundVersion >= 2 && this.journal) await fs.link(this.journalFile, `${backup}.journal`).catch(() => undefined);
    }
    this.db.data = this.doc!;
    this.snapshot.installUnlessNewer = this.seq;
    await this.db.write();
    this.foundVersion = STORE_VERSION;

    const sealed = this.journal;
    const temp = `${this.journalFile}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await fs.open(temp, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL, 0o600);
    const header = encodeHeader(this.seq, this.snapshot.writtenChecksum);
    try {
      await handle.write(header, null);
      await handle.datasync();
      const current = await statOrUndefined(this.journalFile);
      if (sealed ? !current || !sameFile(current, await sealed.stat()) : current !== undefined) {
        // Another writer finished this compaction first: follow its journal from the next catch-up.
        await handle.close();
        await sealed?.close();
        this.journal = undefined;
        return;
      }
      if (sealed) await fs.rename(temp, this.journalFile);
      else if (!(await linkUnlessExists(temp, this.journalFile))) {
        await handle.close(); // another writer created one meanwhile: theirs stands
        this.journal = undefined;
        return;
      }
    } finally {
      await fs.rm(temp, { force: true });
    }
    await syncFolder(path.dirname(this.file));
    this.durableSeq = this.seq;
    await sealed?.close();
    this.journal = handle;
    this.offset = Buffer.byteLength(header);
    this.sealed = false;
  }
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  return fs.stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
}

async function versionOnDisk(file: string): Promise<number> {
  return (JSON.parse(await fs.readFile(file, "utf8")) as { version: number }).version;
}

/** Creates `to` as a link to `from`; false when `to` exists already. */
async function linkUnlessExists(from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

const sameFile = (a: Stats, b: Stats): boolean => a.ino === b.ino && a.dev === b.dev;

/** Writes a whole store (snapshot and an empty journal) at once: seeding benchmarks and tests. */
export async function writeStoreFiles(file: string, doc: StoreDoc): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const text = JSON.stringify({ ...doc, version: STORE_VERSION }) + "\n";
  parseSnapshot(file, text); // checked once here: the header's checksum lets every reader trust it
  await writeDurably(file, text);
  await writeDurably(`${file}.journal`, encodeHeader(doc.seq, checksum(text)));
}

/** Reads a store from disk as a new process would (snapshot, then journal), sharing nothing cached. */
export async function readStoreFiles(file: string): Promise<StoreDoc> {
  const backend = new FileBackend(file);
  try {
    return await backend.current();
  } finally {
    await backend.close();
  }
}
