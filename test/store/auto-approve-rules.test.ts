import { afterEach, describe, expect, it } from "vitest";
import { autoApprovalAlerts, requestKey } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

/** A store with `device.autoApproveCidrs` set as `pairbot settings set` sets it. */
async function storeTrusting(cidrs: string) {
  const t = tempStore();
  cleanup = t.remove;
  await t.store.setSetting("device.autoApproveCidrs", cidrs, "cli:ann");
  return t;
}

const ask = async (t: ReturnType<typeof tempStore>, extra: Partial<ReturnType<typeof deviceHello>> & { via?: "direct" | "trusted-proxy" | "untrusted-proxy" } = {}) => {
  const role = extra.role ?? "node";
  const setup = await issueSetupCode(t.store, role);
  return t.store.requestDevicePairing({ ...deviceHello(setup.bootstrapToken, newDeviceKey(), role, extra.scopes ?? []), ...extra });
};

describe("device.autoApproveCidrs (the store's rule)", () => {
  it("approves a node with no scopes from a trusted range at once, audited as auto:<cidr>, and every owner is to be told", async () => {
    const t = await storeTrusting("10.0.0.0/8, 192.168.1.0/24");
    const result = await ask(t, { remoteAddress: "::ffff:192.168.1.31", via: "direct" });
    expect(result).toMatchObject({ status: "approved", auto: "192.168.1.0/24" });
    const [device] = await t.store.pairedDevices();
    expect(device).toMatchObject({ approvedBy: "auto:192.168.1.0/24", role: "node", scopes: [], remoteAddress: "::ffff:192.168.1.31", tokenIssued: false });
    expect((await t.store.audit()).filter((e) => e.action === "approve")).toMatchObject([{ actor: "auto:192.168.1.0/24", requestId: device!.requestId }]);
    expect((await t.store.pending()).devices).toEqual([]);

    const doc = await t.store.read();
    expect(autoApprovalAlerts(doc, 42, t.clock.now)).toMatchObject([{ key: `auto:${device!.requestId}`, cidr: "192.168.1.0/24", device: { deviceId: device!.deviceId } }]);
    await t.store.recordNotification(requestKey.auto(device!.requestId), 42, { chatId: 42, messageId: 9, sentAt: doc.audit.at(-1)!.at });
    const told = await t.store.read();
    expect(autoApprovalAlerts(told, 42, t.clock.now)).toEqual([]);
    expect(autoApprovalAlerts(told, 43, t.clock.now)).toHaveLength(1); // the other owner not yet
    expect(autoApprovalAlerts(told, 43, t.clock.now + 25 * 3_600_000)).toEqual([]); // a day later, old news

    await t.store.revokeDevice(device!.deviceId, "telegram:42");
    expect((await t.store.read()).notifications).toEqual({}); // the alert's record goes with the device
  });

  it.each([
    ["from outside the ranges", { remoteAddress: "192.168.2.31", via: "direct" as const }],
    ["behind a header the gateway does not believe", { remoteAddress: "192.168.1.31", via: "untrusted-proxy" as const }],
    ["when the door does not say how it learned the address", { remoteAddress: "192.168.1.31" }],
    ["for an operator", { remoteAddress: "192.168.1.31", via: "direct" as const, role: "operator" as const, scopes: ["operator.read"] }],
  ])("leaves a request pending %s", async (_label, extra) => {
    const t = await storeTrusting("192.168.1.0/24");
    expect(await ask(t, extra)).toMatchObject({ status: "pending" });
    expect(await t.store.pairedDevices()).toEqual([]);
  });

  it("is off by default, and off again when the setting is emptied", async () => {
    const t = tempStore();
    cleanup = t.remove;
    expect(await ask(t, { remoteAddress: "127.0.0.1", via: "direct" })).toMatchObject({ status: "pending" });
    await t.store.setSetting("device.autoApproveCidrs", "127.0.0.0/8", "cli:ann");
    expect(await ask(t, { remoteAddress: "127.0.0.1", via: "direct" })).toMatchObject({ status: "approved", auto: "127.0.0.0/8" });
    await t.store.setSetting("device.autoApproveCidrs", "", "cli:ann");
    expect(await ask(t, { remoteAddress: "127.0.0.1", via: "direct" })).toMatchObject({ status: "pending" });
  });

  it("a device already waiting is approved when it asks again after the range was trusted", async () => {
    const t = tempStore();
    cleanup = t.remove;
    const setup = await issueSetupCode(t.store);
    const hello = { ...deviceHello(setup.bootstrapToken, newDeviceKey()), via: "direct" as const };
    expect(await t.store.requestDevicePairing(hello)).toMatchObject({ status: "pending" });
    await t.store.setSetting("device.autoApproveCidrs", "192.168.1.0/24", "cli:ann");
    expect(await t.store.requestDevicePairing(hello)).toMatchObject({ status: "approved", auto: "192.168.1.0/24" });
  });
});
