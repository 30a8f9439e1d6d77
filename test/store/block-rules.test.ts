import { afterEach, describe, expect, it } from "vitest";
import { nextExpiry } from "../../src/store/index.js";
import { tempStore } from "../support/temp-store.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

const ask = (senderId = "+491701234567", channel = "whatsapp") => t.store.requestDmPairing({ channel, senderId, name: "Eve" });
const types = async () => (await t.store.eventsSince(0)).map((e) => e.type);

describe("blocking a sender", () => {
  it("ends their pending request and gives them no code, whatever form of their id they write in", async () => {
    t = tempStore();
    const { id, code } = await ask();
    const block = await t.store.blockSender({ channel: "whatsapp", senderId: "0049 170 1234567" }, "cli:ann");
    expect(block).toMatchObject({ channel: "whatsapp", account: "default", senderId: "+491701234567", reason: "block", by: "cli:ann" });
    expect((await t.store.pending()).dm).toEqual([]);
    expect(await ask("+49 170 1234567")).toEqual({ code: null, created: false, capped: false, allowed: false, blocked: true, cooldownUntil: null, expiresAt: null, id: null });
    expect((await t.store.pending()).dm).toEqual([]);
    expect((await t.store.audit()).at(-1)).toMatchObject({ action: "block", actor: "cli:ann", requestId: id, code });
    expect((await t.store.eventsSince(1))).toMatchObject([{ type: "dm.blocked", senderId: "+491701234567", requestId: id, name: "Eve" }]);
    t.clock.advance(400 * DAY);
    expect(await ask()).toMatchObject({ blocked: true });
  });

  it("takes away access a sender had", async () => {
    t = tempStore();
    await t.store.allowSender({ channel: "signal", senderId: "+491", name: "Eve" }, "cli");
    await t.store.blockSender({ channel: "signal", senderId: "+491" }, "cli");
    expect(await t.store.isAllowed("signal", "+491")).toBe(false);
    expect((await t.store.eventsSince(0)).at(-1)).toMatchObject({ type: "dm.blocked", senderId: "+491", name: "Eve", reason: "access ended" });
  });

  it("is undone by unblock, and by adding the sender to the allowlist", async () => {
    t = tempStore();
    await t.store.blockSender({ channel: "whatsapp", senderId: "+491701234567" }, "cli");
    expect(await t.store.unblockSender({ channel: "whatsapp", senderId: "491701234567" }, "cli:ann")).toMatchObject({ senderId: "+491701234567" });
    expect(await ask("+491701234567")).toMatchObject({ created: true, blocked: false });
    await expect(t.store.unblockSender({ channel: "whatsapp", senderId: "+491701234567" }, "cli")).rejects.toThrow("Sender +491701234567 is not blocked on whatsapp");
    await t.store.blockSender({ channel: "whatsapp", senderId: "+492" }, "cli");
    await t.store.allowSender({ channel: "whatsapp", senderId: "+492" }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+492")).toBe(true);
    expect((await t.readSaved()).dm.blocks).toEqual([]);
    expect((await t.store.audit()).map((e) => e.action)).toEqual(["block", "unblock", "request", "block", "allow"]);
  });

  it("deny with block: the request ends once, as blocked, and no alert or code follows", async () => {
    t = tempStore();
    const { id, code } = await ask();
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: code! }, "telegram:42", { block: true });
    expect(await types()).toEqual(["dm.requested", "dm.blocked"]);
    expect(await t.store.outcomeOf(id!)).toMatchObject({ action: "block", actor: "telegram:42" });
    expect(await ask()).toMatchObject({ blocked: true, code: null });
    await expect(t.store.approveDm({ channel: "whatsapp", codeOrSender: code! }, "cli")).rejects.toThrow(`The pairing request with code ${code} was already denied and blocked`);
  });
});

describe("the cool-down after a plain deny", () => {
  it("gives the sender no new code for dm.denyCooldown, then lets them ask again", async () => {
    t = tempStore();
    await ask();
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: "+491701234567" }, "cli");
    const waiting = await ask("+49 170 1234567");
    expect(waiting).toMatchObject({ code: null, created: false, blocked: false, cooldownUntil: "2026-11-22T12:00:00.000Z" });
    expect((await t.store.pending()).dm).toEqual([]);
    t.clock.advance(DAY - 1);
    expect(await ask()).toMatchObject({ code: null });
    t.clock.advance(1);
    expect(await ask()).toMatchObject({ created: true, cooldownUntil: null });
    expect(await types()).toEqual(["dm.requested", "dm.denied", "dm.requested"]);
    expect((await t.readSaved()).dm.blocks).toEqual([]); // the cool-down went with the change after it ended
  });

  it("follows the setting, and 0 turns it off", async () => {
    t = tempStore();
    await t.store.setSetting("dm.denyCooldown", "1h", "cli");
    await ask("+491");
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: "+491" }, "cli");
    expect(await ask("+491")).toMatchObject({ cooldownUntil: "2026-11-21T13:00:00.000Z" });
    await t.store.setSetting("dm.denyCooldown", "0", "cli");
    await ask("+492");
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: "+492" }, "cli");
    expect(await ask("+492")).toMatchObject({ created: true });
  });
});

describe("temporary access", () => {
  it("from an approval ends by itself: allowed until then, then pruned, audited and told", async () => {
    t = tempStore();
    const { code } = await ask();
    await t.store.approveDm({ codeOrSender: code! }, "telegram:42", { forMs: DAY });
    expect((await t.store.eventsSince(1))[0]).toMatchObject({ type: "dm.approved", until: "2026-11-22T12:00:00.000Z" });
    expect(nextExpiry(await t.store.read())).toBe(Date.parse("2026-11-22T12:00:00.000Z"));
    t.clock.advance(DAY - 1);
    expect(await t.store.isAllowed("whatsapp", "+491701234567")).toBe(true);
    t.clock.advance(1);
    expect(await t.store.isAllowed("whatsapp", "+491701234567")).toBe(false); // before anything is pruned
    expect(await t.store.allowlist()).toEqual([]);
    await t.store.prune();
    expect((await t.readSaved()).dm.allowlist).toEqual({});
    expect((await t.store.audit()).at(-1)).toMatchObject({ action: "expire", actor: "clock", subject: "whatsapp/default/+491701234567" });
    expect((await t.store.eventsSince(2))).toMatchObject([{ type: "dm.revoked", senderId: "+491701234567", name: "Eve", reason: "expired", until: "2026-11-22T12:00:00.000Z" }]);
  });

  it("from the allowlist ends by itself too, also when another process prunes it", async () => {
    t = tempStore();
    expect(await t.store.allowSender({ channel: "telegram", senderId: "tg:42", forMs: 7 * DAY }, "cli")).toEqual({ channel: "telegram", account: "default", senderId: "42", until: "2026-11-28T12:00:00.000Z" });
    await t.store.allowSender({ channel: "telegram", senderId: "43" }, "cli");
    const other = t.open({ clock: t.clock.fn });
    t.clock.advance(7 * DAY);
    await other.prune();
    expect((await t.readSaved()).dm.allowlist).toEqual({ telegram: { default: { "43": expect.objectContaining({ addedBy: "cli" }) } } });
    expect((await t.store.eventsSince(0)).map((e) => `${e.type} ${e.senderId} ${e.reason}`)).toEqual(["dm.revoked 42 expired"]);
  });

  it("made permanent by adding the sender again without an end", async () => {
    t = tempStore();
    await t.store.allowSender({ channel: "signal", senderId: "+491", forMs: HOUR }, "cli");
    await t.store.allowSender({ channel: "signal", senderId: "+491" }, "cli");
    t.clock.advance(2 * HOUR);
    await t.store.prune();
    expect(await t.store.isAllowed("signal", "+491")).toBe(true);
    expect(await types()).toEqual([]);
  });
});
