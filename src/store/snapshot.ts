import { randomBytes } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import path from "node:path";
import type { Adapter } from "lowdb";
import { PairbotError } from "./errors.js";
import { invariantProblem } from "./invariants.js";
import { checksum } from "./journal.js";
import { MIGRATIONS, STORE_VERSION, StoreSchema, type StoreDoc } from "./schema.js";

/**
 * The snapshot: the whole store as of one journal sequence number, one JSON document (lowdb's file).
 * Written only by compaction and migration, atomically and durably: unique temp file, fsync, rename,
 * fsync of the folder. A broken snapshot is an error naming the file, never an empty store.
 */
export class SnapshotFile implements Adapter<StoreDoc> {
  /** The version the file had before migration, once read. */
  readVersion: number | undefined;
  /** Set by compaction: the next write replaces the file only if the file's own `seq` is not newer. */
  installUnlessNewer: number | undefined;
  /** The checksum of the text last written, for the journal's header. */
  writtenChecksum: string | undefined;
  /** Set before a read: the snapshot compaction wrote for `seq` had this checksum (from the journal's header). */
  trust: { seq: number; checksum: string } | undefined;

  constructor(readonly file: string) {}

  /** Reads and validates; undefined when the file does not exist. Older versions come back migrated. */
  async read(): Promise<StoreDoc | null> {
    const text = await fs.readFile(this.file, "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      if (e.code === "EISDIR") throw unusable(this.file, "it is a folder, not a file; point STORE_PATH or --store at a file inside it, like " + path.join(this.file, "store.json"));
      throw e;
    });
    if (text === undefined) return null;
    const raw = parseJson(this.file, text);
    const trust = this.trust;
    if (trust && raw["version"] === STORE_VERSION && raw["seq"] === trust.seq) {
      // Written by compaction and unchanged since: every field was checked before it was written.
      if (checksum(text) !== trust.checksum) throw corrupt(this.file, "it changed after pairbot wrote it (its checksum, kept in the journal's first line, does not match)");
      this.readVersion = STORE_VERSION;
      return raw as unknown as StoreDoc;
    }
    const { doc, version } = validateSnapshot(this.file, raw);
    this.readVersion = version;
    return doc;
  }

  async write(doc: StoreDoc): Promise<void> {
    const mine = this.installUnlessNewer;
    this.installUnlessNewer = undefined;
    const text = JSON.stringify(doc) + "\n";
    this.writtenChecksum = checksum(text);
    await writeDurably(this.file, text, mine === undefined ? undefined : async () => (await seqOnDisk(this.file)) <= mine);
  }
}

export const parseSnapshot = (file: string, text: string): { doc: StoreDoc; version: number } => validateSnapshot(file, parseJson(file, text));

function parseJson(file: string, text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw corrupt(file, `it is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw corrupt(file, "it is not a JSON object");
  return raw as Record<string, unknown>;
}

function validateSnapshot(file: string, raw: Record<string, unknown>): { doc: StoreDoc; version: number } {
  let doc = raw;
  const version = doc["version"];
  if (version === undefined) {
    // Most often another JSON file named by mistake (a node state, a config): say so before "damaged".
    throw unusable(file, 'it has no "version", so it is not a pairbot store; point STORE_PATH or --store at the store file, or restore it from a backup');
  }
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
  const problem = invariantProblem(result.data);
  if (problem) throw corrupt(file, `it holds what pairbot never writes: ${problem}`);
  return { doc: result.data, version };
}

const unusable = (file: string, problem: string): PairbotError =>
  new PairbotError("store_corrupt", `The store ${file} cannot be used: ${problem}.`);

export const corrupt = (file: string, problem: string): PairbotError =>
  new PairbotError(
    "store_corrupt",
    `The store ${file} cannot be used: ${problem}. pairbot will not change it; repair or restore the file (format: docs/store.md).`,
  );

/**
 * The `seq` of the snapshot on disk, read from its first bytes (pairbot writes `version` and `seq`
 * first); -1 when there is none or it is older than version 2.
 */
async function seqOnDisk(file: string): Promise<number> {
  const handle = await fs.open(file, "r").catch(() => undefined);
  if (!handle) return -1;
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const match = /^\{"version":\d+,"seq":(\d+)/.exec(head.toString("utf8", 0, bytesRead));
    return match ? Number(match[1]) : -1;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a whole file through a uniquely named temp file; durable once this returns. With `install`,
 * the temp file replaces the file only if `install()` says so just before (else it is deleted).
 */
export async function writeDurably(file: string, text: string, install?: () => Promise<boolean>): Promise<void> {
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
    if (install && !(await install())) {
      await fs.rm(temp, { force: true });
      return;
    }
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
  await syncFolder(path.dirname(file));
}

/** Makes renames and new files in a folder durable (POSIX: a rename is durable only after this). */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
