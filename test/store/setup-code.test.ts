import { describe, expect, it } from "vitest";
import { PairbotError, decodeSetupCode, encodeSetupCode } from "../../src/store/index.js";
import { issueSetupCode } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

const sample = { url: "wss://gateway.example.com:18789", bootstrapToken: "q5N2yQ0m1c3zXvB8kP7wR4tL9sD6fH2gJ1aE0uY3iO8", expiresAt: "2026-11-21T12:10:00.000Z" };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("setup codes", () => {
  it("round-trip their url, token and expiry, and hold nothing else", () => {
    const code = encodeSetupCode(sample);
    expect(decodeSetupCode(code)).toEqual(sample);
    expect(Object.keys(JSON.parse(Buffer.from(code, "base64url").toString()))).toEqual(["url", "bootstrapToken", "expiresAt"]);
  });

  it("from the store carry exactly the gateway URL, the token and its expiry", async () => {
    const t = tempStore();
    try {
      const setup = await issueSetupCode(t.store);
      const inside = JSON.parse(Buffer.from(setup.setupCode, "base64url").toString());
      expect(inside).toEqual({ url: "ws://192.168.1.20:18789", bootstrapToken: setup.bootstrapToken, expiresAt: "2026-11-21T12:10:00.000Z" });
    } finally {
      t.remove();
    }
  });

  it("tolerate surrounding whitespace from a paste", () => {
    expect(decodeSetupCode(`\n  ${encodeSetupCode(sample)}  \n`)).toEqual(sample);
  });

  const damaged: Array<[string, string, RegExp]> = [
    ["non-base64url characters", "abc$def", /not base64url/],
    ["a cut-off code", encodeSetupCode(sample).slice(0, 40), /does not decode to JSON|does not hold/],
    ["JSON without a token", encode({ url: sample.url, expiresAt: sample.expiresAt }), /bootstrapToken/],
    ["an extra field", encode({ ...sample, password: "hunter2" }), /does not hold/],
    ["a bad expiry", encode({ ...sample, expiresAt: "tomorrow" }), /expiresAt/],
    ["a short token", encode({ ...sample, bootstrapToken: "abc" }), /bootstrapToken/],
  ];
  it.each(damaged)("refuse %s with a clear setup_code_invalid error", (_label, text, why) => {
    const error = (() => {
      try {
        decodeSetupCode(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PairbotError);
    expect(error).toMatchObject({ code: "setup_code_invalid", message: expect.stringMatching(/^The setup code is damaged: /) });
    expect((error as Error).message).toMatch(why);
  });

  it("an expired one says when it expired", () => {
    const code = encodeSetupCode(sample);
    expect(decodeSetupCode(code, Date.parse(sample.expiresAt) - 1)).toEqual(sample);
    expect(() => decodeSetupCode(code, Date.parse(sample.expiresAt))).toThrow(expect.objectContaining({ code: "token_expired", message: expect.stringContaining(sample.expiresAt) }));
  });

  it.each(["ws://admin:hunter2@gateway.lan:18789", "wss://gateway.lan/?token=hunter2", "wss://gateway.lan/#hunter2", "http://gateway.lan", "http://admin:hunter2@gateway.lan", "gateway.lan:18789"])(
    "refuse the gateway URL %s, and never echo a password",
    async (url) => {
      expect(() => encodeSetupCode({ ...sample, url })).toThrow(expect.objectContaining({ code: "invalid_input" }));
      expect(() => decodeSetupCode(encode({ ...sample, url }))).toThrow(PairbotError);
      const t = tempStore();
      try {
        const error = await t.store.createSetupCode({ url }, "cli").catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/gateway URL/) });
        expect((error as Error).message).not.toContain("hunter2");
        expect((await t.store.read()).devices.bootstrapTokens).toEqual([]);
      } finally {
        t.remove();
      }
    },
  );
});
