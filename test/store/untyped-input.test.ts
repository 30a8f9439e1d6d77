import { afterEach, describe, expect, it } from "vitest";
import { PairbotError } from "../../src/store/index.js";
import { issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

// Found by the stress suite's fuzzing (test/stress/store-fuzz.test.ts).
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe("input that slips past the types", () => {
  it("refuses a setup code for an unknown role and the store stays readable", async () => {
    const t = tempStore();
    cleanup = t.remove;
    await expect(t.store.createSetupCode({ url: "ws://192.168.1.20:18789", role: "admin" as never }, "cli")).rejects.toMatchObject({ code: "invalid_input" });
    expect((await t.store.read()).devices.bootstrapTokens).toEqual([]);
  });

  it("refuses a bootstrap or device token that is not text with token_invalid", async () => {
    const t = tempStore();
    cleanup = t.remove;
    await issueSetupCode(t.store);
    const publicKey = newDeviceKey();
    const hello = { publicKey, name: "Tablet", platform: "android", role: "node" as const, scopes: [], remoteAddress: "10.0.0.2" };
    for (const bootstrapToken of [["x"], { a: 1 }, true, 42]) {
      const attempt = t.store.requestDevicePairing({ ...hello, bootstrapToken: bootstrapToken as never });
      await expect(attempt).rejects.toBeInstanceOf(PairbotError);
      await expect(attempt).rejects.toMatchObject({ code: "token_invalid" });
      await expect(t.store.issueDeviceToken({ publicKey, bootstrapToken: bootstrapToken as never })).rejects.toMatchObject({ code: "token_invalid" });
      await expect(t.store.verifyDeviceToken(publicKey, bootstrapToken as never)).rejects.toMatchObject({ code: "token_invalid" });
    }
  });
});

describe("isAllowed, asked on a stranger's behalf", () => {
  it("refuses what is not a channel, account or sender id with invalid_input, as every rule does", async () => {
    const t = tempStore();
    cleanup = t.remove;
    await expect(t.store.isAllowed("Not A Channel", "+491")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/channel/) });
    await expect(t.store.isAllowed("whatsapp", "__proto__")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(t.store.isAllowed("whatsapp", 42 as never)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(t.store.isAllowed("whatsapp", "+491", "constructor")).rejects.toMatchObject({ code: "invalid_input" });
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
  });
});
