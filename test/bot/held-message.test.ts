import { afterEach, describe, expect, it } from "vitest";
import { botHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
afterEach(() => h.close());

describe("the message a stranger wrote, as the owner sees it", () => {
  it("stands in the alert and in /pair pending, escaped, with the latest when it differs", async () => {
    h = await botHarness({ notifier: true });
    const dm = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann", message: "Hello, it's Ann <b>&" });
    const alert = await h.owner.sees((m) => (m.text ?? "").includes(dm.code!));
    expect(alert.text).toContain("Message: Hello, it's Ann <b>&"); // shown as typed: the HTML was escaped
    expect(alert.parse_mode).toBe("HTML");

    await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", message: "Still there?" });
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    expect(card!.text).toContain("Message: Hello, it's Ann <b>&");
    expect(card!.text).toContain("Latest: Still there?");
  });
});
