import { afterEach, describe, expect, it } from "vitest";
import { renderAlert } from "../../src/bot/render/alerts.js";
import { ANN, BOB, notifierHarness, type NotifierHarness } from "../support/notifier-harness.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";

let h: NotifierHarness;
afterEach(async () => h.close());

/** A fresh request whose alert has arrived: every alert before it has been dealt with. */
async function settled(owner = ANN): Promise<void> {
  const marker = await h.requestDm(`marker-${Math.random().toString(36).slice(2, 8)}`, "marker");
  await h.waitForText(owner, marker.code);
}

const codesIn = (texts: (string | undefined)[], codes: string[]) => codes.map((code) => texts.filter((t) => t?.includes(code)).length);

describe("exactly once, across restarts", () => {
  it("sends what arrived while the bot was down, edits what ended meanwhile, and repeats nothing", async () => {
    h = await notifierHarness();
    let notifier = await h.start();
    const before = await h.requestDm("+4917000001");
    const kept = await h.requestDm("+4917000002");
    await h.waitForText(ANN, before.code);
    await h.waitForText(ANN, kept.code);
    await notifier.stop();

    const whileDown = [await h.requestDm("+4917000003", "signal"), await h.requestDm("+4917000004", "telegram")];
    await h.gateway.denyDm({ codeOrSender: before.code }, "cli");
    notifier = await h.start();
    for (const dm of whileDown) await h.waitForText(ANN, dm.code);
    await h.waitForText(ANN, "Denied by the command line");
    await notifier.stop();
    notifier = await h.start();
    await settled();

    const texts = h.messages(ANN).map((m) => m.text);
    expect(codesIn(texts, [kept.code, ...whileDown.map((d) => d.code)])).toEqual([1, 1, 1]);
    // before, kept, the two that came while the bot was down (one digest), the marker
    expect(h.sends(ANN)).toHaveLength(4);
    const denied = h.messages(ANN).find((m) => m.text?.includes("Denied by the command line"));
    expect(denied?.buttons).toEqual([]);
    // Ended while the bot was down: it shows what the alert's record kept, channel, sender and name.
    expect(denied?.text).toMatch(/^DM pairing request\nChannel: whatsapp\nSender: \+4917000001\nName: \(no name\)\n\n❌ Denied by the command line at \d\d:\d\d UTC$/);
  });

  it("an alert whose request ended while the bot was down keeps, once edited, what the owner recognises it by", async () => {
    h = await notifierHarness();
    let notifier = await h.start();
    const dm = await h.requestDm("+4917000001", "whatsapp", "Ann Example");
    const setup = await issueSetupCode(h.gateway);
    const device = await h.gateway.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    if (device.status !== "pending") throw new Error("expected a pending device request");
    await h.waitForText(ANN, dm.code);
    await h.waitForText(ANN, "Kitchen tablet");
    await notifier.stop();

    await h.gateway.denyDm({ codeOrSender: dm.code }, "cli");
    await h.gateway.rejectDevice(device.requestId, "cli");
    notifier = await h.start();
    const deniedDm = await h.waitForText(ANN, "Denied by the command line");
    const rejectedDevice = await h.waitForText(ANN, "Rejected by the command line");
    expect(deniedDm.text).toMatch(/^DM pairing request\nChannel: whatsapp\nSender: \+4917000001\nName: Ann Example\n\n❌ Denied/);
    expect(rejectedDevice.text).toMatch(/^Device pairing request\nName: Kitchen tablet\nPlatform: android\nRole: node\nAddress: 192\.168\.1\.31\n\n❌ Rejected/);
    await expect.poll(async () => (await h.store.read()).notifications).toEqual({});
  });

  it("treats 'message is not modified' as done: the alert was already showing the outcome", async () => {
    h = await notifierHarness();
    const notifier = await h.start();
    const dm = await h.requestDm("+4917000001");
    const alert = await h.waitForText(ANN, dm.code);
    await notifier.stop();
    await h.gateway.approveDm({ codeOrSender: dm.code }, "telegram:7");
    const outcome = await h.gateway.outcomeOf(dm.id);
    // Something already showed it, word for word (the restarted notifier knows the request by its alert's record).
    const about = (await h.store.read()).notifications[`dm:${dm.id}`]?.[String(ANN.id)]?.about;
    const speaker = h.texts.speaker({ locale: "en", timeZone: "UTC" }, Date.now);
    const { text } = renderAlert(speaker, [{ shown: { kind: "dm", id: dm.id, about }, ended: true, outcome }], ANN.id, new Map());
    await h.api.editMessageText(ANN.id, alert.message_id, text, { reply_markup: { inline_keyboard: [] } });

    await h.start();
    await h.telegram.waitForCall("editMessageText", (c) => c.response?.ok === false);
    await expect.poll(async () => (await h.store.read()).notifications).toEqual({});
    expect(h.logger.lines.filter((l) => l.level !== "info")).toEqual([]);
  });
});

describe("owners Telegram will not let the bot reach", () => {
  it("logs one clear line for an owner who never opened the chat, stops knocking, and the other owner gets every alert", async () => {
    h = await notifierHarness({ owners: [ANN, BOB], opened: [ANN] });
    const notifier = await h.start();
    const dms = [await h.requestDm("+4917000001"), await h.requestDm("+4917000002"), await h.requestDm("+4917000003", "signal")];
    for (const dm of dms) await h.waitForText(ANN, dm.code);
    await settled();

    const toBob = h.telegram.calls.filter((c) => c.method === "sendMessage" && c.params["chat_id"] === BOB.id);
    expect(toBob.map((c) => c.status)).toEqual([403]); // one try, then quiet until Bob opens the chat
    const lines = h.logger.lines.filter((l) => l.level !== "info");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain(`owner ${BOB.id} cannot receive messages`);
    expect(lines[0]!.fields).toMatchObject({ error: "403: Forbidden: bot can't initiate conversation with a user" });
    expect(h.logger.text()).not.toContain("stack");

    // Bob opens the chat (the bot tells the notifier when he writes): everything pending reaches him at once.
    h.telegram.userSends(BOB, "/start");
    notifier.ownerIsBack(BOB.id);
    for (const dm of dms) await h.waitForText(BOB, dm.code);
  });

  it("keeps pairing codes and the bot token out of every log line", async () => {
    h = await notifierHarness({ owners: [ANN, BOB], opened: [ANN] });
    await h.start();
    const dm = await h.requestDm("+4917000001");
    await h.waitForText(ANN, dm.code);
    await h.gateway.approveDm({ codeOrSender: dm.code }, "cli");
    await h.waitForText(ANN, "Approved by the command line");

    expect(h.logger.lines.length).toBeGreaterThanOrEqual(2);
    expect(h.logger.text()).not.toContain(dm.code);
    expect(h.logger.text()).not.toContain(h.telegram.token);
    expect(h.logger.text()).not.toContain(h.telegram.token.split(":")[1]);
  });
});

describe("bursts and faults", () => {
  it("delivers a burst of 50 requests to each owner completely and once, in few messages, through 429s", { timeout: 60_000 }, async () => {
    h = await notifierHarness({ owners: [ANN, BOB] });
    h.telegram.fail("sendMessage", { status: 429, retryAfter: 1 }, 2);
    await h.start();
    const channels = Array.from({ length: 17 }, (_, i) => `chan${i}`);
    const dms = await Promise.all(Array.from({ length: 50 }, (_, i) => h.requestDm(`+49170${i}`, channels[i % 17])));
    const codes = dms.map((d) => d.code);

    for (const owner of [ANN, BOB]) {
      await expect.poll(() => codesIn(h.messages(owner).map((m) => m.text), codes), { timeout: 40_000, interval: 200 }).toEqual(codes.map(() => 1));
      expect(h.messages(owner).length).toBeLessThanOrEqual(4);
      // Approve and Deny once per request (an alert for one request also has [Approve for 24 h] [Deny & block]).
      expect(h.messages(owner).flatMap((m) => m.buttons).filter((b) => "callback_data" in b && /^dm:(ok|no):/.test(b.callback_data!))).toHaveLength(100);
    }
    expect(h.telegram.calls.filter((c) => c.status === 429)).toHaveLength(2);
    await expect.poll(async () => Object.keys((await h.store.read()).notifications).length).toBe(50);
  });

  it("waits out 429s, 5xx and dropped connections (auto-retry), losing nothing and sending nothing twice", { timeout: 40_000 }, async () => {
    h = await notifierHarness();
    h.telegram.fail("sendMessage", { status: 429, retryAfter: 1 }, 1);
    h.telegram.fail("sendMessage", { drop: true }, 1);
    await h.start();
    const dm = await h.requestDm("+4917000001");
    await h.telegram.waitForMessage(ANN.id, (m) => m.text?.includes(dm.code) ?? false, 15_000);

    h.telegram.fail("editMessageText", { status: 503 }, 1);
    await h.gateway.approveDm({ codeOrSender: dm.code }, "cli");
    await h.telegram.waitForMessage(ANN.id, (m) => m.text?.includes("Approved by the command line") ?? false, 15_000);
    await settled();
    expect(h.sends(ANN)).toHaveLength(2);
  });
});
