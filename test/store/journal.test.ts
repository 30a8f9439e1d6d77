import { appendFileSync, cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileBackend } from "../../src/store/file-backend.js";
import { encodeHeader, encodeRecord } from "../../src/store/journal.js";
import { PairingStore, readStoreFiles, STORE_VERSION } from "../../src/store/index.js";
import { storeBytes, tempStore, uncapped } from "../support/temp-store.js";

let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

const allowed = async (file: string): Promise<string[]> => Object.keys((await readStoreFiles(file)).dm.allowlist["signal"]?.["default"] ?? {}).sort();

/** A store with three committed changes, copied to a fresh path no backend in this process has read yet. */
async function storeWithThreeChanges(): Promise<string> {
  t = tempStore();
  for (const s of ["a", "b", "c"]) await t.store.allowSender({ channel: "signal", senderId: s }, "cli");
  const copy = path.join(t.dir, "copy.json");
  cpSync(t.file, copy);
  cpSync(`${t.file}.journal`, `${copy}.journal`);
  return copy;
}

const journalLines = (file: string): string[] => readFileSync(`${file}.journal`, "utf8").split("\n").slice(0, -1);

describe("the journal", () => {
  it("holds one line per commit after a header, and a new process reads the store from snapshot and journal", async () => {
    const file = await storeWithThreeChanges();
    const lines = journalLines(file);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^[0-9a-f]{8} \{"journal":1,"base":\d+,"snapshot":"[0-9a-f]{8}"\}$/);
    expect(lines.slice(1).map((l) => JSON.parse(l.slice(9)).seq)).toEqual([1, 2, 3]);
    expect(await allowed(file)).toEqual(["a", "b", "c"]);
  });

  it("a torn last line (a crash mid-append) is ignored by readers and cut off by the next writer", async () => {
    const file = await storeWithThreeChanges();
    appendFileSync(`${file}.journal`, '1234abcd {"seq":4,"id":"x","fx":[{"t":"allow","put":["signal","default","torn",{"addedAt');
    expect(await allowed(file)).toEqual(["a", "b", "c"]);
    await new PairingStore({ file }).allowSender({ channel: "signal", senderId: "d" }, "cli");
    expect(await allowed(file)).toEqual(["a", "b", "c", "d"]);
    expect(journalLines(file)).toHaveLength(5);
  });

  const damages: Array<[string, (lines: string[]) => string[], RegExp]> = [
    ["a damaged line in the middle", (l) => [l[0]!, l[1]!.replace('"a"', '"z"'), ...l.slice(2)], /byte \d+ is damaged: its checksum does not match/],
    ["a bad checksum on the last line", (l) => [...l.slice(0, -1), `00000000${l.at(-1)!.slice(8)}`], /checksum does not match/],
    ["a missing change", (l) => [l[0]!, l[1]!, l[3]!], /change 2 is missing before change 3/],
    ["a line that is not a record", (l) => [l[0]!, l[1]!, "not a journal line", l[2]!, l[3]!], /does not start with a checksum/],
  ];

  it.each(damages)("%s is refused by reads and changes, naming the journal, and no file changes", async (_label, damage, problem) => {
    const file = await storeWithThreeChanges();
    writeFileSync(`${file}.journal`, damage(journalLines(file)).join("\n") + "\n");
    const before = storeBytes(file);
    const store = new PairingStore({ file });
    for (const operation of [() => store.isAllowed("signal", "a"), () => store.allowSender({ channel: "signal", senderId: "d" }, "cli"), () => store.read()]) {
      const error = await operation().then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ code: "store_corrupt", message: expect.stringContaining(`${file}.journal`) });
      expect((error as Error).message).toMatch(problem);
    }
    expect(storeBytes(file)).toBe(before);
  });
});

describe("the snapshot", () => {
  it("changed after compaction wrote it, though still valid, is refused by every operation, naming it", async () => {
    const file = await storeWithThreeChanges();
    const snapshot = JSON.parse(readFileSync(file, "utf8"));
    snapshot.owners = { "666": { notify: false } }; // valid, but not what pairbot wrote
    writeFileSync(file, JSON.stringify(snapshot) + "\n");
    const before = storeBytes(file);
    const store = new PairingStore({ file });
    await expect(store.isAllowed("signal", "a")).rejects.toMatchObject({ code: "store_corrupt", message: expect.stringMatching(/changed after pairbot wrote it/) });
    await expect(store.allowSender({ channel: "signal", senderId: "d" }, "cli")).rejects.toMatchObject({ code: "store_corrupt" });
    expect(storeBytes(file)).toBe(before);
  });
});

describe("fencing", () => {
  it("a writer whose record another writer got in before re-runs its change on the newer state; nothing is lost", async () => {
    const file = await storeWithThreeChanges();
    const backend = new FileBackend(file);
    const store = new PairingStore({ file, backend });
    let runs = 0;
    const result = await store.change((tx) => {
      runs++;
      if (runs === 1) {
        // Another process appends change 4 between this writer's read and its append (as a paused lock holder would see).
        const record = { seq: 4, id: "other", fx: [{ t: "allow" as const, put: ["signal", "default", "other", { addedAt: tx.nowIso, addedBy: "cli" }] as [string, string, string, { addedAt: string; addedBy: string }] }] };
        appendFileSync(`${file}.journal`, encodeRecord(record));
      }
      tx.putAllowEntry("signal", "default", "mine", { addedAt: tx.nowIso, addedBy: "cli" });
      return Object.keys(tx.doc.dm.allowlist["signal"]!["default"]!).length;
    });
    expect(runs).toBe(2);
    expect(result).toBe(5); // the re-run saw the other writer's change
    expect(await allowed(file)).toEqual(["a", "b", "c", "mine", "other"]);
    expect(journalLines(file).slice(1).map((l) => JSON.parse(l.slice(9)).seq)).toEqual([1, 2, 3, 4, 4, 5]);
    await backend.close();
  });
});

describe("compaction", () => {
  it("folds the journal into a new snapshot once it grows; readers old and new see every change", async () => {
    t = tempStore({ policy: uncapped(1_000_000) });
    const follower = new FileBackend(t.file);
    await t.store.prune();
    await follower.current();
    for (let i = 0; i < 1500; i++) await t.store.allowSender({ channel: "signal", senderId: `s${i}`, name: `Sender number ${i}` }, "cli");
    const snapshot = JSON.parse(readFileSync(t.file, "utf8"));
    expect(snapshot.seq).toBeGreaterThan(0);
    expect(statSync(`${t.file}.journal`).size).toBeLessThan(256 * 1024);
    expect(Object.keys((await follower.current()).dm.allowlist["signal"]!["default"]!)).toHaveLength(1500);
    expect(await allowed(t.file)).toHaveLength(1500);
    expect(readdirSync(t.dir).sort()).toEqual(["store.json", "store.json.journal"]);
    await follower.close();
  });
});

describe("a version 1 store", () => {
  const v1 = {
    version: 1,
    dm: { requests: [], allowlist: { whatsapp: { default: { "+491": { name: "Ann", addedAt: "2026-11-21T12:00:00.000Z", addedBy: "cli" } } } } },
    devices: { bootstrapTokens: [], requests: [], paired: [] },
    notifications: {},
    owners: { "42": { notify: false } },
    codeFailures: {},
    audit: [{ at: "2026-11-21T12:00:00.000Z", action: "allow", actor: "cli", subject: "whatsapp/default/+491" }],
  };

  it("is read as it is, and migrated by the first change, keeping the old file beside the new", async () => {
    t = tempStore();
    const file = path.join(t.dir, "old.json");
    const bytes = JSON.stringify(v1, null, 1);
    writeFileSync(file, bytes, { mode: 0o600 });
    const store = new PairingStore({ file });
    expect(await store.isAllowed("whatsapp", "+491")).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(bytes); // reading changes nothing
    await store.allowSender({ channel: "whatsapp", senderId: "+492" }, "cli");
    expect(readFileSync(`${file}.v1`, "utf8")).toBe(bytes);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: STORE_VERSION, seq: 0, owners: { "42": { notify: false } } });
    const doc = await readStoreFiles(file);
    expect(Object.keys(doc.dm.allowlist["whatsapp"]!["default"]!).sort()).toEqual(["+491", "+492"]);
    expect(doc.audit).toHaveLength(2);
  });

  // Found by the stress suite: a second process that had read the v1 file replaced the backup with the
  // first process's v2 snapshot when it wrote.
  it("keeps the old file as store.json.v1 when two processes read it as v1 and both change it", async () => {
    t = tempStore();
    const file = path.join(t.dir, "old.json");
    const bytes = JSON.stringify(v1);
    writeFileSync(file, bytes, { mode: 0o600 });
    const other = new FileBackend(file);
    const first = new PairingStore({ file });
    const second = new PairingStore({ file, backend: other });
    await first.read();
    await second.read();
    await first.setNotify(1, true);
    await second.setNotify(2, true);
    expect(readFileSync(`${file}.v1`, "utf8")).toBe(bytes);
    expect((await readStoreFiles(file)).owners).toEqual({ "42": { notify: false }, "1": { notify: true }, "2": { notify: true } });
    await other.close();
  });
});

describe("a version 2 store", () => {
  const v2 = {
    version: 2,
    seq: 1,
    dm: { requests: [], allowlist: { whatsapp: { default: { "+491": { name: "Ann", addedAt: "2026-11-21T12:00:00.000Z", addedBy: "cli" } } } } },
    devices: { bootstrapTokens: [], requests: [], paired: [] },
    notifications: {},
    owners: {},
    codeFailures: {},
    audit: [],
  };
  const record = { seq: 2, id: "AAAAAAAAAAAA", fx: [{ t: "owner" as const, put: ["42", { notify: false }] as [string, { notify: boolean }] }] };

  it("is read with its journal, and migrated by the first change, keeping the old snapshot and journal beside the new", async () => {
    t = tempStore();
    const file = path.join(t.dir, "old.json");
    const bytes = JSON.stringify(v2);
    writeFileSync(file, bytes, { mode: 0o600 });
    writeFileSync(`${file}.journal`, encodeHeader(1) + encodeRecord(record), { mode: 0o600 });
    const store = new PairingStore({ file });
    expect(await store.isAllowed("whatsapp", "+491")).toBe(true);
    expect((await store.ownerSettings(42)).notify).toBe(false);
    await store.allowSender({ channel: "whatsapp", senderId: "+492" }, "cli");
    expect(readFileSync(`${file}.v2`, "utf8")).toBe(bytes);
    expect(readFileSync(`${file}.v2.journal`, "utf8")).toContain(encodeRecord(record));
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: STORE_VERSION, seq: 2, dm: { blocks: [] }, settings: {} });
    const doc = await readStoreFiles(file);
    expect(Object.keys(doc.dm.allowlist["whatsapp"]!["default"]!).sort()).toEqual(["+491", "+492"]);
    expect(doc.owners).toEqual({ "42": { notify: false } });
  });
});
