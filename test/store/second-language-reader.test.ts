import { execFile, spawn, spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readStoreFiles, type PairingStore, type StoreDoc } from "../../src/store/index.js";
import { encodeSeal } from "../../src/store/journal.js";
import { approvedDevice, deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

/** docs/reader.py, the store reader in a second language, run against stores pairbot writes. */
const reader = fileURLToPath(new URL("../../docs/reader.py", import.meta.url));
const hasPython = spawnSync("python3", ["--version"]).status === 0;
if (!hasPython) console.log("skipped: python3 is not on PATH; install Python 3 and run `npx vitest run test/store/second-language-reader.test.ts`");

let t: ReturnType<typeof tempStore>;
afterEach(() => t?.remove());

interface Summary {
  seq: number;
  pendingDm: string[];
  allowed: Record<string, Record<string, string[]>>;
}

function runReader(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile("python3", [reader, ...args], (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
    child.stdin?.end();
  });
}

/** The summary the reader should print, from the store's own view. */
const expectedSummary = (doc: StoreDoc): Summary => ({
  seq: doc.seq,
  pendingDm: doc.dm.requests.map((r) => r.code).sort(),
  allowed: Object.fromEntries(Object.entries(doc.dm.allowlist).map(([c, accounts]) => [c, Object.fromEntries(Object.entries(accounts).map(([a, s]) => [a, Object.keys(s).sort()]))])),
});

/** A store with allowed senders on two accounts, a revoked one, two pending DM requests and a flood summary; the clock is now (the reader uses the wall clock). */
async function livelyStore() {
  t = tempStore();
  t.clock.now = Date.now();
  for (const senderId of ["+491", "+492", "+493"]) await t.store.allowSender({ channel: "whatsapp", senderId }, "cli");
  await t.store.allowSender({ channel: "whatsapp", account: "work", senderId: "+499" }, "cli");
  await t.store.revokeSender({ channel: "whatsapp", senderId: "+492" }, "cli");
  for (const senderId of ["+46", "+47"]) await t.store.requestDmPairing({ channel: "signal", senderId, name: "Ann" });
  const windowEnd = new Date(t.clock.now).toISOString();
  await t.store.recordRefusals({ channel: "signal", refused: 27, windowStart: new Date(t.clock.now - 60_000).toISOString(), windowEnd }); // a flood summary: an effect the reader must know
  return t;
}

const snapshotSeq = (file: string): number => (JSON.parse(readFileSync(file, "utf8")) as { seq: number }).seq;

/** 100 senders at once: group commit saves them as a few records, about 25 KiB in all; ten or so pass the 256 KiB compaction threshold. */
const addSenders = (store: PairingStore, batch: number) =>
  Promise.all(Array.from({ length: 100 }, (_, i) => store.allowSender({ channel: "telegram", senderId: `${batch * 100 + i}`, name: `Sender ${batch}/${i} with a long display name` }, "cli")));

/** `reader.py --follow` running: its lines as they come, and how to stop it (close its stdin). */
function follow(file: string) {
  const child = spawn("python3", [reader, file, "--follow", "--seconds", "60"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  let wake = (): void => undefined;
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    child,
    lines,
    async seen(done: () => boolean): Promise<void> {
      while (!done()) {
        await new Promise<void>((resolve, reject) => {
          wake = resolve;
          setTimeout(() => reject(new Error(`the reader did not catch up; it printed ${lines.slice(-3).join(" | ")}; stderr: ${stderr}`)), 10_000).unref();
        });
      }
    },
    async stop(): Promise<string[]> {
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(stderr).toBe("");
      return lines;
    },
  };
}

describe.skipIf(!hasPython)("docs/reader.py, a reader in Python", () => {
  it("prints the same allowlist, pending codes and sequence number as the store", async () => {
    const { store, file } = await livelyStore();
    const result = await runReader(file);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual(expectedSummary(await store.read()));
  });

  it.each([
    [["whatsapp", "+491"], 0],
    [["whatsapp", "+492"], 1],
    [["whatsapp", "+499"], 1],
    [["whatsapp", "+499", "work"], 0],
    [["signal", "+46"], 1],
    [["telegram", "+491"], 1],
  ] as const)("answers --allowed %j with exit %i, as isAllowed does", async (question, code) => {
    const { store, file } = await livelyStore();
    const [channel, sender, account] = question;
    expect(await store.isAllowed(channel, sender, account)).toBe(code === 0);
    expect((await runReader(file, "--allowed", ...question)).code).toBe(code);
  });

  it("applies every kind of effect as pairbot does: the whole document matches, audit trimmed", async () => {
    t = tempStore({ policy: { auditLimit: 6 } });
    const { store, file } = t;
    await store.allowSender({ channel: "whatsapp", senderId: "+491", name: "Ann" }, "cli");
    await store.allowSender({ channel: "whatsapp", senderId: "+491", name: "Ann B." }, "cli"); // replaced
    const { code } = await store.requestDmPairing({ channel: "signal", senderId: "+46", meta: { via: "web" } });
    await store.requestDmPairing({ channel: "signal", senderId: "+47" });
    await store.recordNotification("dm:x", 42, { chatId: 42, messageId: 7, sentAt: "2026-11-21T12:00:01.000Z" });
    await store.recordNotification("dm:x", 43, { chatId: 43, messageId: 8, sentAt: "2026-11-21T12:00:01.000Z" });
    await store.forgetNotification("dm:x", 42);
    await store.setNotify(42, false);
    await store.setOwnerLocale(42, "de");
    await store.approveDm({ codeOrSender: "ZZZZZZZZ" }, "telegram:9").catch(() => undefined); // a wrong code: counted
    await store.approveDm({ codeOrSender: code! }, "telegram:42");
    const { publicKey, setup } = await approvedDevice(store);
    await store.issueDeviceToken({ publicKey, bootstrapToken: setup.bootstrapToken });
    const other = await issueSetupCode(store, "operator");
    await store.requestDevicePairing(deviceHello(other.bootstrapToken, newDeviceKey(), "operator", ["operator.read"]));
    const second = await approvedDevice(store);
    await store.revokeDevice(second.device.deviceId, "cli");
    await store.revokeSender({ channel: "whatsapp", senderId: "+491" }, "cli");
    const result = await runReader(file, "--document");
    expect(result.stderr).toBe("");
    const doc = await readStoreFiles(file);
    expect(doc.audit).toHaveLength(6);
    expect(Object.keys(doc.codeFailures)).toEqual(["telegram:9"]);
    expect(JSON.parse(result.stdout)).toEqual(doc);
  });

  it("ignores a torn last line, as pairbot does", async () => {
    const { store, file } = await livelyStore();
    appendFileSync(`${file}.journal`, '1234abcd {"seq":99,"id":"x","fx":[{"t":"allow","put":["signal"');
    const result = await runReader(file);
    expect(JSON.parse(result.stdout)).toEqual(expectedSummary(await store.read()));
  });

  it("skips a void seal (below the sequence number it holds) and reads on, as pairbot does", async () => {
    const { store, file } = await livelyStore();
    const seq = (await store.read()).seq;
    // A compactor fenced off: it read up to seq - 2, others appended since, then its seal landed.
    appendFileSync(`${file}.journal`, encodeSeal(seq - 2));
    await store.allowSender({ channel: "whatsapp", senderId: "+494" }, "cli"); // appended after the void seal
    const doc = await readStoreFiles(file);
    expect(doc.seq).toBe(seq + 1);
    expect(doc.dm.allowlist["whatsapp"]?.["default"]?.["+494"]).toBeDefined();
    const result = await runReader(file);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual(expectedSummary(doc));
  });

  it("refuses a seal above the sequence number it holds (changes missing) with exit 2", async () => {
    const { store, file } = await livelyStore();
    appendFileSync(`${file}.journal`, encodeSeal((await store.read()).seq + 3));
    const result = await runReader(file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/seals the journal at change \d+, but changes \d+ to \d+ are missing/);
  });

  it("refuses a damaged line in the middle with exit 2 and one line naming the journal", async () => {
    const { file } = await livelyStore();
    const lines = readFileSync(`${file}.journal`, "utf8").split("\n");
    lines[2] = lines[2]!.replace('"+492"', '"+482"');
    writeFileSync(`${file}.journal`, lines.join("\n"));
    const result = await runReader(file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`${file}.journal`);
    expect(result.stderr).toMatch(/byte \d+ is damaged: its checksum does not match/);
  });

  it("follows records appended while it runs, across compactions, and ends where the store is", async () => {
    const { store, file } = await livelyStore();
    const reader = follow(file);
    try {
      await reader.seen(() => reader.lines.length > 0);
      const first = JSON.parse(reader.lines[0]!) as Summary;
      const firstSnapshotSeq = snapshotSeq(file);
      for (let batch = 0; batch < 25; batch++) {
        await addSenders(store, batch);
        const seq = (await store.read()).seq;
        await reader.seen(() => reader.lines.some((l) => (JSON.parse(l) as { seq: number }).seq >= seq));
      }
      expect(snapshotSeq(file)).toBeGreaterThan(firstSnapshotSeq); // compacted at least once
      const lines = await reader.stop();
      const records = lines.slice(1, -1).map((l) => JSON.parse(l) as { seq: number; effects: string[] });
      expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => first.seq + 1 + i));
      expect(records.flatMap((r) => r.effects).filter((e) => e === "allow")).toHaveLength(2500);
      expect(JSON.parse(lines.at(-1)!)).toEqual(expectedSummary(await store.read()));
    } finally {
      reader.child.kill();
    }
  }, 60_000);

  it("paused through two compactions, reads the snapshot again and goes on", async () => {
    const { store, file } = await livelyStore();
    const reader = follow(file);
    try {
      await reader.seen(() => reader.lines.length > 0);
      reader.child.kill("SIGSTOP");
      const compactedAt = new Set([snapshotSeq(file)]);
      for (let batch = 0; compactedAt.size < 3; batch++) {
        await addSenders(store, batch);
        compactedAt.add(snapshotSeq(file));
      }
      reader.child.kill("SIGCONT");
      const seq = (await store.read()).seq;
      await reader.seen(() => reader.lines.some((l) => (JSON.parse(l) as { seq: number }).seq >= seq));
      const lines = await reader.stop();
      expect(lines.slice(1, -1).some((l) => "allowed" in JSON.parse(l))).toBe(true); // the summary after reading the snapshot again
      expect(JSON.parse(lines.at(-1)!)).toEqual(expectedSummary(await store.read()));
    } finally {
      reader.child.kill("SIGCONT");
      reader.child.kill();
    }
  }, 60_000);
});
