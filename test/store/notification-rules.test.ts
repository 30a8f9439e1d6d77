import { afterEach, describe, expect, it } from "vitest";
import { requestKey, sentMessages } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

const OWNER = 42;
const sent = { chatId: OWNER, messageId: 7, sentAt: "2026-11-21T12:00:00.000Z" };

describe("an alert's record (the store's rule)", () => {
  it("keeps what the owner recognises each request by, for the edit after it ended, also in another process", async () => {
    const t = tempStore();
    cleanup = t.remove;
    const dm = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917000001", name: "Ann" });
    const setup = await issueSetupCode(t.store);
    const device = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    if (device.status !== "pending") throw new Error("expected a pending device request");
    const keys = [requestKey.of({ kind: "dm", request: (await t.store.pending()).dm[0]! }), requestKey.of({ kind: "device", request: (await t.store.pending()).devices[0]! })];
    for (const key of keys) await t.store.recordNotification(key, OWNER, sent);
    await t.store.denyDm({ codeOrSender: dm.code! }, "cli");
    await t.store.rejectDevice(device.requestId, "cli");

    const [message] = sentMessages(await t.open().read(), OWNER);
    expect(message?.requests.map((r) => [r.pending, r.outcome?.action, r.about])).toEqual([
      [undefined, "deny", { channel: "whatsapp", account: "default", senderId: "+4917000001", name: "Ann" }],
      [undefined, "reject", { name: "Kitchen tablet", platform: "android", role: "node", remoteAddress: "192.168.1.31" }],
    ]);
  });
});
