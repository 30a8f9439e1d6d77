import { afterEach, describe, expect, it } from "vitest";
import { approvedDevice, deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { StoreProcess, startTogether, stopLeftoverProcesses } from "../support/store-processes.js";
import { tempLocation, tempStore } from "../support/temp-store.js";

let remove: () => void = () => undefined;
afterEach(() => {
  stopLeftoverProcesses();
  remove();
});

const settle = <T>(promises: Array<Promise<T>>) => Promise.allSettled(promises);
const failureCode = (r: PromiseSettledResult<unknown>) => (r.status === "rejected" ? (r.reason as { code?: string }).code : undefined);

/** A store on the system clock, for tests where other processes (with their own clocks) take part. */
function realStore() {
  const place = tempLocation();
  remove = place.remove;
  return { file: place.location, store: place.open() };
}

describe("two devices redeem one setup code at once", () => {
  it("in one process: exactly one wins, the other gets token_bound", async () => {
    const t = tempStore();
    remove = t.remove;
    const setup = await issueSetupCode(t.store);
    const other = t.open({ clock: t.clock.fn });
    const results = await settle([t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey())), other.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.map(failureCode).filter(Boolean)).toEqual(["token_bound"]);
    expect((await t.store.pending()).devices).toHaveLength(1);
  });

  it("from two processes: exactly one wins, the other gets token_bound", async () => {
    const { file, store } = realStore();
    const setup = await issueSetupCode(store);
    const racers = [0, 1].map(() => new StoreProcess("store-redeem.js", [file, setup.bootstrapToken, newDeviceKey()]));
    await startTogether(racers);
    await Promise.all(racers.map((p) => p.exited));
    const answers = racers.map((p) => JSON.parse(p.lines[0] ?? "null") as { ok: boolean; code?: string });
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok)).toEqual([{ ok: false, code: "token_bound" }]);
    const doc = await store.read();
    expect(doc.devices.requests).toHaveLength(1);
    expect(doc.devices.bootstrapTokens[0]?.boundKey).toBe(doc.devices.requests[0]?.publicKey);
  }, 60_000);
});

describe("an approved device asks for its token twice at once", () => {
  it("in one process: exactly one device token is minted", async () => {
    const t = tempStore();
    remove = t.remove;
    const { setup, publicKey } = await approvedDevice(t.store);
    const input = { publicKey, bootstrapToken: setup.bootstrapToken };
    const other = t.open({ clock: t.clock.fn });
    const results = await settle([t.store.issueDeviceToken(input), other.issueDeviceToken(input), t.store.issueDeviceToken(input)]);
    const minted = results.filter((r) => r.status === "fulfilled");
    expect(minted).toHaveLength(1);
    expect(results.map(failureCode).filter(Boolean)).toEqual(["token_invalid", "token_invalid"]);
    const token = minted[0]!.status === "fulfilled" ? minted[0]!.value.token : "";
    expect(await t.store.verifyDeviceToken(publicKey, token)).toBeTruthy();
  });

  it("from two processes: exactly one device token is minted", async () => {
    const { file, store } = realStore();
    const { setup, publicKey, device } = await approvedDevice(store);
    const askers = [0, 1].map(() => new StoreProcess("store-redeem.js", [file, setup.bootstrapToken, publicKey, "token"]));
    await startTogether(askers);
    await Promise.all(askers.map((p) => p.exited));
    const answers = askers.map((p) => JSON.parse(p.lines[0] ?? "null") as { ok: boolean; code?: string });
    expect(answers.filter((a) => a.ok)).toEqual([{ ok: true, deviceId: device.deviceId }]);
    expect(answers.filter((a) => !a.ok)).toEqual([{ ok: false, code: "token_invalid" }]);
    const doc = await store.read();
    expect(doc.devices.paired[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.devices.bootstrapTokens).toEqual([]);
  }, 60_000);
});
