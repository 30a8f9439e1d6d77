import { existsSync, mkdirSync, utimesSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, readWholeStore, type StoreDoc } from "../../src/store/index.js";
import { StoreProcess, startTogether, stopLeftoverProcesses } from "../support/store-processes.js";
import { tempLocation, testBackend } from "../support/temp-store.js";

// Real processes, real clock: a killed writer leaves its lock until it is stale (LOCK_STALE_MS, 3 s),
// so these tests get generous timeouts; they assert what was kept, never how long it took.
const TIMEOUT = 90_000;
const report = (line: string) => process.env["PAIRBOT_TEST_FIGURES"] && console.info(line);

let remove: () => void = () => undefined;
afterEach(() => {
  stopLeftoverProcesses();
  remove();
});

/** A fresh store on the backend under test: a file path or a postgres:// URL, as the writers take it. */
function storeFile(): string {
  const place = tempLocation();
  remove = place.remove;
  return place.location;
}
const fileOnly = it.skipIf(testBackend !== "file");
const open = (location: string) => openStore({ location, postgres: { log: () => undefined } });

/** Parses the file the way every pairbot process does: a broken file throws. */
const readDoc = (file: string): Promise<StoreDoc> => readWholeStore(file);
const allowed = (doc: StoreDoc): string[] => Object.keys(doc.dm.allowlist["stress"]?.["default"] ?? {});

const writers = (file: string, counts: number[], mode: "allow" | "dm" = "allow") =>
  counts.map((count, i) => new StoreProcess("store-writer.js", [file, `w${i}`, String(count), mode]));

async function finished(processes: StoreProcess[]): Promise<void> {
  const exits = await Promise.all(processes.map((p) => p.exited));
  exits.forEach((exit, i) => expect(exit, `writer ${i}: ${processes[i]!.stderr}`).toEqual({ code: 0, signal: null }));
}

describe("several processes writing at once", () => {
  it("4 processes adding allowlist entries keep every change, and a reader never sees half a file", async () => {
    const file = storeFile();
    const procs = writers(file, [100, 100, 100, 100]);
    const started = Date.now();
    await startTogether(procs);
    let writing = true;
    const allDone = finished(procs).finally(() => (writing = false));
    let reads = 0;
    while (writing) {
      await readDoc(file); // as a new process reads it; throws on a broken snapshot or journal
      reads++;
    }
    await allDone;
    report(`4 writers x 100 allowlist entries: ${Date.now() - started} ms; ${reads} reads in between, all whole`);
    const acknowledged = procs.flatMap((p) => p.acknowledged);
    expect(acknowledged).toHaveLength(400);
    expect(allowed((await readDoc(file))).sort()).toEqual(acknowledged.sort());
  }, TIMEOUT);

  it("6 processes filing DM requests keep every request, each with its own code", async () => {
    const file = storeFile();
    const procs = writers(file, [40, 40, 40, 40, 40, 40], "dm");
    await startTogether(procs);
    await finished(procs);
    const requests = (await readDoc(file)).dm.requests;
    expect(requests.map((r) => r.senderId).sort()).toEqual(procs.flatMap((p) => p.acknowledged).sort());
    expect(new Set(requests.map((r) => r.code)).size).toBe(240);
  }, TIMEOUT);
});

describe("a writer killed with SIGKILL in the middle of its work", () => {
  it("leaves a store that parses, holds every acknowledged change, and takes new writes", async () => {
    const file = storeFile();
    const [victim, ...others] = writers(file, [1_000_000, 150, 150, 150]);
    await startTogether([victim!, ...others]);
    await victim!.until((p) => p.acknowledged.length >= 20);
    report(`killing the victim after ${victim!.acknowledged.length} acknowledged changes`);
    victim!.kill("SIGKILL");
    expect((await victim!.exited).signal).toBe("SIGKILL");
    const killedAt = Date.now();
    await finished(others);
    report(`other writers finished ${Date.now() - killedAt} ms after the kill`);

    const doc = (await readDoc(file));
    const keys = new Set(allowed(doc));
    for (const key of [victim!, ...others].flatMap((p) => p.acknowledged)) expect(keys.has(key), key).toBe(true);
    await open(file).allowSender({ channel: "stress", senderId: "after-the-kill" }, "cli");
    expect(allowed((await readDoc(file)))).toContain("after-the-kill");
    if (testBackend === "file") expect(existsSync(`${file}.lock`)).toBe(false);
  }, TIMEOUT);

  it("alone, mid-run: the next write succeeds (taking over its lock if it left one) and keeps every acknowledged change", async () => {
    const file = storeFile();
    const [victim] = writers(file, [1_000_000]);
    await startTogether([victim!]);
    await victim!.until((p) => p.acknowledged.length >= 30);
    victim!.kill("SIGKILL");
    await victim!.exited;
    const lockLeft = existsSync(`${file}.lock`);
    const started = Date.now();
    await open(file).allowSender({ channel: "stress", senderId: "after-the-kill" }, "cli");
    report(`lock left by the killed writer: ${lockLeft}; next write took ${Date.now() - started} ms`);
    const keys = allowed((await readDoc(file)));
    for (const key of victim!.acknowledged) expect(keys).toContain(key);
    expect(keys).toContain("after-the-kill");
  }, TIMEOUT);

  fileOnly("a lock folder whose owner died is taken over once stale", async () => {
    const file = storeFile();
    const store = open(file);
    await store.allowSender({ channel: "stress", senderId: "before" }, "cli");
    // What a process killed while holding the lock leaves behind: the folder, no longer refreshed.
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    await store.allowSender({ channel: "stress", senderId: "after" }, "cli");
    expect(allowed((await readDoc(file))).sort()).toEqual(["after", "before"]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  fileOnly("a freshly left lock folder is waited out, not broken at once", async () => {
    const file = storeFile();
    const store = open(file);
    await store.allowSender({ channel: "stress", senderId: "before" }, "cli");
    mkdirSync(`${file}.lock`);
    let done = false;
    const write = store.allowSender({ channel: "stress", senderId: "after" }, "cli").then(() => (done = true));
    // Checks a thing that must NOT happen yet, so it waits a moment well inside the 3 s stale time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(done).toBe(false);
    expect(allowed((await readDoc(file)))).toEqual(["before"]);
    await write;
    expect(allowed((await readDoc(file))).sort()).toEqual(["after", "before"]);
  }, TIMEOUT);
});
