import { afterEach, describe, expect, it } from "vitest";
import { iso } from "../../src/store/index.js";
import { ANN, notifierHarness, type NotifierHarness } from "../support/notifier-harness.js";
import { approvedDevice, issueSetupCode } from "../support/store-devices.js";
import { TestClock } from "../support/temp-store.js";

let h: NotifierHarness;
afterEach(async () => h.close());

/** What /pair does: send the setup code alone, then record the message under the code's token id. */
async function showSetupCode(setup: { setupCode: string; tokenId: string }, sentAt: number) {
  const message = await h.api.sendMessage(ANN.id, `<code>${setup.setupCode}</code>`, { parse_mode: "HTML" });
  await h.store.recordNotification(`setup:${setup.tokenId}`, ANN.id, { chatId: ANN.id, messageId: message.message_id, sentAt: iso(sentAt) });
  return message;
}

describe("setup-code messages once the code is dead", () => {
  it("deletes the message when the owner cleans up the codes", async () => {
    h = await notifierHarness();
    await h.start();
    const setup = await issueSetupCode(h.store);
    const message = await showSetupCode(setup, Date.now());

    await h.gateway.cleanupSetupCodes("cli");
    await h.telegram.waitForMessage(ANN.id, (m) => m.message_id === message.message_id && m.deleted);
    await expect.poll(async () => (await h.store.read()).notifications).toEqual({});
  });

  it("deletes at start the message of a code used while the bot was down", async () => {
    h = await notifierHarness();
    const notifier = await h.start();
    const paired = await approvedDevice(h.gateway);
    const message = await showSetupCode(paired.setup, Date.now());
    await notifier.stop();

    await h.gateway.issueDeviceToken({ publicKey: paired.publicKey, bootstrapToken: paired.setup.bootstrapToken });
    await h.start();
    await h.telegram.waitForMessage(ANN.id, (m) => m.message_id === message.message_id && m.deleted);
  });

  it("blanks the code instead when the message is too old for Telegram to delete", async () => {
    const clock = new TestClock();
    h = await notifierHarness({ clock: clock.fn });
    await h.start();
    const setup = await issueSetupCode(h.store);
    const message = await showSetupCode(setup, clock.now);

    clock.advance(49 * 60 * 60_000);
    await h.gateway.prune();
    const blanked = await h.telegram.waitForMessage(ANN.id, (m) => m.message_id === message.message_id && m.text !== setup.setupCode);
    expect(blanked.deleted).toBe(false);
    expect(blanked.text).toBe("This setup code expired.");
  });
});
