import { afterEach, describe, expect, it, vi } from "vitest";
import { copyStore, PairbotError, type PairingEvent } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempLocation, tempStore, testBackend, uncapped } from "../support/temp-store.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let t: ReturnType<typeof tempStore>;
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  t.remove();
});

const types = (events: PairingEvent[]) => events.map((e) => e.type);

describe("pairing events", () => {
  it("tell every DM outcome with the sender, the request and the sender's language, numbered 1, 2, 3", async () => {
    t = tempStore();
    const ann = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", name: "Ann", locale: "de" });
    await t.store.approveDm({ codeOrSender: ann.code! }, "telegram:42");
    const bob = await t.store.requestDmPairing({ channel: "signal", senderId: "+492", locale: "ru-RU" });
    await t.store.denyDm({ channel: "signal", codeOrSender: "+492" }, "cli:ann");
    await t.store.revokeSender({ channel: "whatsapp", senderId: "+491" }, "cli:ann");
    const carl = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+493", locale: "not a language!" });
    t.clock.advance(HOUR);
    await t.store.prune();

    const events = await t.store.eventsSince(0);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(types(events)).toEqual(["dm.requested", "dm.approved", "dm.requested", "dm.denied", "dm.revoked", "dm.requested", "dm.expired"]);
    expect(events[1]).toEqual({
      seq: 2, type: "dm.approved", at: "2026-11-21T12:00:00.000Z",
      channel: "whatsapp", account: "default", senderId: "+491", name: "Ann", locale: "de", requestId: ann.id,
    });
    expect(events[3]).toMatchObject({ type: "dm.denied", channel: "signal", senderId: "+492", locale: "ru-RU", requestId: bob.id });
    expect(events[4]).toMatchObject({ type: "dm.revoked", channel: "whatsapp", senderId: "+491", name: "Ann", reason: "revoked" });
    expect(events[6]).toMatchObject({ type: "dm.expired", senderId: "+493", requestId: carl.id, at: "2026-11-21T13:00:00.000Z" });
    expect(events[6]).not.toHaveProperty("locale"); // what is not a language tag is left out, the request kept
  });

  it("a repeat request is no new event; an allowlist add that ends a request approves it", async () => {
    t = tempStore();
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    await t.store.allowSender({ channel: "whatsapp", senderId: "+491" }, "cli");
    await t.store.allowSender({ channel: "whatsapp", senderId: "+492" }, "cli"); // nobody was waiting: no outcome to tell
    await t.store.disallowSender({ channel: "whatsapp", senderId: "+492" }, "cli");
    expect(types(await t.store.eventsSince(0))).toEqual(["dm.requested", "dm.approved", "dm.revoked"]);
    expect((await t.store.eventsSince(2))[0]).toMatchObject({ senderId: "+492", reason: "removed" });
  });

  it("tell device requests and their outcomes", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const first = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    if (first.status !== "pending") throw new Error("expected pending");
    await t.store.approveDevice(first.requestId, "cli");
    await t.store.revokeDevice(first.deviceId, "cli");
    const second = await issueSetupCode(t.store, "operator");
    const denied = await t.store.requestDevicePairing(deviceHello(second.bootstrapToken, newDeviceKey(), "operator", ["operator.read"]));
    if (denied.status !== "pending") throw new Error("expected pending");
    await t.store.rejectDevice(denied.requestId, "cli");
    const third = await issueSetupCode(t.store);
    const late = await t.store.requestDevicePairing(deviceHello(third.bootstrapToken, newDeviceKey()));
    t.clock.advance(10 * 60_000);
    await t.store.prune();

    const events = await t.store.eventsSince(0);
    expect(types(events)).toEqual(["device.requested", "device.approved", "device.revoked", "device.requested", "device.denied", "device.requested", "device.expired"]);
    expect(events[0]).toMatchObject({ deviceId: first.deviceId, requestId: first.requestId, name: "Kitchen tablet", role: "node" });
    expect(events[4]).toMatchObject({ deviceId: denied.deviceId, role: "operator" });
    expect(events[6]).toMatchObject({ type: "device.expired", deviceId: late.deviceId });
    for (const e of events) expect(e).not.toHaveProperty("channel");
  });

  it("are read after any kept sequence number, and of one channel", async () => {
    t = tempStore();
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    await t.store.requestDmPairing({ channel: "signal", senderId: "+492" });
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+493" });
    expect((await t.store.eventsSince(1)).map((e) => e.seq)).toEqual([2, 3]);
    expect((await t.store.eventsSince(0, { channel: "whatsapp" })).map((e) => e.senderId)).toEqual(["+491", "+493"]);
    expect(await t.store.eventsSince(3)).toEqual([]);
    // A number ahead of every event came from another store (or before a restore): refused, not followed in silence.
    await expect(t.store.eventsSince(99)).rejects.toMatchObject({ code: "invalid_input", data: { newestSeq: 3 }, message: expect.stringContaining("its newest event is 3") });
    expect(await t.store.lastEventSeq()).toBe(3);
    await expect(t.store.eventsSince(-1)).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("are kept at most the configured number; reading after one no longer kept is refused, naming the oldest kept", async () => {
    t = tempStore({ policy: { ...uncapped(), eventLimit: 3 } });
    for (let i = 1; i <= 5; i++) await t.store.requestDmPairing({ channel: "whatsapp", senderId: `+49${i}` });
    expect((await t.store.eventsSince(2)).map((e) => e.seq)).toEqual([3, 4, 5]);
    const refusal = await t.store.eventsSince(1).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PairbotError);
    expect(refusal).toMatchObject({ code: "events_pruned", data: { oldestSeq: 3 } });
    expect((refusal as Error).message).toContain("the oldest kept is 3");
  });

  it("are kept seven days; the newest stays, so a number is never used twice", async () => {
    t = tempStore();
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" }); // 1
    t.clock.advance(2 * DAY);
    await t.store.allowSender({ channel: "whatsapp", senderId: "+492" }, "cli");
    await t.store.revokeSender({ channel: "whatsapp", senderId: "+492" }, "cli"); // 2, after 1 expired (its event comes first)
    expect((await t.store.eventsSince(0)).map((e) => [e.seq, e.type])).toEqual([[1, "dm.requested"], [2, "dm.expired"], [3, "dm.revoked"]]);
    t.clock.advance(6 * DAY);
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+493" });
    // Events 1-3 are 6 and 8 days older than the newest: only those within 7 days stay.
    expect((await t.store.eventsSince(3)).map((e) => e.seq)).toEqual([4]);
    await expect(t.store.eventsSince(0)).rejects.toMatchObject({ code: "events_pruned" });
    t.clock.advance(30 * DAY);
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+494" });
    expect((await t.store.eventsSince(4)).map((e) => e.seq)).toEqual([5, 6]); // +493 expired (5), +494 requested (6)
  });

  it("are saved: a new process reads the same, and a store copy keeps them and their numbers", async () => {
    t = tempStore();
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", locale: "de" });
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: "+491" }, "cli");
    const saved = await t.readSaved();
    expect(saved.events.map((e) => e.type)).toEqual(["dm.requested", "dm.denied"]);
    const target = tempLocation();
    try {
      await copyStore(t.location, target.location);
      const copy = target.open({ clock: t.clock.fn });
      expect(await copy.eventsSince(0)).toEqual(saved.events);
      await copy.requestDmPairing({ channel: "whatsapp", senderId: "+492" });
      expect((await copy.eventsSince(2)).map((e) => e.seq)).toEqual([3]);
    } finally {
      target.remove();
    }
  });
});

describe("following pairing events", () => {
  it("delivers every event after a number once, in order, kept ones first, then each as another process saves it", async () => {
    t = tempStore({ policy: uncapped() });
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+490" }); // 1
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" }); // 2
    const seen: PairingEvent[] = [];
    stops.push(t.open().followEvents(1, (e) => seen.push(e)));
    const other = t.open({ clock: t.clock.fn, policy: t.store.policy });
    for (let i = 2; i < 12; i++) await other.requestDmPairing({ channel: "whatsapp", senderId: `+49${i}` });
    await other.approveDm({ channel: "whatsapp", codeOrSender: "+491" }, "cli");
    await vi.waitFor(() => expect(seen.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), { timeout: 10_000 });
    expect(seen.at(-1)).toMatchObject({ type: "dm.approved", senderId: "+491" });
  });

  it("of one channel, only that channel's", async () => {
    t = tempStore();
    const seen: PairingEvent[] = [];
    stops.push(t.store.followEvents(0, (e) => seen.push(e), { filter: { channel: "signal" } }));
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    await t.store.requestDmPairing({ channel: "signal", senderId: "+492" });
    await vi.waitFor(() => expect(seen.map((e) => [e.seq, e.senderId])).toEqual([[2, "+492"]]), { timeout: 10_000 });
  });

  it("misses nothing and repeats nothing across compactions", async () => {
    t = tempStore({ policy: uncapped() });
    const seen: PairingEvent[] = [];
    const errors: unknown[] = [];
    // A PostgreSQL writer that compacts every 20 records and keeps no old rows; the file compacts at 256 KiB.
    const writer = t.open({ clock: t.clock.fn, policy: t.store.policy, postgres: { compactEvery: 20, keepRows: 1, keepMs: 0 } });
    stops.push(t.open().followEvents(0, (e) => seen.push(e), { onError: (e) => errors.push(e) }));
    const rounds = testBackend === "postgres" ? 60 : 700;
    const name = "A sender with a long name, to fill the journal up to compaction";
    for (let i = 0; i < rounds; i++) {
      await writer.requestDmPairing({ channel: "whatsapp", senderId: `+49${i}`, name });
      await writer.denyDm({ channel: "whatsapp", codeOrSender: `+49${i}` }, "cli");
    }
    await vi.waitFor(() => expect(seen).toHaveLength(2 * rounds), { timeout: 20_000 });
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 2 * rounds }, (_, i) => i + 1));
    expect(errors).toEqual([]);
    expect((await t.readSaved()).seq).toBeGreaterThan(0);
  }, 60_000);

  it("reports events dropped before a follower could see them, then goes on", async () => {
    t = tempStore({ policy: { ...uncapped(), eventLimit: 2 } });
    for (let i = 0; i < 4; i++) await t.store.requestDmPairing({ channel: "whatsapp", senderId: `+49${i}` });
    const seen: number[] = [];
    const errors: PairbotError[] = [];
    stops.push(t.store.followEvents(0, (e) => seen.push(e.seq), { onError: (e) => errors.push(e as PairbotError) }));
    await vi.waitFor(() => expect(seen).toEqual([3, 4]), { timeout: 10_000 });
    expect(errors).toMatchObject([{ code: "events_pruned", data: { oldestSeq: 3 } }]);
  });
});
