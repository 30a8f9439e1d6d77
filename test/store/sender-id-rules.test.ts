import { afterEach, describe, expect, it } from "vitest";
import { emptyStore, writeWholeStore, type StoreDoc } from "../../src/store/index.js";
import { tempStore } from "../support/temp-store.js";

let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

const VARIANTS = ["+1 555 555 0123", "15555550123", "+1-555-555-0123", "whatsapp:+15555550123"];

describe("every door takes any written form of the same id", () => {
  it("allowed says yes to every form of a number added in one", async () => {
    t = tempStore();
    await t.store.allowSender({ channel: "whatsapp", senderId: "+15555550123" }, "cli");
    for (const id of VARIANTS) expect(await t.store.isAllowed("whatsapp", id)).toBe(true);
    expect((await t.store.allowlist()).map((e) => e.senderId)).toEqual(["+15555550123"]);
  });

  it("the forms of one number open one request and fill no cap", async () => {
    t = tempStore();
    const answers = [];
    for (const id of VARIANTS) answers.push(await t.store.requestDmPairing({ channel: "whatsapp", senderId: id }));
    expect(new Set(answers.map((a) => a.code)).size).toBe(1);
    expect(answers.map((a) => a.created)).toEqual([true, false, false, false]);
    expect((await t.store.pending()).dm.map((r) => r.senderId)).toEqual(["+15555550123"]);
    expect(await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917012345678" })).toMatchObject({ created: true, capped: false });
  });

  it("approve, deny, revoke and allowlist remove find the sender by any form", async () => {
    t = tempStore();
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+15555550123" });
    await t.store.approveDm({ channel: "whatsapp", codeOrSender: "+1 (555) 555-0123" }, "cli");
    await t.store.revokeSender({ channel: "whatsapp", senderId: "1-555-555-0123" }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+15555550123")).toBe(false);
    await t.store.requestDmPairing({ channel: "telegram", senderId: "tg:42" });
    await t.store.denyDm({ channel: "telegram", codeOrSender: "telegram:42" }, "cli");
    await t.store.allowSender({ channel: "slack", senderId: "<@U012AB3CD>" }, "cli");
    await t.store.disallowSender({ channel: "slack", senderId: "u012ab3cd" }, "cli");
    expect(await t.store.allowlist()).toEqual([]);
    expect((await t.store.eventsSince(0)).map((e) => `${e.type} ${e.senderId}`)).toEqual([
      "dm.requested +15555550123", "dm.approved +15555550123", "dm.revoked +15555550123",
      "dm.requested 42", "dm.denied 42", "dm.revoked U012AB3CD",
    ]);
  });

  it("an import counts the forms of one sender once", async () => {
    t = tempStore();
    const result = await t.store.importSenders("whatsapp", undefined, VARIANTS.map((id) => ({ id })), "cli");
    expect(result).toMatchObject({ added: 1, alreadyAllowed: 3, refused: [] });
  });
});

describe("codes with separators", () => {
  it.each(["AB3D-7X9K", "ab3d 7x9k", "AB3D7X9K", "ab3d-7x9k", " AB3D 7X9K "])("%j approves the request with code AB3D7X9K", async (typed) => {
    // Draws that make the first code AB3D7X9K.
    const draws = [..."AB3D7X9K"].map((c) => "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".indexOf(c));
    t = tempStore({ random: { int: () => draws.shift() ?? 0, bytes: (n) => Buffer.alloc(n, 7) } });
    expect((await t.store.requestDmPairing({ channel: "signal", senderId: "+491701234567" })).code).toBe("AB3D7X9K");
    expect((await t.store.approveDm({ channel: "signal", codeOrSender: typed }, "cli")).code).toBe("AB3D7X9K");
  });

  it("a wrong code with a dash is a wrong code, not a sender id", async () => {
    t = tempStore();
    await expect(t.store.denyDm({ channel: "signal", codeOrSender: "MH4E-JEFV" }, "cli")).rejects.toThrow("No pending pairing request found for code: MH4EJEFV");
  });
});

describe("a store whose ids were kept as written", () => {
  const at = (minute: number) => `2026-11-21T11:${String(minute).padStart(2, "0")}:00.000Z`;
  const old = (): StoreDoc => {
    const doc = emptyStore();
    doc.seq = 5;
    doc.idForm = 0;
    doc.dm.allowlist = {
      whatsapp: {
        default: {
          "+1 555 555 0123": { addedAt: at(5), addedBy: "cli", until: "2026-11-30T00:00:00.000Z" },
          "15555550123": { name: "Ann", addedAt: at(1), addedBy: "telegram:42" },
          "+491701234567": { addedAt: at(2), addedBy: "cli" },
        },
      },
      telegram: { default: { "tg:42": { addedAt: at(3), addedBy: "cli" } } },
    };
    doc.dm.requests = [
      { id: "AAAAAAAAAAAA", channel: "signal", account: "default", senderId: "+44 20 7946 0958", code: "AAAAAAAA", createdAt: at(50), lastSeenAt: at(50), expiresAt: "2026-11-21T12:50:00.000Z" },
      { id: "BBBBBBBBBBBB", channel: "signal", account: "default", senderId: "442079460958", code: "BBBBBBBB", createdAt: at(40), lastSeenAt: at(40), expiresAt: "2026-11-21T12:40:00.000Z" },
    ];
    return doc;
  };

  it("answers for either form until its first change, which normalises and merges them for every process", async () => {
    t = tempStore();
    await writeWholeStore(t.location, old());
    const reader = t.open({ clock: t.clock.fn });
    expect(await reader.isAllowed("whatsapp", "15555550123")).toBe(true);
    expect(await reader.isAllowed("telegram", "42")).toBe(false); // kept as "tg:42": found only as written, until the change
    expect(await reader.isAllowed("telegram", "tg:42")).toBe(true);

    await t.store.prune();
    const doc = await t.readSaved();
    expect(doc.idForm).toBe(1);
    expect(doc.dm.allowlist).toEqual({
      whatsapp: { default: { "+15555550123": { name: "Ann", addedAt: at(1), addedBy: "telegram:42" }, "+491701234567": { addedAt: at(2), addedBy: "cli" } } },
      telegram: { default: { "42": { addedAt: at(3), addedBy: "cli" } } },
    });
    // The older of two requests from one sender stands; the other ends, said so in the audit and the events.
    expect(doc.dm.requests).toMatchObject([{ id: "BBBBBBBBBBBB", senderId: "+442079460958", code: "BBBBBBBB" }]);
    expect(doc.events).toMatchObject([{ type: "dm.expired", requestId: "AAAAAAAAAAAA", reason: "merged" }]);
    expect(await reader.isAllowed("telegram", "tg:42")).toBe(true);
    expect((await reader.read()).dm.allowlist).toEqual(doc.dm.allowlist);
  });
});
