import { afterEach, describe, expect, it } from "vitest";
import { needsAlert, requestKey } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

const OWNER = 42;
const sent = { chatId: OWNER, messageId: 1, sentAt: "2026-11-21T12:00:00.000Z" };

describe("/pair notify once (the store's rule)", () => {
  it("with notifications off, announces the first request filed after arming, once, then stays off", async () => {
    const t = tempStore();
    cleanup = t.remove;
    const dmKey = async (senderId: string) => `dm:${(await t.store.pending()).dm.find((r) => r.senderId === senderId)!.id}` as const;
    await t.store.setNotify(OWNER, false);
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+1" }); // filed before arming: not announced
    t.clock.advance(1000);
    expect(await t.store.armNotifyOnce(OWNER)).toBe("once");
    expect(await t.store.notifyMode(OWNER)).toBe("once");
    t.clock.advance(1000);
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+2" });
    t.clock.advance(1000);
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+3" });

    const doc = await t.store.read();
    expect([await dmKey("+1"), await dmKey("+2"), await dmKey("+3")].map((k) => needsAlert(doc, k, OWNER))).toEqual([false, true, false]);
    expect(needsAlert(doc, await dmKey("+2"), 43)).toBe(true); // another owner keeps their own setting (on)

    await t.store.recordNotification(await dmKey("+2"), OWNER, sent);
    expect(await t.store.notifyMode(OWNER)).toBe("off");
    const after = await t.store.read();
    expect([await dmKey("+1"), await dmKey("+3")].map((k) => needsAlert(after, k, OWNER))).toEqual([false, false]);
  });

  it("a one-shot whose request ended before its alert moves on to the next request filed since", async () => {
    const t = tempStore();
    cleanup = t.remove;
    await t.store.setNotify(OWNER, false);
    await t.store.armNotifyOnce(OWNER);
    t.clock.advance(1000);
    const setup = await issueSetupCode(t.store);
    const first = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    t.clock.advance(1000);
    await t.store.requestDmPairing({ channel: "signal", senderId: "+4" });
    if (first.status !== "pending") throw new Error("expected pending");
    await t.store.rejectDevice(first.requestId, "cli");
    const doc = await t.store.read();
    expect(needsAlert(doc, `dm:${doc.dm.requests[0]!.id}`, OWNER)).toBe(true);
    expect(await t.store.notifyMode(OWNER)).toBe("once");
  });

  it("with notifications on there is nothing to arm; on, off and a language change keep or end it as they should", async () => {
    const t = tempStore();
    cleanup = t.remove;
    expect(await t.store.armNotifyOnce(OWNER)).toBe("on");
    expect(await t.store.notifyMode(OWNER)).toBe("on");
    await t.store.setNotify(OWNER, false);
    await t.store.armNotifyOnce(OWNER);
    await t.store.setOwnerLocale(OWNER, "de");
    expect(await t.store.notifyMode(OWNER)).toBe("once");
    await t.store.setNotify(OWNER, false);
    expect(await t.store.notifyMode(OWNER)).toBe("off");
    expect((await t.store.read()).owners[String(OWNER)]).toEqual({ notify: false, locale: "de" });
    // A setup-code message is no alert: it does not use the one-shot up.
    await t.store.armNotifyOnce(OWNER);
    await t.store.recordNotification(requestKey.setup("tok123"), OWNER, sent);
    expect(await t.store.notifyMode(OWNER)).toBe("once");
  });
});
