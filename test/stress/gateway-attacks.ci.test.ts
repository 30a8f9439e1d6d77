import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayProcess } from "../support/gateway-process.js";
import { burstGuessing, connectionFlood, dmFlood, eventStreamFlood, guessing, reserveUnderFlood, slowHeaders, startAttackedGateway } from "../support/stress-gateway-attacks.js";

/** The short version of gateway-attacks.test.ts for `npm test`: the shipped gateway, loopback only. */
let gw: GatewayProcess;
// A low total limit shows it holding with a few hundred sockets, light enough to run beside other tests.
beforeAll(async () => (gw = await startAttackedGateway(["--max-connections", "100"])), 30_000);
afterAll(async () => gw?.stop());

describe("the shipped gateway under attack (short)", () => {
  it("guessing bootstrap tokens: throttled after a handful, whether one by one or all at once", async () => {
    const one = await guessing(gw, 30, 20_000);
    console.log(one.line);
    expect(one.beforeThrottle).toBe(6);
    expect(one.outcomes["internal_error"]).toBeUndefined();
    const burst = await burstGuessing(gw, 50);
    console.log(burst.line);
    expect(burst.evaluated).toBeLessThanOrEqual(8);
  }, 60_000);

  it("a connection flood is held to the limits, and a revocation still lands within a second or two", async () => {
    const f = await connectionFlood(gw, 300, 15);
    console.log(f.line);
    expect(f.held).toBeLessThanOrEqual(100);
    expect(f.revokedCode).toBe("revoked");
    expect(f.revocationMs).toBeLessThan(2500);
  }, 60_000);

  it("made-up strangers: nothing without a token, at most the channel cap with one", async () => {
    const f = await dmFlood(gw, 60);
    console.log(f.line);
    expect(f.anonymousStored).toBe(0);
    expect(f.anonymous).toEqual({ 401: 60 });
    expect(f.stored).toBeLessThanOrEqual(10);
  }, 60_000);

  it("event streams: nothing for a stranger; adapters that never read cost bounded memory and do not delay a reading one", async () => {
    const f = await eventStreamFlood(gw, { strangers: 40, slowReaders: 16, approvals: 900 });
    console.log(f.line);
    expect(f.stranger["200"]).toBeUndefined();
    expect(f.cut).toBe(16); // each replay is about 2.4 MB, past the 1 MB a stream may have unsent
    expect(f.during.rssMb - f.before.rssMb).toBeLessThan(16 * 2 + 50); // at most the 1 MB backlog per stream, and some
    expect(f.liveMs).toBeLessThan(3000);
  }, 90_000);

  it("strangers filling the total leave the reserve to this machine and a known adapter", async (context) => {
    const f = await reserveUnderFlood(150, ["--max-connections", "100"]);
    if (!f) return context.skip(); // no LAN address to tell a stranger from loopback
    console.log(f.line);
    expect(f.held).toBeLessThanOrEqual(88); // 100 less the reserve of 12
    expect(f.adapter).toMatch(/^200 /);
    expect(f.local).toMatch(/^200 /);
    expect(f.device).toMatch(/^authenticated/);
    expect(f.stranger).not.toMatch(/^200 /); // also after it presented wrong tokens and filed a device request
  }, 60_000);

  it("half-sent headers are dropped within seconds", async () => {
    const f = await slowHeaders(gw, 20, 12_000);
    console.log(f.line);
    expect(f.longestMs).toBeLessThan(8_000);
  }, 30_000);
});
