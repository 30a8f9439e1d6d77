import { describe, expect, it } from "vitest";
import { HelloSchema, parseFrame } from "../../src/gateway/protocol.js";
import { verifyChallenge } from "../../src/gateway/signature.js";
import { AddressThrottle } from "../../src/gateway/throttle.js";
import { TestClock } from "../support/temp-store.js";
import { deviceKey } from "./helpers.js";

const nonce = "n".repeat(43);

describe("challenge signatures", () => {
  it("accepts the device's signature over this connection's nonce", () => {
    const key = deviceKey();
    expect(verifyChallenge(key.publicKey, nonce, key.sign(nonce))).toBe(true);
  });

  it("refuses a signature over another nonce, by another key, or garbage", () => {
    const key = deviceKey();
    const other = deviceKey();
    expect(verifyChallenge(key.publicKey, nonce, key.sign("m".repeat(43)))).toBe(false);
    expect(verifyChallenge(key.publicKey, nonce, other.sign(nonce))).toBe(false);
    expect(verifyChallenge(key.publicKey, nonce, "A".repeat(86))).toBe(false);
    expect(verifyChallenge("A".repeat(43), nonce, key.sign(nonce))).toBe(false);
  });
});

describe("hello frames", () => {
  const key = deviceKey();
  const good = { type: "hello", publicKey: key.publicKey, signature: key.sign(nonce), name: "Phone", platform: "ios", bootstrapToken: "t".repeat(43) };

  it("parses a well-formed hello and fills role and scopes", () => {
    const parsed = parseFrame(HelloSchema, JSON.stringify(good));
    expect(parsed).toMatchObject({ ok: true, frame: { role: "node", scopes: [] } });
  });

  it.each([
    ["not JSON", "{hello", /not JSON/],
    ["an unknown field", JSON.stringify({ ...good, admin: true }), /malformed/],
    ["both tokens", JSON.stringify({ ...good, deviceToken: "d".repeat(43) }), /exactly one of bootstrapToken/],
    ["no token", JSON.stringify({ ...good, bootstrapToken: undefined }), /exactly one of bootstrapToken/],
    ["a short key", JSON.stringify({ ...good, publicKey: "abc" }), /publicKey/],
    ["an unknown role", JSON.stringify({ ...good, role: "root" }), /role/],
  ])("refuses %s with a sentence saying what is wrong", (_what, text, message) => {
    const parsed = parseFrame(HelloSchema, text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });
});

describe("per-address throttle", () => {
  const options = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };

  it("lets a few failures pass, then doubles the wait per failure up to the cap", () => {
    const clock = new TestClock();
    const throttle = new AddressThrottle(clock.fn, options);
    for (let i = 0; i < 3; i++) throttle.fail("10.0.0.1");
    expect(throttle.waitFor("10.0.0.1")).toBe(0);
    const waits = [];
    for (let i = 0; i < 5; i++) {
      throttle.fail("10.0.0.1");
      waits.push(throttle.waitFor("10.0.0.1"));
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it("keeps addresses apart, forgets after a quiet period, and clears on success", () => {
    const clock = new TestClock();
    const throttle = new AddressThrottle(clock.fn, options);
    for (let i = 0; i < 4; i++) throttle.fail("10.0.0.1");
    expect(throttle.waitFor("10.0.0.1")).toBe(1000);
    expect(throttle.waitFor("10.0.0.2")).toBe(0);
    clock.advance(1000);
    expect(throttle.waitFor("10.0.0.1")).toBe(0);
    throttle.fail("10.0.0.1");
    expect(throttle.waitFor("10.0.0.1")).toBe(2000);
    clock.advance(60_000);
    throttle.fail("10.0.0.1");
    expect(throttle.waitFor("10.0.0.1")).toBe(0); // a fresh start: one failure
    for (let i = 0; i < 4; i++) throttle.fail("10.0.0.1");
    throttle.succeed("10.0.0.1");
    expect(throttle.waitFor("10.0.0.1")).toBe(0);
  });
});
