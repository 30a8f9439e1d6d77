import { afterEach, expect, it } from "vitest";
import { botHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
afterEach(() => h.close());

it("an owner who opens the chat late gets the pending alerts as soon as they press Start, without a restart", async () => {
  h = await botHarness({ notifier: true, opened: [] });
  const first = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917000001", name: "Jo" });
  await h.telegram.waitForCall("sendMessage", (c) => c.params["chat_id"] === h.owner.user.id && c.status === 403);
  const second = await h.store.requestDmPairing({ channel: "signal", senderId: "+4917000002", name: "Ann" });
  expect(h.logText()).toContain(`owner ${h.owner.user.id} cannot receive messages from the bot`);

  await h.owner.sends("/start");
  const alert = await h.owner.sees((m) => m.text?.includes(first.code!) ?? false);
  expect(alert.text).toContain(second.code!);
  expect(alert.buttons.map((b) => b.text)).toEqual(["Approve 1", "Deny 1", "Approve 2", "Deny 2"]);
  // One knock while the chat was closed, not one per request.
  expect(h.telegram.calls.filter((c) => c.method === "sendMessage" && c.status === 403)).toHaveLength(1);
});
