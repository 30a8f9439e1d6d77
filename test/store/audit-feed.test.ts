import { afterEach, describe, expect, it, vi } from "vitest";
import { type StoreEvent, type StoreFeed } from "../../src/store/index.js";
import { approvedDevice, deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore, uncapped } from "../support/temp-store.js";

let t: ReturnType<typeof tempStore>;
let feed: StoreFeed | undefined;
afterEach(() => {
  feed?.close();
  feed = undefined;
  t.remove();
});

describe("audit", () => {
  it("records who filed each new DM request, and not a retry", async () => {
    t = tempStore();
    const first = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", actor: "adapter:whatsapp" });
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", actor: "adapter:whatsapp" });
    const second = await t.store.requestDmPairing({ channel: "signal", senderId: "bob", actor: "cli:alice" });
    const third = await t.store.requestDmPairing({ channel: "signal", senderId: "carol" });
    const at = "2026-11-21T12:00:00.000Z";
    expect(await t.store.audit()).toEqual([
      { at, action: "request", actor: "adapter:whatsapp", subject: "whatsapp/default/+491", requestId: first.id },
      { at, action: "request", actor: "cli:alice", subject: "signal/default/bob", requestId: second.id },
      { at, action: "request", actor: "unknown", subject: "signal/default/carol", requestId: third.id },
    ]);
    expect(await t.store.outcomeOf(first.id!)).toBeUndefined(); // a request entry starts a request; it is no outcome
  });

  it("records every decision with its time and actor", async () => {
    t = tempStore();
    const ann = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    const bob = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+492" });
    await t.store.approveDm({ codeOrSender: ann.code! }, "telegram:42");
    await t.store.denyDm({ codeOrSender: bob.code! }, "cli");
    await t.store.revokeSender({ channel: "whatsapp", senderId: "+491" }, "telegram:43");
    await t.store.allowSender({ channel: "signal", senderId: "carol" }, "cli");
    await t.store.disallowSender({ channel: "signal", senderId: "carol" }, "gateway");
    const paired = await approvedDevice(t.store);
    const setup = await issueSetupCode(t.store);
    const rejected = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    if (rejected.status !== "pending") throw new Error("expected pending");
    await t.store.rejectDevice(rejected.requestId, "telegram:44");
    await t.store.revokeDevice(paired.device.deviceId, "telegram:45");
    const unused = await issueSetupCode(t.store);
    await t.store.cleanupSetupCodes("telegram:46");

    const audit = await t.store.audit();
    const at = "2026-11-21T12:00:00.000Z";
    expect(audit).toEqual(
      expect.arrayContaining([
        { at, action: "approve", actor: "telegram:42", subject: "whatsapp/default/+491", requestId: ann.id, code: ann.code },
        { at, action: "deny", actor: "cli", subject: "whatsapp/default/+492", requestId: bob.id, code: bob.code },
        { at, action: "revoke", actor: "telegram:43", subject: "whatsapp/default/+491" },
        { at, action: "allow", actor: "cli", subject: "signal/default/carol" },
        { at, action: "disallow", actor: "gateway", subject: "signal/default/carol" },
        expect.objectContaining({ action: "approve", actor: "telegram:42", requestId: paired.requestId }),
        expect.objectContaining({ action: "reject", actor: "telegram:44", requestId: rejected.requestId }),
        expect.objectContaining({ action: "revoke", actor: "telegram:45", subject: expect.stringContaining(paired.device.deviceId) }),
        expect.objectContaining({ action: "cleanup", actor: "telegram:46", requestId: unused.tokenId }),
      ]),
    );
    expect(audit.filter((e) => e.action === "setup-code").map((e) => e.actor)).toEqual(["telegram:42", "telegram:42", "telegram:42"]);
  });

  it("keeps at most the configured number of entries, dropping the oldest", async () => {
    t = tempStore({ policy: { auditLimit: 3 } });
    for (const s of ["a", "b", "c", "d"]) await t.store.allowSender({ channel: "signal", senderId: s }, "cli");
    expect((await t.store.audit()).map((e) => e.subject)).toEqual(["signal/default/b", "signal/default/c", "signal/default/d"]);
  });
});

describe("change feed", () => {
  /** Collects the events of a feed on t.file; another PairingStore instance does the writing. */
  async function watch(): Promise<StoreEvent[]> {
    const seen: StoreEvent[] = [];
    feed = t.open().watch((events) => seen.push(...events));
    await feed.ready;
    return seen;
  }
  const writer = () => t.open({ clock: t.clock.fn, policy: t.store.policy });

  it("reports a DM request added by another store instance, then its removal with the outcome", async () => {
    t = tempStore();
    await t.store.prune(); // the file exists before watching
    const seen = await watch();
    const other = writer();
    const { id, code } = await other.requestDmPairing({ channel: "whatsapp", senderId: "+491", name: "Ann" });
    await vi.waitFor(() => expect(seen).toContainEqual({ type: "dm.added", request: expect.objectContaining({ id, code, name: "Ann" }) }), { timeout: 10_000 });
    await other.approveDm({ codeOrSender: code! }, "telegram:42");
    await vi.waitFor(
      () =>
        expect(seen).toContainEqual({
          type: "dm.removed",
          request: expect.objectContaining({ id }),
          outcome: expect.objectContaining({ action: "approve", actor: "telegram:42", requestId: id }),
        }),
      { timeout: 10_000 },
    );
  });

  it("reports an expiry as a removal whose outcome is expire by the clock", async () => {
    t = tempStore();
    const { id } = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    const seen = await watch();
    t.clock.advance(60 * 60_000);
    await writer().prune();
    await vi.waitFor(() => expect(seen).toContainEqual(expect.objectContaining({ type: "dm.removed", outcome: expect.objectContaining({ action: "expire", actor: "clock", requestId: id }) })), {
      timeout: 10_000,
    });
  });

  it("reports device requests, approvals and revocations", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const seen = await watch();
    const other = writer();
    const request = await other.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    if (request.status !== "pending") throw new Error("expected pending");
    await vi.waitFor(() => expect(seen).toContainEqual({ type: "device.added", request: expect.objectContaining({ requestId: request.requestId }) }), { timeout: 10_000 });
    await other.approveDevice(request.requestId, "cli");
    await vi.waitFor(() => {
      expect(seen).toContainEqual({ type: "device.removed", request: expect.objectContaining({ requestId: request.requestId }), outcome: expect.objectContaining({ action: "approve", actor: "cli" }) });
      expect(seen).toContainEqual({ type: "device.approved", device: expect.objectContaining({ deviceId: request.deviceId }) });
    }, { timeout: 10_000 });
    await other.revokeDevice(request.deviceId, "cli");
    await vi.waitFor(() => expect(seen).toContainEqual({ type: "device.revoked", device: expect.objectContaining({ deviceId: request.deviceId }) }), { timeout: 10_000 });
  });

  it("a burst of writes loses no event", async () => {
    t = tempStore({ policy: uncapped(100) });
    await t.store.prune();
    const seen = await watch();
    const other = writer();
    const ids: Array<string | null> = [];
    for (let i = 0; i < 20; i++) ids.push((await other.requestDmPairing({ channel: "whatsapp", senderId: `+49${i}` })).id);
    expect(ids).not.toContain(null);
    await vi.waitFor(() => expect(seen.filter((e) => e.type === "dm.added").map((e) => e.type === "dm.added" && e.request.id).sort()).toEqual([...ids].sort()), { timeout: 10_000 });
  });
});
