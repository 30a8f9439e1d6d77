import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeSetupCode } from "../../src/store/index.js";
import { botHarness, GATEWAY_URL, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
beforeEach(async () => {
  h = await botHarness();
});
afterEach(() => h.close());

describe("/start and /help", () => {
  it("explain pairbot and list every /pair command", async () => {
    const start = await h.owner.sends("/start");
    expect(start.text).toContain("pairing console");
    const help = await h.owner.sends("/help");
    for (const sub of ["/pair qr", "/pair pending", "/pair approve", "/pair reject", "/pair deny", "/pair devices", "/pair revoke", "/pair cleanup", "/pair notify"]) {
      expect(help.text).toContain(sub);
    }
  });
});

describe("/pair", () => {
  it("sends instructions, then the setup code alone with a Copy button, and records that message", async () => {
    const [instructions, code] = await h.owner.sendsFor("/pair", 2);
    expect(instructions!.text).toMatch(/valid until 12:10 UTC \(10 min\)/);
    expect(instructions!.text).toContain("Treat it like a password");
    expect(instructions!.text).toContain("/pair cleanup");
    const setup = decodeSetupCode(code!.text!);
    expect(setup.url).toBe(GATEWAY_URL);
    expect(code!.entities).toEqual([{ type: "code", offset: 0, length: code!.text!.length }]);
    expect(code!.buttons).toEqual([{ text: "Copy", copy_text: { text: code!.text } }]);

    await vi.waitFor(async () => {
      const doc = await h.store.read();
      const token = doc.devices.bootstrapTokens[0]!;
      expect(doc.notifications[`setup:${token.id}`]?.[String(h.owner.user.id)]).toMatchObject({ chatId: h.owner.user.id, messageId: code!.message_id });
    });
  });

  it("qr sends the setup code as a PNG with the expiry in the caption, recorded like the text code", async () => {
    const photo = await h.owner.sends("/pair qr");
    expect(photo.photo!.subarray(1, 4).toString()).toBe("PNG");
    expect(photo.caption).toMatch(/Valid until 12:10 UTC \(10 min\)/);
    await vi.waitFor(async () => {
      const doc = await h.store.read();
      const token = doc.devices.bootstrapTokens[0]!;
      expect(doc.notifications[`setup:${token.id}`]?.[String(h.owner.user.id)]?.messageId).toBe(photo.message_id);
    });
  });

  it("cleanup invalidates every unused setup code", async () => {
    await h.owner.sendsFor("/pair", 2);
    await h.owner.sends("/pair qr");
    expect((await h.owner.sends("/pair cleanup")).text).toContain("Invalidated 2 unused setup code(s)");
    expect((await h.store.read()).devices.bootstrapTokens).toEqual([]);
    expect((await h.owner.sends("/pair cleanup")).text).toBe("There were no unused setup codes.");
  });

  it("notify off and on are kept per owner; anything else gets the usage line", async () => {
    expect((await h.owner.sends("/pair notify off")).text).toContain("Push notifications are off");
    expect((await h.store.read()).owners[String(h.owner.user.id)]).toEqual({ notify: false, locale: "en" });
    expect((await h.owner.sends("/pair notify on")).text).toBe("Push notifications are on.");
    expect((await h.store.read()).owners[String(h.owner.user.id)]).toEqual({ notify: true, locale: "en" });
    expect((await h.owner.sends("/pair notify maybe")).text).toBe("Usage: /pair notify on | off | once | status");
  });

  it("answers an unknown or malformed form with a usage line, never a stack trace", async () => {
    expect((await h.owner.sends("/pair frobnicate")).text).toMatch(/^Usage: \/pair \[operator \| qr \| pending/);
    expect((await h.owner.sends("/pair reject")).text).toBe("Usage: /pair reject <requestId>");
    expect((await h.owner.sends("/pair deny a b c")).text).toMatch(/^Usage: \/pair deny/);
    expect((await h.owner.sends("/pair revoke")).text).toMatch(/^Usage: \/pair revoke/);
    expect((await h.owner.sends("/pair approve a b c")).text).toMatch(/^Usage: \/pair approve/);
    expect((await h.owner.sends("/pair pending now")).text).toBe("Usage: /pair pending (it takes no arguments)");
    expect((await h.owner.sends("hello")).text).toBe("Send /help for the commands.");
  });
});
