import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { botHarness, type BotHarness } from "../support/bot-harness.js";
import { approvedDevice } from "../support/store-devices.js";

let h: BotHarness;
beforeEach(async () => {
  h = await botHarness();
});
afterEach(() => h.close());

const dmRequest = (name: string, senderId: string) => h.store.requestDmPairing({ channel: "signal", senderId, name });

describe("/pair approve without an id", () => {
  it("with nothing pending says so", async () => {
    expect((await h.owner.sends("/pair approve")).text).toBe("Nothing pending.");
  });

  it("with one pending request asks first, and approves only on Yes", async () => {
    await dmRequest("Jo", "+100");
    const question = await h.owner.sends("/pair approve");
    expect(question.text).toMatch(/^Approve this request\?\n\nJo \(\+100\) on signal, code [A-Z2-9]{8}$/);
    expect(await h.store.isAllowed("signal", "+100")).toBe(false);
    await h.owner.taps(question, "Yes, approve");
    const done = await h.owner.sees((m) => m.message_id === question.message_id && m.text!.startsWith("✅"));
    expect(done.text).toBe("✅ Approved Jo (+100) on signal: they can message your assistant now.");
    expect(done.buttons).toEqual([]);
    expect(await h.store.isAllowed("signal", "+100")).toBe(true);
  });

  it("No approves nothing", async () => {
    await dmRequest("Jo", "+100");
    const question = await h.owner.sends("/pair approve");
    await h.owner.taps(question, "No");
    await h.owner.sees((m) => m.message_id === question.message_id && m.text === "Nothing was approved.");
    expect((await h.store.pending()).dm).toHaveLength(1);
  });

  it("with several pending lets the owner choose, then confirms the one chosen (never 'the latest')", async () => {
    await dmRequest("Ann", "+1");
    await dmRequest("Ben", "+2");
    await dmRequest("Cy", "+3");
    const choice = await h.owner.sends("/pair approve");
    expect(choice.text).toBe("Several requests are pending. Which one do you want to approve?");
    expect(choice.buttons.map((b) => b.text.split(" (")[0])).toEqual(["Ann", "Ben", "Cy", "Cancel"]);
    const mark = choice.message_id;
    await h.owner.taps(choice, choice.buttons[1]!.text);
    const confirm = await h.owner.sees((m) => m.message_id > mark && m.text!.startsWith("Approve this request?"));
    expect(confirm.text).toContain("Ben (+2)");
    await h.owner.taps(confirm, "Yes, approve");
    await h.owner.sees((m) => m.message_id === confirm.message_id && m.text!.includes("Approved Ben"));
    expect((await h.store.pending()).dm.map((r) => r.name)).toEqual(["Ann", "Cy"]);
  });

  it("lets other commands through while it waits, and a stale answer button does nothing", async () => {
    await dmRequest("Jo", "+100");
    const first = await h.owner.sends("/pair approve");
    expect((await h.owner.sends("/pair notify off")).text).toContain("Push notifications are off");
    const second = await h.owner.sends("/pair approve"); // replaces the unanswered dialog
    expect(await h.owner.taps(first, "Yes, approve")).toBe("This button has expired: nothing changed.");
    expect(await h.store.isAllowed("signal", "+100")).toBe(false);
    await h.owner.taps(second, "Yes, approve");
    await h.owner.sees((m) => m.message_id === second.message_id && m.text!.includes("Approved Jo"));
  });

  it("when the request went meanwhile, says so instead of approving something else", async () => {
    const dm = await dmRequest("Jo", "+100");
    const question = await h.owner.sends("/pair approve");
    await h.store.denyDm({ codeOrSender: dm.code! }, "cli");
    await h.owner.taps(question, "Yes, approve");
    await h.owner.sees((m) => m.message_id === question.message_id && m.text === "Already handled or expired: nothing changed.");
    expect(await h.store.isAllowed("signal", "+100")).toBe(false);
  });
});

describe("/pair devices and /pair revoke", () => {
  it("lists paired devices with a Revoke button that asks before revoking", async () => {
    expect((await h.owner.sends("/pair devices")).text).toBe("No paired devices.");
    const { device } = await approvedDevice(h.store);
    const card = await h.owner.sends("/pair devices");
    expect(card.text).toContain("Kitchen tablet (android, node)");
    expect(card.text).toContain(`Device id: ${device.deviceId}`);
    expect(card.buttons).toEqual([{ text: "Revoke", callback_data: `rv:${device.deviceId}` }]);
    const mark = card.message_id;
    await h.owner.taps(card, "Revoke");
    const question = await h.owner.sees((m) => m.message_id > mark);
    expect(question.text).toBe("Revoke the device Kitchen tablet (android, node)? It will have to pair again.");
    expect((await h.store.read()).devices.paired).toHaveLength(1);
    await h.owner.taps(question, "Yes, revoke");
    await h.owner.sees((m) => m.message_id === question.message_id && m.text === "Revoked the device Kitchen tablet.");
    expect((await h.store.read()).devices.paired).toEqual([]);
  });

  it("revokes by device id or by channel and sender, each after a confirmation", async () => {
    const { device } = await approvedDevice(h.store);
    const q1 = await h.owner.sends(`/pair revoke ${device.deviceId}`);
    await h.owner.taps(q1, "No");
    await h.owner.sees((m) => m.message_id === q1.message_id && m.text === "Nothing was revoked.");
    expect((await h.store.read()).devices.paired).toHaveLength(1);

    await h.store.allowSender({ channel: "signal", senderId: "+100", name: "Jo" }, "cli");
    const q2 = await h.owner.sends("/pair revoke signal +100");
    expect(q2.text).toBe("Remove +100 from the allowlist of signal?");
    await h.owner.taps(q2, "Yes, revoke");
    await h.owner.sees((m) => m.message_id === q2.message_id && m.text === "Removed +100 from the allowlist of signal.");
    expect(await h.store.isAllowed("signal", "+100")).toBe(false);
  });

  it("says so when there is nothing to revoke", async () => {
    expect((await h.owner.sends("/pair revoke nosuchdevice")).text).toBe("No paired device has the id nosuchdevice. See /pair devices.");
    expect((await h.owner.sends("/pair revoke signal +999")).text).toBe("+999 is not on the allowlist of signal; pairbot allowlist list shows who is.");
    await h.store.allowSender({ channel: "signal", senderId: "+200" }, "cli");
    await h.store.allowSender({ channel: "signal", account: "work", senderId: "+200" }, "cli");
    expect((await h.owner.sends("/pair revoke signal +200")).text).toBe("+200 is allowed on several accounts of signal (default, work); name one: /pair revoke signal +200 <account>");
  });
});
