import { statSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NodeError } from "../../src/node/client.js";
import { connectDevice, pairDevice } from "../../src/node/pairing.js";
import { loadNodeState } from "../../src/node/state.js";
import { createGateway } from "../../src/gateway/server.js";
import { RawClient, bootstrapTokenOf, deviceKey, startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

/** Pairs a node through the library, approving from the owner's own store instance once it waits. */
async function pairAndApprove(setupCode: string, stateFile: string) {
  const seen: string[] = [];
  const session = await pairDevice({
    setupCode,
    stateFile,
    name: "Ann's iPhone",
    platform: "ios",
    onPending: (requestId) => {
      seen.push(requestId);
      void gw.track(gw.owner.approveDevice(requestId, "telegram:1"));
    },
  });
  return { session, requestIds: seen };
}

const endsWithin = <T>(promise: Promise<T>, ms: number): Promise<T | "still open"> =>
  Promise.race([promise, new Promise<"still open">((r) => setTimeout(() => r("still open"), ms))]);

describe("device pairing through the gateway", () => {
  it("pairs with a setup code, gets its token once approved, then authenticates with it", async () => {
    gw = await startGateway();
    const stateFile = gw.stateFile("ann");
    const { session, requestIds } = await pairAndApprove(await gw.setupCode(), stateFile);
    session.close();
    expect(requestIds).toHaveLength(1);
    const state = await loadNodeState(stateFile);
    expect(state).toMatchObject({ gatewayUrl: gw.url, deviceId: session.deviceId, deviceToken: session.deviceToken });
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(stateFile)).mode & 0o777).toBe(0o700);

    const paired = (await gw.owner.read()).devices.paired;
    expect(paired).toMatchObject([{ deviceId: session.deviceId, name: "Ann's iPhone", role: "node" }]);
    expect(JSON.stringify(paired)).not.toContain(session.deviceToken);
    expect((await gw.owner.read()).devices.bootstrapTokens).toEqual([]); // consumed

    const again = await connectDevice({ stateFile });
    expect(again).toMatchObject({ deviceId: session.deviceId, role: "node", scopes: [] });
    again.close();
    expect(gw.gateway.stats()).toMatchObject({ paired: 1, authenticated: 1, refused: {} });
  });

  it("refuses a second device that presents the same setup code (token_bound)", async () => {
    gw = await startGateway();
    const setupCode = await gw.setupCode();
    const first = new RawClient(gw.url);
    await first.hello(deviceKey(), { bootstrapToken: bootstrapTokenOf(setupCode) });
    await first.frame("pending");
    const error = await pairDevice({ setupCode, stateFile: gw.stateFile("intruder") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(error).toMatchObject({ code: "token_bound", message: expect.stringMatching(/already used by another device/) });
    expect((await gw.owner.pending()).devices).toHaveLength(1);
    first.close();
  });

  it("closes a revoked device's live session within a second", async () => {
    gw = await startGateway();
    const stateFile = gw.stateFile("ann");
    (await pairAndApprove(await gw.setupCode(), stateFile)).session.close();
    const live = await connectDevice({ stateFile });
    await gw.owner.revokeDevice(live.deviceId, "telegram:1");
    const ended = await endsWithin(live.ended, 1000);
    expect(ended).toMatchObject({ code: "revoked" });
    const refused = await connectDevice({ stateFile }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "token_invalid" });
  });

  it("tells a waiting device it was rejected and closes", async () => {
    gw = await startGateway();
    const error = await pairDevice({
      setupCode: await gw.setupCode(),
      stateFile: gw.stateFile("bob"),
      onPending: (requestId) => void gw.track(gw.owner.rejectDevice(requestId, "telegram:1")),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "rejected", message: "The owner rejected this device." });
    expect((await loadNodeState(gw.stateFile("bob")))?.deviceToken).toBeUndefined();
  });

  it("tells a waiting device it was rejected when the owner cleans up its setup code", async () => {
    gw = await startGateway();
    const error = await pairDevice({
      setupCode: await gw.setupCode(),
      stateFile: gw.stateFile("bob"),
      onPending: () => void gw.track(gw.owner.cleanupSetupCodes("telegram:1")),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "rejected", message: "The owner rejected this device." });
  });

  it("hands the token to a device that was offline at approval on its next connection", async () => {
    gw = await startGateway();
    const key = deviceKey();
    const token = bootstrapTokenOf(await gw.setupCode());
    const first = new RawClient(gw.url);
    await first.hello(key, { bootstrapToken: token });
    const pending = await first.frame("pending");
    first.close();
    await first.closed;
    await gw.owner.approveDevice(pending["requestId"] as string, "telegram:1");

    const back = new RawClient(gw.url);
    await back.hello(key, { bootstrapToken: token });
    const paired = await back.frame("paired");
    expect(paired).toMatchObject({ deviceId: pending["deviceId"], deviceToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    back.close();
  });

  it("keeps the request id when a waiting device retries, so the owner's approval still lands", async () => {
    gw = await startGateway();
    const key = deviceKey();
    const token = bootstrapTokenOf(await gw.setupCode());
    const first = new RawClient(gw.url);
    await first.hello(key, { bootstrapToken: token });
    const a = await first.frame("pending");
    first.close();
    const retry = new RawClient(gw.url);
    await retry.hello(key, { bootstrapToken: token });
    const b = await retry.frame("pending");
    expect(b["requestId"]).toBe(a["requestId"]);
    await gw.owner.approveDevice(b["requestId"] as string, "telegram:1");
    expect(await retry.frame("paired")).toMatchObject({ deviceId: a["deviceId"] });
    retry.close();
  });

  it("hands out exactly one token when two gateways on one store hear the approval", async () => {
    gw = await startGateway();
    const second = createGateway({ store: gw.store, port: 0 });
    const secondUrl = await second.listen();
    try {
      const key = deviceKey();
      const token = bootstrapTokenOf(await gw.setupCode());
      const a = new RawClient(gw.url);
      await a.hello(key, { bootstrapToken: token });
      const pending = await a.frame("pending");
      const b = new RawClient(secondUrl);
      await b.hello(key, { bootstrapToken: token });
      await b.frame("pending");
      await gw.owner.approveDevice(pending["requestId"] as string, "telegram:1");
      // The winner keeps its session open; the other connection is told no and closed.
      const outcomes = await Promise.all([a, b].map((c) => c.frame("paired").then(() => "paired", () => c.frames.at(-1)?.["code"])));
      expect(outcomes.sort()).toEqual(["paired", "token_invalid"]);
      a.close();
      b.close();
    } finally {
      await second.close();
    }
  });
});
