import { afterEach, describe, expect, it } from "vitest";
import { ANN, BOB, notifierHarness, type NotifierHarness } from "../support/notifier-harness.js";
import { botNotificationTexts } from "../support/notifier-texts.js";

let h: NotifierHarness;
afterEach(async () => h.close());

/** A fresh request whose alert has arrived: every alert queued before it has been dealt with. */
async function settled(owner = ANN): Promise<void> {
  const marker = await h.requestDm(`marker-${Math.random().toString(36).slice(2, 8)}`, "marker");
  await h.waitForText(owner, marker.code);
}

const codesIn = (texts: (string | undefined)[], codes: string[]) => codes.map((code) => texts.filter((t) => t?.includes(code)).length);

describe("exactly once, across restarts", () => {
  it("sends what arrived while the bot was down, edits what ended meanwhile, and repeats nothing", async () => {
    h = await notifierHarness({ texts: botNotificationTexts() });
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
    expect(h.sends(ANN)).toHaveLength(5); // before, kept, two while down, the marker
    expect(h.messages(ANN).find((m) => m.text?.includes("Denied by the command line"))?.buttons).toEqual([]);
  });

  it("treats 'message is not modified' as done: the alert was already showing the outcome", async () => {
    h = await notifierHarness({ texts: botNotificationTexts() });
    const notifier = await h.start();
    const dm = await h.requestDm("+4917000001");
    const alert = await h.waitForText(ANN, dm.code);
    await notifier.stop();
    await h.gateway.approveDm({ codeOrSender: dm.code }, "telegram:7");
    const outcome = await h.gateway.outcomeOf(dm.id);
    // Something already showed it, word for word (the restarted engine knows the request by its id only).
    const text = botNotificationTexts().outcome({ kind: "dm", id: dm.id }, outcome, ANN.id).text;
    await h.api.editMessageText(ANN.id, alert.message_id, text, { parse_mode: "HTML" });

    await h.start();
    await h.telegram.waitForCall("editMessageText", (c) => c.response?.ok === false);
    await expect.poll(async () => (await h.store.read()).notifications).toEqual({});
    expect(h.logger.lines.filter((l) => l.level !== "info")).toEqual([]);
  });
});

describe("owners Telegram will not let the bot reach", () => {
  it("logs one clear line for an owner who never opened the chat; the other owner gets every alert", async () => {
    h = await notifierHarness({ texts: botNotificationTexts(), owners: [ANN, BOB], opened: [ANN] });
    await h.start();
    const dms = [await h.requestDm("+4917000001"), await h.requestDm("+4917000002"), await h.requestDm("+4917000003", "signal")];
    for (const dm of dms) await h.waitForText(ANN, dm.code);
    await settled();

    const toBob = h.telegram.calls.filter((c) => c.method === "sendMessage" && c.params.chat_id === BOB.id);
    expect(toBob.map((c) => c.status)).toEqual([403, 403, 403, 403]); // one try per request, no loop
    const lines = h.logger.lines.filter((l) => l.level !== "info");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain(`owner ${BOB.id} cannot receive messages`);
    expect(lines[0]!.fields).toMatchObject({ error: "403: Forbidden: bot can't initiate conversation with a user" });
    expect(h.logger.text()).not.toContain("stack");

    // Once Bob opens the chat, new requests reach him.
    h.telegram.userSends(BOB, "/start");
    const later = await h.requestDm("+4917000004", "signal");
    await h.waitForText(BOB, later.code);
  });

  it("keeps pairing codes and the bot token out of every log line", async () => {
    h = await notifierHarness({ texts: botNotificationTexts(), owners: [ANN, BOB], opened: [ANN], autoRetry: false });
    h.telegram.fail("sendMessage", { status: 502 }, 1);
    h.telegram.fail("sendMessage", { drop: true }, 1);
    await h.start();
    const dm = await h.requestDm("+4917000001");
    await h.waitForText(ANN, dm.code);
    await h.gateway.approveDm({ codeOrSender: dm.code }, "cli");
    await h.waitForText(ANN, "Approved by the command line");

    expect(h.logger.lines.length).toBeGreaterThan(2);
    expect(h.logger.text()).not.toContain(dm.code);
    expect(h.logger.text()).not.toContain(h.telegram.token);
    expect(h.logger.text()).not.toContain(h.telegram.token.split(":")[1]);
  });
});

describe("bursts and faults", () => {
  it("delivers a burst of 50 requests to each owner completely and once, through Telegram's 429s", { timeout: 60_000 }, async () => {
    h = await notifierHarness({ texts: botNotificationTexts(), owners: [ANN, BOB], flood: { perChatPerSecond: 10, overallPerSecond: 15 } });
    await h.start();
    const channels = Array.from({ length: 17 }, (_, i) => `chan${i}`);
    const dms = await Promise.all(Array.from({ length: 50 }, (_, i) => h.requestDm(`+49170${i}`, channels[i % 17])));
    const codes = dms.map((d) => d.code);

    for (const owner of [ANN, BOB]) {
      await expect.poll(() => h.messages(owner).length, { timeout: 40_000, interval: 200 }).toBe(50);
      expect(codesIn(h.messages(owner).map((m) => m.text), codes)).toEqual(codes.map(() => 1));
    }
    expect(h.telegram.calls.some((c) => c.status === 429)).toBe(true);
    await expect.poll(async () => Object.keys((await h.store.read()).notifications).length).toBe(50);
  });

  it("retries 429s, 5xx and dropped connections on its own when auto-retry is not there, losing nothing", async () => {
    h = await notifierHarness({ texts: botNotificationTexts(), autoRetry: false });
    h.telegram.fail("sendMessage", { status: 429, retryAfter: 1 }, 1);
    h.telegram.fail("sendMessage", { status: 500 }, 1);
    h.telegram.fail("sendMessage", { drop: true }, 1);
    await h.start();
    const dm = await h.requestDm("+4917000001");
    await h.waitForText(ANN, dm.code);

    h.telegram.fail("editMessageText", { status: 503 }, 2);
    await h.gateway.approveDm({ codeOrSender: dm.code }, "cli");
    await h.waitForText(ANN, "Approved by the command line");
    await settled();
    expect(h.sends(ANN)).toHaveLength(2);
    expect(h.logger.lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual(
      Array(5).fill(expect.stringContaining("it will be retried")),
    );
  });
});
