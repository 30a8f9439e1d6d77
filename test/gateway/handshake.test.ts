import { afterEach, describe, expect, it } from "vitest";
import { TestClock } from "../support/temp-store.js";
import { RawClient, bootstrapTokenOf, deviceKey, refusal, startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

describe("gateway handshake refusals", () => {
  it("sends a fresh nonce to every connection", async () => {
    gw = await startGateway();
    const a = new RawClient(gw.url);
    const b = new RawClient(gw.url);
    const [na, nb] = [await a.challenge(), await b.challenge()];
    expect(na).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(na).not.toBe(nb);
    a.close();
    b.close();
  });

  it("refuses a hello signed over another nonce (bad_signature) and writes nothing", async () => {
    gw = await startGateway();
    const key = deviceKey();
    const client = new RawClient(gw.url);
    await client.challenge();
    client.send({ type: "hello", publicKey: key.publicKey, signature: key.sign("x".repeat(43)), name: "P", platform: "ios", bootstrapToken: bootstrapTokenOf(await gw.setupCode()) });
    expect(await refusal(client)).toEqual({ code: "bad_signature", closeCode: 4001 });
    expect((await gw.owner.pending()).devices).toEqual([]);
    expect(gw.gateway.stats().refused).toEqual({ bad_signature: 1 });
  });

  it("refuses malformed frames (bad_frame, 4000): not JSON, wrong shape, binary", async () => {
    gw = await startGateway();
    for (const data of ["{not json", JSON.stringify({ type: "hello" }), Buffer.from([1, 2, 3])]) {
      const client = new RawClient(gw.url);
      await client.challenge();
      client.send(data);
      expect(await refusal(client)).toEqual({ code: "bad_frame", closeCode: 4000 });
    }
    expect(gw.gateway.stats().refused.bad_frame).toBe(3);
  });

  it("refuses an oversize frame with close code 1009 and counts it", async () => {
    gw = await startGateway({ maxFrameBytes: 4096 });
    const client = new RawClient(gw.url);
    await client.challenge();
    client.send(JSON.stringify({ type: "hello", pad: "x".repeat(5000) }));
    expect((await client.closed).code).toBe(1009);
    expect(gw.gateway.stats().refused.frame_too_large).toBe(1);
  });

  it("refuses a wrong device token and an unknown setup code with token_invalid", async () => {
    gw = await startGateway();
    const key = deviceKey();
    const withDeviceToken = new RawClient(gw.url);
    await withDeviceToken.hello(key, { deviceToken: "A".repeat(43) });
    expect(await refusal(withDeviceToken)).toEqual({ code: "token_invalid", closeCode: 4001 });
    const withBootstrap = new RawClient(gw.url);
    await withBootstrap.hello(key, { bootstrapToken: "B".repeat(43) });
    expect(await refusal(withBootstrap)).toEqual({ code: "token_invalid", closeCode: 4001 });
    expect(gw.gateway.stats().refused).toEqual({ token_invalid: 2 });
  });

  it("refuses a node asking for operator scopes (scope_denied) through the store's rule", async () => {
    gw = await startGateway();
    const client = new RawClient(gw.url);
    await client.hello(deviceKey(), { bootstrapToken: bootstrapTokenOf(await gw.setupCode()), scopes: ["operator.write"] });
    expect(await refusal(client)).toEqual({ code: "scope_denied", closeCode: 4003 });
  });

  it("cuts a connection that never says hello (error frame, then the socket is dropped: 1006)", async () => {
    gw = await startGateway({ helloTimeoutMs: 100 });
    const client = new RawClient(gw.url);
    expect(await refusal(client)).toEqual({ code: "handshake_timeout", closeCode: 1006 });
  });

  it("slows an address down after repeated failures, and lets it in again after the wait", async () => {
    const clock = new TestClock();
    gw = await startGateway({ clock: clock.fn, throttle: { freeFailures: 2, baseDelayMs: 30_000 } });
    for (let i = 0; i < 3; i++) {
      const client = new RawClient(gw.url);
      await client.hello(deviceKey(), { deviceToken: "A".repeat(43) });
      expect((await refusal(client)).code).toBe("token_invalid");
    }
    const blocked = new RawClient(gw.url);
    expect(await refusal(blocked)).toEqual({ code: "throttled", closeCode: 4029 });
    expect(blocked.frames.find((f) => f["type"] === "challenge")).toBeUndefined();
    expect(blocked.frames[0]).toMatchObject({ type: "error", retryAfterMs: 30_000 });
    clock.advance(30_000);
    const later = new RawClient(gw.url);
    expect(await later.challenge()).toBeTruthy();
    later.close();
    expect(gw.gateway.stats().refused).toEqual({ token_invalid: 3, throttled: 1 });
  });

  it("logs reasons and addresses but never a token or a signature", async () => {
    gw = await startGateway();
    const key = deviceKey();
    const setupCode = await gw.setupCode();
    const client = new RawClient(gw.url);
    await client.hello(key, { bootstrapToken: bootstrapTokenOf(setupCode) });
    const pending = await client.frame("pending");
    await gw.owner.approveDevice(pending["requestId"] as string, "telegram:1");
    const paired = await client.frame("paired");
    const bad = new RawClient(gw.url);
    await bad.hello(key, { deviceToken: "W".repeat(43) });
    await bad.closed;
    const log = gw.logLines.join("\n");
    expect(log).toContain("token_invalid");
    for (const secret of [bootstrapTokenOf(setupCode), setupCode, paired["deviceToken"] as string, "W".repeat(43)]) expect(log).not.toContain(secret);
    client.close();
  });
});
