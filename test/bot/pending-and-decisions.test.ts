import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeSetupCode } from "../../src/store/index.js";
import { botHarness, GATEWAY_URL, type BotHarness } from "../support/bot-harness.js";
import { deviceHello, newDeviceKey } from "../support/store-devices.js";

let h: BotHarness;
beforeEach(async () => {
  h = await botHarness();
});
afterEach(() => h.close());

const dmRequest = (name = "Jo", senderId = "+491701234567") => h.store.requestDmPairing({ channel: "whatsapp", senderId, name });

async function deviceRequest(name = "Kitchen tablet") {
  const issued = await h.store.createSetupCode({ url: GATEWAY_URL }, "cli");
  const hello = { ...deviceHello(decodeSetupCode(issued.setupCode).bootstrapToken, newDeviceKey()), name };
  const result = await h.store.requestDevicePairing(hello);
  if (result.status !== "pending") throw new Error("expected a pending request");
  return result.requestId;
}

describe("/pair pending", () => {
  it("says nothing is pending when nothing is", async () => {
    expect((await h.owner.sends("/pair pending")).text).toBe("Nothing pending.");
  });

  it("shows each device and DM request with its details and Approve / Deny buttons", async () => {
    const requestId = await deviceRequest();
    const dm = await dmRequest();
    const [header, device, sender] = await h.owner.sendsFor("/pair pending", 3);
    expect(header!.text).toBe("Pending: 1 device request(s), 1 DM request(s).");
    for (const part of ["Kitchen tablet", "android", "node", "Scopes: none", "192.168.1.31", requestId, "Asked less than a minute ago", "expires in 10 minutes"]) {
      expect(device!.text).toContain(part);
    }
    for (const part of ["whatsapp", "+491701234567", "Jo", dm.code!, "Expires in about 1 hour"]) expect(sender!.text).toContain(part);
    expect(sender!.buttons.map((b) => b.text)).toEqual(["Approve", "Deny", "Approve for 24 h", "Deny & block"]);
    expect(sender!.buttons.map((b) => "callback_data" in b && b.callback_data)).toEqual([`dm:ok:${dm.id}`, `dm:no:${dm.id}`, `dm:day:${dm.id}`, `dm:blk:${dm.id}`]);
  });

  it("Approve on a card approves once, shows the outcome there, and a double tap changes nothing", async () => {
    const dm = await dmRequest();
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    const first = h.owner.taps(card!, "Approve");
    const second = h.owner.taps(card!, "Approve");
    expect([await first, await second].sort()).toEqual(["Already handled or expired: nothing changed.", "✅ Approved by you at 12:00 UTC"].sort());
    const edited = await h.owner.sees((m) => m.message_id === card!.message_id && m.text!.includes("Approved"));
    expect(edited.buttons).toEqual([]);
    expect(edited.text).toBe("DM pairing request\nChannel: whatsapp\nSender: +491701234567\nName: Jo\n\n✅ Approved by you at 12:00 UTC");
    expect(await h.store.isAllowed("whatsapp", "+491701234567")).toBe(true);
    expect((await h.store.audit()).filter((e) => e.action === "approve" && e.requestId === dm.id)).toHaveLength(1);
  });

  it("Deny on a device card rejects the device and edits the card", async () => {
    const requestId = await deviceRequest();
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    expect(await h.owner.taps(card!, "Deny")).toMatch(/^❌ Rejected by you/);
    await h.owner.sees((m) => m.message_id === card!.message_id && m.text!.includes("Rejected by you"));
    expect((await h.store.pending()).devices).toEqual([]);
    expect((await h.store.audit()).at(-1)).toMatchObject({ action: "reject", actor: `telegram:${h.owner.user.id}`, requestId });
  });
});

describe("/pair approve, reject and deny with an id", () => {
  it("approves a device by request id and a sender by code, in any case, or with the channel", async () => {
    const requestId = await deviceRequest();
    expect((await h.owner.sends(`/pair approve ${requestId}`)).text).toBe("✅ Approved the device Kitchen tablet (android, node): it gets its token when it reconnects.");
    expect((await h.store.read()).devices.paired.map((d) => d.approvedBy)).toEqual([`telegram:${h.owner.user.id}`]);

    const a = await dmRequest("Ann", "+111");
    expect((await h.owner.sends(`/pair approve ${a.code!.toLowerCase()}`)).text).toContain("Approved Ann (+111) on whatsapp");
    const b = await dmRequest("Ben", "+222");
    expect((await h.owner.sends(`/pair approve whatsapp ${b.code}`)).text).toContain("Approved Ben (+222) on whatsapp");
    expect(await h.store.isAllowed("whatsapp", "+222")).toBe(true);
  });

  it("rejects a device, denies a sender by code or by channel and sender id", async () => {
    const requestId = await deviceRequest();
    expect((await h.owner.sends(`/pair reject ${requestId}`)).text).toBe("❌ Rejected the device Kitchen tablet (android).");
    const a = await dmRequest("Ann", "+111");
    expect((await h.owner.sends(`/pair deny ${a.code}`)).text).toBe("❌ Denied Ann (+111) on whatsapp.");
    await dmRequest("Ben", "+222");
    expect((await h.owner.sends("/pair deny whatsapp +222")).text).toBe("❌ Denied Ben (+222) on whatsapp.");
    expect(await h.store.pending()).toEqual({ dm: [], devices: [] });
    expect(await h.store.isAllowed("whatsapp", "+111")).toBe(false);
  });

  it("says clearly when nothing matches, and changes nothing", async () => {
    await dmRequest();
    expect((await h.owner.sends("/pair approve ZZZZ2222")).text).toBe("No pending request matches ZZZZ2222. See /pair pending.");
    expect((await h.owner.sends("/pair reject nosuchrequest")).text).toBe("No pending request matches nosuchrequest. See /pair pending.");
    expect((await h.owner.sends("/pair deny WHATSAPP +1")).text).toMatch(/^That did not work: Invalid channel/);
    expect((await h.store.pending()).dm).toHaveLength(1);
  });
});
