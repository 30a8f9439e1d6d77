import { afterEach, describe, expect, it } from "vitest";
import { botHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
afterEach(() => h.close());

const dmRequest = (senderId = "+491701234567") => h.store.requestDmPairing({ channel: "whatsapp", senderId, name: "Ann" });

describe("/pair approve and deny with a code as people type it", () => {
  it("takes the code in groups, with a dash or a space, alone or after the channel; a sender id with spaces too", async () => {
    h = await botHarness();
    const a = await dmRequest("+111111111");
    expect((await h.owner.sends(`/pair approve ${a.code!.slice(0, 4).toLowerCase()} ${a.code!.slice(4).toLowerCase()}`)).text).toContain("Approved Ann (+111111111) on whatsapp");
    const b = await dmRequest("+222222222");
    expect((await h.owner.sends(`/pair deny whatsapp ${a.code === b.code ? "" : `${b.code!.slice(0, 4)}-${b.code!.slice(4)}`}`)).text).toContain("Denied Ann (+222222222) on whatsapp");
    await dmRequest("+491701234567");
    expect((await h.owner.sends("/pair approve whatsapp +49 170 1234567")).text).toContain("Approved Ann (+491701234567) on whatsapp");
    expect(await h.store.isAllowed("whatsapp", "+491701234567")).toBe(true);
  });
});

describe("[Approve for 24 h] and [Deny & block] on a DM alert", () => {
  it("are on the alert and the /pair pending card, with short button data", async () => {
    h = await botHarness({ notifier: true });
    const dm = await dmRequest();
    const alert = await h.owner.sees((m) => (m.text ?? "").includes(dm.code!));
    expect(alert.buttons.map((b) => b.text)).toEqual(["Approve", "Deny", "Approve for 24 h", "Deny & block"]);
    for (const b of alert.buttons) expect(Buffer.byteLength("callback_data" in b ? b.callback_data! : "")).toBeLessThanOrEqual(64);
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    expect(card!.buttons.map((b) => b.text)).toEqual(["Approve", "Deny", "Approve for 24 h", "Deny & block"]);
  });

  it("Deny & block ends the request as blocked: no new code and no alert for that sender", async () => {
    h = await botHarness({ notifier: true });
    const dm = await dmRequest();
    const alert = await h.owner.sees((m) => (m.text ?? "").includes(dm.code!));
    expect(await h.owner.taps(alert, "Deny & block")).toMatch(/^⛔ Denied and blocked by you at \d\d:\d\d/);
    await h.owner.sees((m) => m.message_id === alert.message_id && (m.text ?? "").includes("Denied and blocked"));
    expect(await dmRequest()).toMatchObject({ blocked: true, code: null });
    const other = await dmRequest("+499999999");
    await h.owner.sees((m) => (m.text ?? "").includes(other.code!)); // alerts go on, for others
    expect(h.owner.messages().filter((m) => (m.text ?? "").includes("+491701234567") && m.buttons.length > 0)).toEqual([]);
  });

  it("Approve for 24 h lets the sender in for a day; then access ends by itself", async () => {
    h = await botHarness({ notifier: true });
    const dm = await dmRequest();
    const alert = await h.owner.sees((m) => (m.text ?? "").includes(dm.code!));
    expect(await h.owner.taps(alert, "Approve for 24 h")).toMatch(/^✅ Approved by you/);
    expect(await h.store.isAllowed("whatsapp", "+491701234567")).toBe(true);
    expect((await h.store.allowlist())[0]).toMatchObject({ senderId: "+491701234567", until: new Date(h.clock.now + 86_400_000).toISOString() });
    h.clock.advance(86_400_000);
    expect(await h.store.isAllowed("whatsapp", "+491701234567")).toBe(false);
  });

  it("a press on a request no longer pending changes nothing, and a forged one is refused", async () => {
    h = await botHarness({ notifier: true });
    const dm = await dmRequest();
    const alert = await h.owner.sees((m) => (m.text ?? "").includes(dm.code!));
    await h.store.approveDm({ codeOrSender: dm.code! }, "cli");
    // The notifier may have taken the buttons off already: press the old button's data, as a slow phone would.
    expect(await h.owner.presses(alert, `dm:blk:${dm.id}`)).toBe("Already handled or expired: nothing changed.");
    expect(await h.store.isAllowed("whatsapp", "+491701234567")).toBe(true);
    expect(await h.owner.presses(alert, "dm:blk:../../x")).toBe("This button has expired: nothing changed.");
  });
});
