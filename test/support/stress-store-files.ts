import { spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FileBackend } from "../../src/store/file-backend.js";
import { encodeHeader, encodeRecord, encodeSeal } from "../../src/store/journal.js";
import { parseSnapshot } from "../../src/store/snapshot.js";
import { PairingStore, STORE_VERSION, isPairbotError, readStoreFiles, type StoreDoc } from "../../src/store/index.js";
import { approvedDevice, deviceHello, issueSetupCode, newDeviceKey } from "./store-devices.js";
import { TestClock, tempDir } from "./temp-store.js";

/**
 * Store files as crashes and damage leave them, built byte by byte: a torn last line, damage in the
 * middle of the journal or in the snapshot, each crash point of compaction, and version 1 stores of every
 * shape. What must hold: every acknowledged item is read back; damage is refused by every operation with
 * the file named and no byte changed.
 */

const clock = () => new TestClock();

/** The parts of a store that hold items (everything but the version and sequence). */
const items = (doc: StoreDoc) => ({ dm: doc.dm, devices: doc.devices, notifications: doc.notifications, owners: doc.owners, codeFailures: doc.codeFailures, audit: doc.audit });
const same = (a: StoreDoc, b: StoreDoc): boolean => JSON.stringify(items(a)) === JSON.stringify(items(b));

/** Where two JSON values first differ, for a failure message. */
function firstDifference(a: unknown, b: unknown, at = ""): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return "";
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return `${at || "(top)"}: ${JSON.stringify(a)?.slice(0, 80)} instead of ${JSON.stringify(b)?.slice(0, 80)}`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
    if (d) return d;
  }
  return `${at}: key order`;
}

/** Every store file in a folder, by name, with its bytes: what "nothing changed" compares. */
function folderBytes(dir: string): string {
  return readdirSync(dir).sort().map((name) => `${name}\n${readFileSync(path.join(dir, name), "latin1")}`).join("\n---\n");
}

/** A store with something in every part, made by the rules: DM requests, allowed senders, devices at each step, notifications, owners, a wrong code. */
async function richStore(file: string): Promise<StoreDoc> {
  const c = clock();
  const store = new PairingStore({ file, clock: c.fn, policy: { maxPendingPerAccount: 100, maxPendingPerChannel: 100, maxPendingTotal: 100 } });
  for (let i = 0; i < 3; i++) await store.requestDmPairing({ channel: "whatsapp", senderId: `+4917000000${i}`, name: `Sender ${i}` });
  await store.allowSender({ channel: "signal", senderId: "+491709999999", name: "Ann" }, "cli");
  await store.allowSender({ channel: "telegram", account: "work", senderId: "12345" }, "telegram:42");
  const paired = await approvedDevice(store);
  await store.issueDeviceToken({ publicKey: paired.publicKey, bootstrapToken: paired.setup.bootstrapToken });
  await approvedDevice(store); // paired, waiting for its token
  const setup = await issueSetupCode(store);
  await store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
  await store.recordNotification("dm:x1", 42, { chatId: 42, messageId: 7, sentAt: new Date(c.now).toISOString() });
  await store.setNotify(42, false);
  await store.setOwnerLocale(43, "de");
  await store.approveDm({ codeOrSender: "ZZZZZZZZ" }, "telegram:42").catch(() => undefined); // a wrong code: counted
  return readStoreFiles(file);
}

/** A dead process id, for temp files a killed writer left. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

/** Every store operation, reads and changes; each must refuse a damaged store. */
const OPERATIONS: Array<[string, (s: PairingStore) => Promise<unknown>]> = [
  ["read", (s) => s.read()],
  ["pending", (s) => s.pending()],
  ["isAllowed", (s) => s.isAllowed("signal", "+491709999999")],
  ["audit", (s) => s.audit()],
  ["verifyDeviceToken", (s) => s.verifyDeviceToken(newDeviceKey(), "token")],
  ["prune", (s) => s.prune()],
  ["requestDmPairing", (s) => s.requestDmPairing({ channel: "whatsapp", senderId: "+499" })],
  ["approveDm", (s) => s.approveDm({ codeOrSender: "AB3D7X9K" }, "cli")],
  ["allowSender", (s) => s.allowSender({ channel: "whatsapp", senderId: "+498" }, "cli")],
  ["revokeSender", (s) => s.revokeSender({ channel: "signal", senderId: "+491709999999" }, "cli")],
  ["createSetupCode", (s) => s.createSetupCode({ url: "ws://127.0.0.1:18789" }, "cli")],
  ["revokeDevice", (s) => s.revokeDevice("dev", "cli")],
  ["setNotify", (s) => s.setNotify(42, true)],
  ["recordNotification", (s) => s.recordNotification("dm:abc", 42, { chatId: 42, messageId: 1, sentAt: "2026-11-21T12:00:00.000Z" })],
];

export interface DamageFigures {
  cases: number;
  refusals: number;
  /** Operations that did not refuse, or refused without naming the file: "<case>: <operation>: <what>". */
  accepted: string[];
  changedFiles: number;
  /** Snapshot damage that still parses and validates: a changed value no check can see (no checksum). */
  undetectable: number;
}

/** Runs every operation on a store at `file`: each must fail with store_corrupt naming `named`; no file may change. */
async function refusedByAll(label: string, file: string, named: string, f: DamageFigures): Promise<void> {
  const dir = path.dirname(file);
  const before = folderBytes(dir);
  const store = new PairingStore({ file, clock: clock().fn });
  for (const [name, operation] of OPERATIONS) {
    const error = await operation(store).then(() => undefined, (e: unknown) => e);
    if (isPairbotError(error) && error.code === "store_corrupt" && error.message.includes(named)) f.refusals++;
    else f.accepted.push(`${label}: ${name}: ${error === undefined ? "done" : String(error).slice(0, 160)}`);
  }
  if (folderBytes(dir) !== before) f.changedFiles++;
}

/** A journal holding `n` committed changes after the snapshot, in a folder of its own. */
async function journalled(root: string, name: string, n: number) {
  const dir = path.join(root, name);
  const file = path.join(dir, "store.json");
  const base = await richStore(file);
  const store = new PairingStore({ file, clock: clock().fn });
  for (let i = 0; i < n; i++) await store.allowSender({ channel: "signal", senderId: `+4915${String(i).padStart(6, "0")}`, name: `Journal ${i}` }, "cli");
  return { dir, file, base, doc: await readStoreFiles(file) };
}

/**
 * `cases` stores each with one byte of a journal line other than the last changed (into another byte,
 * or a line break), and `cases` snapshots damaged so they no longer parse (cut short, a structural byte
 * replaced, bytes inserted between tokens): every operation refuses each, and no byte changes.
 */
export async function damagedStores(cases: number): Promise<DamageFigures> {
  const f: DamageFigures = { cases: 0, refusals: 0, accepted: [], changedFiles: 0, undetectable: 0 };
  const { dir: root, remove } = tempDir("pairbot-damage-");
  try {
    const good = await journalled(root, "good", 6);
    const journal = readFileSync(`${good.file}.journal`);
    const snapshot = readFileSync(good.file, "utf8");
    const lastLineStart = journal.lastIndexOf(0x0a, journal.length - 2) + 1;
    for (let i = 0; i < cases; i++) {
      const dir = path.join(root, `journal-${i}`);
      const file = path.join(dir, "store.json");
      copyTo(good.dir, dir);
      const damaged = Buffer.from(journal);
      const at = Math.floor(Math.random() * lastLineStart); // any byte before the last line, its line break included
      const replacement = Math.random() < 0.2 ? 0x0a : (damaged[at]! + 1 + Math.floor(Math.random() * 254)) % 256;
      damaged[at] = replacement === damaged[at] ? (replacement + 1) % 256 : replacement;
      writeFileSync(`${file}.journal`, damaged);
      f.cases++;
      await refusedByAll(`journal byte ${at}`, file, `${file}.journal`, f);
      rmSync(dir, { recursive: true, force: true });
    }
    const structural = [...snapshot.matchAll(/[{}[\]:,"]/g)].map((m) => m.index);
    for (let i = 0; i < cases; i++) {
      const dir = path.join(root, `snapshot-${i}`);
      const file = path.join(dir, "store.json");
      copyTo(good.dir, dir);
      const kind = i % 3;
      const at = kind === 0 ? Math.floor(Math.random() * (snapshot.length - 1)) : pickOf(structural);
      const text =
        kind === 0 ? snapshot.slice(0, at) : kind === 1 ? snapshot.slice(0, at) + pickOf(["x", "#", "}", "]", "'", "\u0000"]) + snapshot.slice(at + 1) : snapshot.slice(0, at) + pickOf(["x", "1", "{", "\"", "null"]) + snapshot.slice(at);
      try {
        parseSnapshot(file, text);
        f.undetectable++;
        rmSync(dir, { recursive: true, force: true });
        continue;
      } catch {
        // refused by parsing: the case we want
      }
      writeFileSync(file, text);
      f.cases++;
      await refusedByAll(`snapshot ${["cut", "replaced", "inserted"][kind]} at ${at}`, file, file, f);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    remove();
  }
  return f;
}

const pickOf = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function copyTo(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  for (const name of readdirSync(from)) {
    if (name.endsWith(".lock")) continue;
    if (!existsSync(to)) spawnSync("mkdir", ["-p", "-m", "700", to]);
    copyFileSync(path.join(from, name), path.join(to, name));
  }
}

export interface CrashFigures {
  cases: number;
  held: number;
  problems: string[];
}

/**
 * Each file state a crash can leave, built by hand from a store with committed changes: a record torn at
 * every length (`tornCases` random cuts), and compaction stopped at each step. A reader must see every
 * committed change; the next writer must save, repair, and leave no temp file of a dead process.
 */
export async function crashPoints(tornCases: number): Promise<CrashFigures> {
  const f: CrashFigures = { cases: 0, held: 0, problems: [] };
  const { dir: root, remove } = tempDir("pairbot-crash-");
  try {
    const good = await journalled(root, "good", 5);
    const nextRecord = encodeRecord({ seq: good.doc.seq + 1, id: "torn", fx: [{ t: "allow", put: ["signal", "default", "+torn", { addedAt: "2026-11-21T12:00:00.000Z", addedBy: "cli" }] }] });
    const snapshotNow = JSON.stringify({ ...good.doc, version: STORE_VERSION }) + "\n";
    const dead = deadPid();
    const tmp = (name: string) => `${name}.${dead}.0123456789ab.tmp`;

    const states: Array<[string, (file: string) => void]> = [];
    for (let i = 0; i < tornCases; i++) {
      const cut = 1 + Math.floor(Math.random() * (nextRecord.length - 1)); // never the whole line with its "\n"
      states.push([`a record torn after ${cut} of ${nextRecord.length} bytes`, (file) => appendFileSync(`${file}.journal`, nextRecord.slice(0, cut))]);
    }
    states.push(
      ["a snapshot temp file half written (killed before its rename)", (file) => writeFileSync(tmp(file), snapshotNow.slice(0, snapshotNow.length >> 1))],
      ["the snapshot written, the old journal not yet sealed", (file) => writeFileSync(file, snapshotNow)],
      ["the snapshot written, the seal torn", (file) => {
        writeFileSync(file, snapshotNow);
        appendFileSync(`${file}.journal`, encodeSeal(good.doc.seq).slice(0, 7));
      }],
      ["the old journal sealed, the new one not yet created", (file) => {
        writeFileSync(file, snapshotNow);
        appendFileSync(`${file}.journal`, encodeSeal(good.doc.seq));
      }],
      ["the old journal sealed, the new one written but not renamed in (a stray journal temp file)", (file) => {
        writeFileSync(file, snapshotNow);
        appendFileSync(`${file}.journal`, encodeSeal(good.doc.seq));
        writeFileSync(tmp(`${file}.journal`), encodeHeader(good.doc.seq));
      }],
      ["a stray journal temp file, header torn, nothing else done", (file) => writeFileSync(tmp(`${file}.journal`), encodeHeader(good.doc.seq).slice(0, 10))],
      ["the new journal renamed in (compaction done, folder not yet synced)", (file) => {
        writeFileSync(file, snapshotNow);
        appendFileSync(`${file}.journal`, encodeSeal(good.doc.seq));
        writeFileSync(`${file}.journal.new`, encodeHeader(good.doc.seq));
        renameSync(`${file}.journal.new`, `${file}.journal`);
      }],
    );

    for (const [i, [label, build]] of states.entries()) {
      const dir = path.join(root, `case-${i}`);
      const file = path.join(dir, "store.json");
      copyTo(good.dir, dir);
      // A follower that read the store before the crash, to catch up through whatever it left.
      const followerBackend = new FileBackend(file);
      const follower = new PairingStore({ file, clock: clock().fn, backend: followerBackend });
      await follower.read();
      build(file);
      f.cases++;
      const problems: string[] = [];
      try {
        const read = await readStoreFiles(file);
        if (!same(read, good.doc)) problems.push("a fresh reader does not see every committed change");
        await new PairingStore({ file, clock: clock().fn }).allowSender({ channel: "signal", senderId: "+after" }, "cli");
        const after = await readStoreFiles(file);
        const added = after.dm.allowlist["signal"]?.["default"]?.["+after"];
        if (!added) problems.push("the next change was not saved");
        const expected = structuredClone(good.doc);
        expected.dm.allowlist["signal"]!["default"]!["+after"] = added!;
        expected.audit = after.audit.length === good.doc.audit.length + 1 ? [...good.doc.audit, after.audit.at(-1)!] : good.doc.audit;
        if (!same(after, expected)) problems.push("after the next change, the store is not what was there plus that change");
        if (Object.hasOwn(after.dm.allowlist["signal"]?.["default"] ?? {}, "+torn")) problems.push("the torn record was applied");
        const followed = await follower.read();
        if (!followed.dm.allowlist["signal"]?.["default"]?.["+after"]) problems.push("a follower that read before the crash missed the change after it");
        await followerBackend.close();
        const left = readdirSync(dir).filter((n) => n.endsWith(".tmp"));
        if (left.length > 0) problems.push(`temp files of the dead process left: ${left.join(", ")}`);
        const lines = readFileSync(`${file}.journal`, "utf8");
        if (!lines.endsWith("\n")) problems.push("the journal does not end with a whole line");
      } catch (e) {
        problems.push(`error: ${(e as Error).message.slice(0, 200)}`);
      }
      if (problems.length === 0) f.held++;
      else f.problems.push(`${label}: ${problems.join("; ")}`);
    }
  } finally {
    remove();
  }
  return f;
}

export interface MigrationFigures {
  shapes: number;
  items: number;
  kept: number;
  backupsIdentical: number;
  problems: string[];
}

const at = "2026-11-21T12:00:00.000Z";

/** A version 1 document: today's shape without `seq`, written as v1 pairbot wrote it. */
const v1Of = (doc: StoreDoc): Record<string, unknown> => {
  const { seq: _seq, ...rest } = doc;
  return { ...rest, version: 1 };
};

const countItems = (doc: StoreDoc): number =>
  doc.dm.requests.length +
  Object.values(doc.dm.allowlist).reduce((n, accounts) => n + Object.values(accounts).reduce((m, senders) => m + Object.keys(senders).length, 0), 0) +
  doc.devices.bootstrapTokens.length + doc.devices.requests.length + doc.devices.paired.length +
  Object.values(doc.notifications).reduce((n, owners) => n + Object.keys(owners).length, 0) +
  Object.keys(doc.owners).length + Object.keys(doc.codeFailures).length + doc.audit.length;

/**
 * Version 1 stores of every shape (empty; only an allowlist; pending DM and device requests; paired
 * devices; notifications; owners; code failures; a full audit; all at once, with `bulk` allowlist entries),
 * each opened, read, then changed by `writers` processes (or this one) that all read it first: every item
 * is kept, and the old file stays beside the new as store.json.v1, byte for byte.
 */
export async function migrations(o: { bulk: number; auditEntries: number }): Promise<MigrationFigures> {
  const f: MigrationFigures = { shapes: 0, items: 0, kept: 0, backupsIdentical: 0, problems: [] };
  const { dir: root, remove } = tempDir("pairbot-migrate-");
  try {
    const rich = await richStore(path.join(root, "rich", "store.json"));
    const empty = (await readStoreFiles(path.join(root, "none", "store.json")));
    const only = (parts: Partial<StoreDoc>): StoreDoc => ({ ...structuredClone(empty), ...structuredClone(parts) });
    const allowlist: StoreDoc["dm"]["allowlist"] = { whatsapp: { default: {} }, ...structuredClone(rich.dm.allowlist) };
    for (let i = 0; i < o.bulk; i++) allowlist["whatsapp"]!["default"]![`+49160${String(i).padStart(7, "0")}`] = { name: `Bulk ${i}`, addedAt: at, addedBy: "cli" };
    const audit = Array.from({ length: o.auditEntries }, (_, i) => ({ at, action: "allow" as const, actor: "cli", subject: `whatsapp/default/+4916${i}` }));
    const shapes: Array<[string, StoreDoc, (doc: unknown) => string]> = [
      ["empty", only({}), (d) => JSON.stringify(d, null, 2)],
      ["only an allowlist", only({ dm: { requests: [], allowlist, blocks: [] } }), (d) => JSON.stringify(d)],
      ["pending DM and device requests", only({ dm: { requests: rich.dm.requests, allowlist: {}, blocks: [] }, devices: { bootstrapTokens: rich.devices.bootstrapTokens.filter((t) => rich.devices.requests.some((r) => r.tokenId === t.id)), requests: rich.devices.requests, paired: [] } }), (d) => JSON.stringify(d, null, 2)],
      ["paired devices", only({ devices: { bootstrapTokens: [], requests: [], paired: rich.devices.paired } }), (d) => JSON.stringify(d)],
      ["notifications", only({ notifications: rich.notifications }), (d) => JSON.stringify(d)],
      ["owners", only({ owners: rich.owners }), (d) => JSON.stringify(d, null, 1)],
      ["code failures", only({ codeFailures: rich.codeFailures }), (d) => JSON.stringify(d)],
      [`a full audit of ${o.auditEntries} entries`, only({ audit }), (d) => JSON.stringify(d)],
      ["everything at once", { ...structuredClone(rich), dm: { requests: rich.dm.requests, allowlist, blocks: [] }, audit: [...rich.audit, ...audit].slice(-Math.max(o.auditEntries, rich.audit.length)) }, (d) => JSON.stringify(d)],
    ];
    for (const [i, [label, doc, format]] of shapes.entries()) {
      f.shapes++;
      const n = countItems(doc);
      f.items += n;
      const dir = path.join(root, `shape-${i}`);
      const file = path.join(dir, "store.json");
      spawnSync("mkdir", ["-p", "-m", "700", dir]);
      const bytes = format(v1Of(doc)) + "\n";
      writeFileSync(file, bytes, { mode: 0o600 });
      const problems: string[] = [];
      try {
        // Two processes opened it before the upgrade wrote anything: both read v1, then both change it.
        const first = new PairingStore({ file, clock: clock().fn });
        const secondBackend = new FileBackend(file);
        const second = new PairingStore({ file, clock: clock().fn, backend: secondBackend });
        if (!same(await readStoreFiles(file), doc)) problems.push("read as v1, items differ");
        await first.read();
        await second.read();
        if (readFileSync(file, "utf8") !== bytes) problems.push("reading changed the file");
        await first.setNotify(9001, true); // no audit entry: a full audit keeps every entry
        await second.setNotify(9002, true);
        await secondBackend.close();
        const after = await readStoreFiles(file);
        const expected = structuredClone(doc);
        expected.owners = { ...expected.owners, "9001": { notify: true }, "9002": { notify: true } };
        if (same(after, expected)) f.kept += n;
        else problems.push(`items differ after migration: ${firstDifference(items(after), items(expected))}`);
        if (existsSync(`${file}.v1`) && readFileSync(`${file}.v1`, "utf8") === bytes) f.backupsIdentical++;
        else problems.push(`store.json.v1 is ${existsSync(`${file}.v1`) ? `not the old file (it starts ${JSON.stringify(readFileSync(`${file}.v1`, "utf8").slice(0, 30))})` : "missing"}`);
        if (JSON.parse(readFileSync(file, "utf8")).version !== STORE_VERSION) problems.push(`the snapshot is not version ${STORE_VERSION}`);
      } catch (e) {
        problems.push(`error: ${(e as Error).message.slice(0, 200)}`);
      }
      if (problems.length > 0) f.problems.push(`${label}: ${problems.join("; ")}`);
    }
  } finally {
    remove();
  }
  return f;
}

export const damageSummary = (f: DamageFigures): string =>
  `store damage: cases ${f.cases} (journal and snapshot), refusals ${f.refusals} of ${f.cases * OPERATIONS.length} operations, not refused ${f.accepted.length}, files changed ${f.changedFiles}, snapshot damage that still parsed (skipped) ${f.undetectable}`;
export const crashSummary = (f: CrashFigures): string => `store crash points: cases ${f.cases}, held ${f.held}, failed ${f.cases - f.held}`;
export const migrationSummary = (f: MigrationFigures): string =>
  `store v1 migration: shapes ${f.shapes}, items ${f.items}, kept ${f.kept}, store.json.v1 byte-identical ${f.backupsIdentical} of ${f.shapes}`;
