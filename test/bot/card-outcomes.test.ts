import { afterEach, describe, expect, it } from "vitest";
import { botHarness, SECOND_OWNER, OWNER, type BotHarness } from "../support/bot-harness.js";
import { approvedDevice, deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";

let h: BotHarness;
afterEach(() => h.close());

async function deviceRequest() {
  const setup = await issueSetupCode(h.store);
  const result = await h.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
  if (result.status !== "pending") throw new Error("expected a pending device request");
  return result.requestId;
}

describe("cards from /pair pending are kept in step like alerts", () => {
  it("a card decided elsewhere shows the outcome and loses its buttons", async () => {
    h = await botHarness({ notifier: true });
    const dm = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917000001", name: "Jo" });
    await h.owner.sees((m) => m.text?.includes(dm.code!) ?? false); // the alert
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    await h.store.denyDm({ codeOrSender: dm.code! }, "cli:ann");
    const edited = await h.owner.sees((m) => m.message_id === card!.message_id && (m.text?.includes("Denied") ?? false));
    expect(edited.text).toBe("DM pairing request\nChannel: whatsapp\nSender: +4917000001\nName: Jo\n\n❌ Denied by the command line (ann) at 12:00 UTC");
    expect(edited.buttons).toEqual([]);
  });

  it("a card from before a restart, pressed after its request ended, says how it ended instead of only 'Already handled'", async () => {
    h = await botHarness();
    const dm = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917000001", name: "Jo" });
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    await h.store.approveDm({ codeOrSender: dm.code! }, "cli:ann");
    expect(await h.owner.taps(card!, "Deny")).toBe("Already handled or expired: nothing changed.");
    const edited = await h.owner.sees((m) => m.message_id === card!.message_id && m.buttons.length === 0);
    expect(edited.text).toBe(`${card!.text}\n\n✅ Approved by the command line (ann) at 12:00 UTC`);
    expect(edited.text).toContain("Name: Jo");
    expect(edited.entities.filter((e) => e.type === "bold" || e.type === "code")).toEqual(card!.entities.filter((e) => e.type === "bold" || e.type === "code"));
    expect(await h.store.isAllowed("whatsapp", "+4917000001")).toBe(true);
  });
});

describe("a decided alert keeps its story", () => {
  it("a device alert keeps name, platform, role and address; /pair cleanup says it withdrew it", async () => {
    h = await botHarness({ notifier: true });
    await deviceRequest();
    const alert = await h.owner.sees((m) => m.text?.startsWith("Device pairing request") ?? false);
    expect((await h.owner.sends("/pair cleanup")).text).toContain("Invalidated 1 unused setup code(s)");
    const edited = await h.owner.sees((m) => m.message_id === alert.message_id && m.buttons.length === 0);
    expect(edited.text).toBe(
      "Device pairing request\nName: Kitchen tablet\nPlatform: android\nRole: node\nAddress: 192.168.1.31\n\n❌ Withdrawn by you at 12:00 UTC: its setup code was invalidated (/pair cleanup)",
    );
  });

  it("another owner's decision names them", async () => {
    h = await botHarness({ owners: [OWNER, SECOND_OWNER], notifier: true });
    const dm = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917000001", name: "Jo" });
    const max = h.person(SECOND_OWNER);
    const alert = await h.owner.sees((m) => m.text?.includes(dm.code!) ?? false);
    const maxAlert = await max.sees((m) => m.text?.includes(dm.code!) ?? false);
    await max.taps(maxAlert, "Zulassen");
    const edited = await h.owner.sees((m) => m.message_id === alert.message_id && m.buttons.length === 0);
    expect(edited.text).toContain(`✅ Approved by ${SECOND_OWNER.first_name} at 12:00 UTC`);
  });
});

describe("/pair devices cards", () => {
  it("revoked from its card, the card says so and loses its button; a card of a device revoked elsewhere says it is gone", async () => {
    h = await botHarness();
    const { device } = await approvedDevice(h.store);
    const card = await h.owner.sends("/pair devices");
    await h.owner.taps(card, "Revoke");
    const question = await h.owner.sees((m) => m.text?.startsWith("Revoke the device") ?? false);
    await h.owner.taps(question, "Yes, revoke");
    const revoked = await h.owner.sees((m) => m.message_id === card.message_id && m.buttons.length === 0);
    expect(revoked.text).toMatch(/^Kitchen tablet \(android, node\)\n[\s\S]*\n\nAccess revoked by you at 12:00 UTC\.$/);

    const other = await approvedDevice(h.store);
    const second = await h.owner.sends("/pair devices");
    await h.store.revokeDevice(other.device.deviceId, "cli:ann");
    expect(await h.owner.taps(second, "Revoke")).toBe("This button has expired: nothing changed.");
    const gone = await h.owner.sees((m) => m.message_id === second.message_id && m.buttons.length === 0);
    expect(gone.text).toBe(`This device (${other.device.deviceId}) is no longer paired. /pair devices lists the paired ones.`);
    expect(device.deviceId).not.toBe(other.device.deviceId);
  });
});
