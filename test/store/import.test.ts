import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { PairingStore } from "../../src/store/index.js";
import { tempStore } from "../support/temp-store.js";

const HOUR = 3_600_000;
let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());
const fresh = (options: Parameters<typeof tempStore>[0] = {}) => (t = tempStore(options));
const journalLines = (file: string): string[] => readFileSync(`${file}.journal`, "utf8").split("\n").slice(0, -1);

describe("importing an allowlist", () => {
  it("adds every valid sender in one commit with one audit entry, refusing bad ids one by one", async () => {
    fresh();
    await t.store.allowSender({ channel: "whatsapp", senderId: "+491" }, "cli");
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+493" });
    const before = journalLines(t.file).length;

    const result = await t.store.importSenders(
      "whatsapp",
      undefined,
      [{ id: "+491" }, { id: "+492", name: "Bo" }, { id: "" }, { id: "+493" }, { id: "x".repeat(200) }, { id: "+492" }, { id: 4917 }, { id: "__proto__" }],
      "cli",
    );

    expect(result).toEqual({
      channel: "whatsapp",
      account: "default",
      added: 3,
      alreadyAllowed: 2,
      refused: [
        { index: 2, id: "", reason: "Invalid sender id: it is empty" },
        { index: 4, id: "x".repeat(64), reason: "Invalid sender id: it is longer than 128 characters" },
        { index: 7, id: "__proto__", reason: 'Invalid sender id: "__proto__" is a reserved word; choose another' },
      ],
    });
    expect(journalLines(t.file)).toHaveLength(before + 1);
    const audit = await t.store.audit();
    expect(audit.at(-1)).toMatchObject({ action: "allow", actor: "cli", subject: "whatsapp/default: 3 senders imported" });
    expect(audit.map((e) => e.action)).toEqual(["allow", "request", "allow"]);
    // A sender with a pending request is now allowed, and the request has gone.
    expect((await t.store.pending()).dm).toEqual([]);
    const fromOtherProcess = new PairingStore({ file: t.file });
    expect(await fromOtherProcess.isAllowed("whatsapp", "4917")).toBe(true);
    expect((await fromOtherProcess.read()).dm.allowlist["whatsapp"]?.["default"]?.["+492"]).toMatchObject({ name: "Bo", addedBy: "cli" });
  });

  it("changes nothing, and writes nothing, when every sender is already allowed", async () => {
    fresh();
    await t.store.importSenders("signal", "work", [{ id: "a" }, { id: "b" }], "cli");
    const before = journalLines(t.file).length;
    const again = await t.store.importSenders("signal", "work", [{ id: "a" }, { id: "b" }], "cli");
    expect(again).toMatchObject({ account: "work", added: 0, alreadyAllowed: 2, refused: [] });
    expect(journalLines(t.file)).toHaveLength(before);
  });

  it("refuses a wrong channel or account as a whole", async () => {
    fresh();
    await expect(t.store.importSenders("WhatsApp", undefined, [{ id: "+491" }], "cli")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(t.store.importSenders("whatsapp", "Work", [{ id: "+491" }], "cli")).rejects.toMatchObject({ code: "invalid_input" });
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
  });
});

describe("importing pending DM requests", () => {
  it("keeps valid unique codes, replaces the others, skips expired and allowed senders, and may pass the cap", async () => {
    fresh();
    const now = t.clock.now;
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const mine = await t.store.requestDmPairing({ channel: "telegram", senderId: "1" });
    await t.store.allowSender({ channel: "telegram", senderId: "2" }, "cli");

    const result = await t.store.importPendingDm("telegram", undefined, [
      { senderId: "10", code: "abcdefgh", createdAt: at(10), lastSeenAt: at(5), meta: { username: "ann" } },
      { senderId: "11", code: mine.code, createdAt: at(20) },
      { senderId: "12", code: "O0O0O0O0", createdAt: at(30) },
      { senderId: "13", code: "ZZZZZZZZ", createdAt: at(61) },
      { senderId: "2", code: "YYYYYYYY", createdAt: at(1) },
      { senderId: "1", code: "XXXXXXXX", createdAt: at(1) },
      { senderId: 14, code: "WWWWWWWW", createdAt: "yesterday" },
      { senderId: "15", code: "VVVVVVVV", createdAt: at(-5) },
    ]);

    expect(result.added.map((a) => [a.senderId, a.code])).toEqual([
      ["10", "ABCDEFGH"],
      ["11", result.newCodes[0]!.code],
      ["12", result.newCodes[1]!.code],
    ]);
    expect(result.added[0]!.expiresAt).toBe(new Date(now + 50 * 60_000).toISOString());
    expect(result.newCodes.map((n) => [n.senderId, n.was, n.reason])).toEqual([
      ["11", mine.code, "another pending request has it"],
      ["12", "O0O0O0O0", "not a pairing code"],
    ]);
    expect(result.skipped.map((s) => [s.index, s.reason])).toEqual([
      [3, `it expired at ${new Date(now - 60_000).toISOString()}`],
      [4, "the sender is already allowed"],
      [5, "the sender already has a pending request here"],
    ]);
    expect(result.refused.map((s) => [s.index, s.reason])).toEqual([
      [6, "it has no valid createdAt time"],
      [7, "its createdAt time is in the future"],
    ]);
    expect(result).toMatchObject({ pending: 4, cap: 3 });

    const pending = (await t.store.pending()).dm;
    expect(new Set(pending.map((r) => r.code)).size).toBe(4);
    expect(pending.find((r) => r.senderId === "10")).toMatchObject({ meta: { username: "ann" }, createdAt: at(10), lastSeenAt: at(5) });
    // The imported requests expire on their own clock.
    t.clock.advance(35 * 60_000);
    expect((await t.store.pending()).dm.map((r) => r.senderId).sort()).toEqual(["1", "10", "11"]);
    t.clock.advance(HOUR);
    expect((await t.store.pending()).dm).toEqual([]);
  });
});

describe("an import plan", () => {
  it("lands in one commit, or with dryRun not at all", async () => {
    fresh();
    const plan = {
      allowlists: [
        { channel: "whatsapp", entries: [{ id: "+491" }, { id: "+492" }] },
        { channel: "whatsapp", account: "work", entries: [{ id: "+493" }] },
      ],
      pending: [{ channel: "whatsapp", requests: [{ senderId: "+491", code: "ABCDEFGH", createdAt: new Date(t.clock.now).toISOString() }] }],
    };
    await t.store.allowSender({ channel: "signal", senderId: "bob" }, "cli");
    const before = journalLines(t.file).length;

    const preview = await t.store.importPlan(plan, "cli", { dryRun: true });
    expect(preview.allowlists.map((a) => a.added)).toEqual([2, 1]);
    expect(preview.pending[0]!.skipped).toEqual([{ index: 0, id: "+491", reason: "the sender is already allowed" }]);
    expect(journalLines(t.file)).toHaveLength(before);
    expect(Object.keys((await t.store.read()).dm.allowlist)).toEqual(["signal"]);

    expect(await t.store.importPlan(plan, "cli")).toEqual(preview);
    expect(journalLines(t.file)).toHaveLength(before + 1);
    expect((await t.store.audit()).map((e) => e.subject).slice(1)).toEqual(["whatsapp/default: 2 senders imported", "whatsapp/work: 1 sender imported"]);
  });
});
