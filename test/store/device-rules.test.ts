import { afterEach, describe, expect, it } from "vitest";
import { hashToken } from "../../src/store/index.js";
import { approvedDevice, deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

const MINUTE = 60_000;
let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

describe("bootstrap tokens", () => {
  it("are stored only as a SHA-256 hash: the clear token never reaches the file", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    expect(Buffer.from(setup.bootstrapToken, "base64url").length).toBeGreaterThanOrEqual(16);
    const bytes = await t.savedText();
    expect(bytes).not.toContain(setup.bootstrapToken);
    expect(bytes).not.toContain(setup.setupCode);
    expect((await t.readSaved()).devices.bootstrapTokens).toEqual([expect.objectContaining({ id: setup.tokenId, hash: hashToken(setup.bootstrapToken) })]);
  });

  it("live 10 minutes: a device one millisecond early pairs, one at 10 minutes is refused", async () => {
    t = tempStore();
    const early = await issueSetupCode(t.store);
    const late = await issueSetupCode(t.store);
    t.clock.advance(10 * MINUTE - 1);
    expect(await t.store.requestDevicePairing(deviceHello(early.bootstrapToken, newDeviceKey()))).toMatchObject({ status: "pending" });
    t.clock.advance(1);
    const error = await t.store.requestDevicePairing(deviceHello(late.bootstrapToken, newDeviceKey())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: expect.stringMatching(/^token_(expired|invalid)$/), message: expect.stringMatching(/; ask the owner for a new one \(\/pair\)\.$/) });
  });

  it("bind to the first device key; a second key gets token_bound, the first may retry", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const first = newDeviceKey();
    const a = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, first));
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()))).rejects.toMatchObject({ code: "token_bound" });
    expect(await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, first))).toEqual({ ...a, created: false });
    expect((await t.store.pending()).devices).toHaveLength(1);
  });

  it("an unknown token is token_invalid and binds nothing", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken.slice(0, -2) + "AA", newDeviceKey()))).rejects.toMatchObject({ code: "token_invalid" });
    expect((await t.store.read()).devices.bootstrapTokens[0]?.boundKey).toBeUndefined();
  });

  it("a malformed device key is refused, naming the public key", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, "not-a-key"))).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^Invalid public key/) });
  });
});

describe("roles and scopes", () => {
  it("a node gets no scopes: asking for any is scope_denied", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store, "node");
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey(), "node", ["operator.read"]))).rejects.toMatchObject({ code: "scope_denied" });
    expect(await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey(), "node", []))).toMatchObject({ status: "pending" });
  });

  it("an operator gets at most the four operator scopes", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store, "operator");
    const all = ["operator.write", "operator.read", "operator.approvals", "operator.talk.secrets"];
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey(), "operator", [...all, "operator.admin"]))).rejects.toMatchObject({
      code: "scope_denied",
      message: expect.stringContaining("operator.admin"),
    });
    const ok = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey(), "operator", all));
    expect(ok.status).toBe("pending");
    expect((await t.store.pending()).devices[0]?.scopes).toEqual([...all].sort());
  });

  it("a node setup code cannot be used to ask for the operator role", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store, "node");
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey(), "operator", []))).rejects.toMatchObject({ code: "scope_denied" });
  });
});

describe("device requests", () => {
  it("an identical retry keeps its request id", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store, "operator");
    const key = newDeviceKey();
    const first = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", ["operator.read"]));
    t.clock.advance(MINUTE);
    const retry = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", ["operator.read"]));
    expect(first).toMatchObject({ status: "pending", created: true });
    expect(retry).toMatchObject({ status: "pending", created: false });
    expect(retry.status === "pending" && first.status === "pending" && retry.requestId === first.requestId).toBe(true);
  });

  it("changed scopes replace the request with a new id and never merge scopes", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store, "operator");
    const key = newDeviceKey();
    const first = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", ["operator.read"]));
    const wider = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", ["operator.write"]));
    if (first.status !== "pending" || wider.status !== "pending") throw new Error("expected pending requests");
    expect(wider.requestId).not.toBe(first.requestId);
    const pending = (await t.store.pending()).devices;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ requestId: wider.requestId, scopes: ["operator.write"] });
    await expect(t.store.approveDevice(first.requestId, "cli")).rejects.toMatchObject({ code: "not_found" });
    expect(await t.store.audit()).toContainEqual(expect.objectContaining({ action: "supersede", requestId: first.requestId }));
  });

  it("pending requests expire after 10 minutes", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const r = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    if (r.status !== "pending") throw new Error("expected pending");
    t.clock.advance(10 * MINUTE);
    expect((await t.store.pending()).devices).toEqual([]);
    await expect(t.store.approveDevice(r.requestId, "cli")).rejects.toMatchObject({ code: "not_found" });
  });

  it("a bound setup code keeps its deadline: alternating scopes every minute never extends it", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store, "operator");
    const key = newDeviceKey();
    const boundAt = t.clock.now;
    const deadline = new Date(boundAt + 10 * MINUTE).toISOString();
    for (let minute = 0; minute < 10; minute++) {
      const scopes = minute % 2 === 0 ? ["operator.read"] : ["operator.write"];
      const r = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", scopes));
      expect(r).toMatchObject({ status: "pending", created: true, expiresAt: deadline });
      t.clock.advance(MINUTE);
    }
    expect((await t.store.pending()).devices).toEqual([]);
    expect((await t.store.read()).devices.bootstrapTokens).toEqual([]);
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", ["operator.read"]))).rejects.toMatchObject({ code: expect.stringMatching(/^token_(expired|invalid)$/) });
  });

  it("pruning ends a bound setup code whose deadline passed, with the request it still carries", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store, "operator");
    const key = newDeviceKey();
    await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", ["operator.read"]));
    t.clock.advance(5 * MINUTE);
    await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key, "operator", ["operator.write"]));
    t.clock.advance(5 * MINUTE);
    await t.store.prune();
    const doc = await t.readSaved();
    expect(doc.devices.bootstrapTokens).toEqual([]);
    expect(doc.devices.requests).toEqual([]);
    expect(await t.store.audit()).toContainEqual(expect.objectContaining({ action: "expire", actor: "clock", requestId: setup.tokenId }));
  });

  it.each([
    ["name", { name: "Kitchen tablet (new)" }],
    ["platform", { platform: "ios" }],
    ["remote address", { remoteAddress: "192.168.1.99" }],
  ])("a retry with another %s is a new request the owner judges again", async (_what, change) => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const key = newDeviceKey();
    const first = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key));
    t.clock.advance(MINUTE);
    const again = await t.store.requestDevicePairing({ ...deviceHello(setup.bootstrapToken, key), ...change });
    if (first.status !== "pending" || again.status !== "pending") throw new Error("expected pending requests");
    expect(again).toMatchObject({ created: true, expiresAt: first.expiresAt });
    expect(again.requestId).not.toBe(first.requestId);
    expect((await t.store.pending()).devices).toEqual([expect.objectContaining({ requestId: again.requestId, ...change })]);
    expect(await t.store.audit()).toContainEqual(expect.objectContaining({ action: "supersede", requestId: first.requestId }));
  });

  it("a retry with the same name, platform and address changes nothing the owner sees", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const key = newDeviceKey();
    const first = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key));
    t.clock.advance(MINUTE);
    expect(await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key))).toEqual({ ...first, created: false });
    expect((await t.store.audit()).filter((e) => e.action === "supersede")).toEqual([]);
  });

  it("approve and reject name one request by id; an unknown id is not_found", async () => {
    t = tempStore();
    const a = await issueSetupCode(t.store);
    const b = await issueSetupCode(t.store);
    const ra = await t.store.requestDevicePairing(deviceHello(a.bootstrapToken, newDeviceKey()));
    const rb = await t.store.requestDevicePairing(deviceHello(b.bootstrapToken, newDeviceKey()));
    if (ra.status !== "pending" || rb.status !== "pending") throw new Error("expected pending");
    const device = await t.store.approveDevice(ra.requestId, "telegram:42");
    expect(device).toMatchObject({ deviceId: ra.deviceId, approvedBy: "telegram:42" });
    expect(device.tokenIssued).toBe(false);
    await t.store.rejectDevice(rb.requestId, "telegram:42");
    const doc = await t.store.read();
    expect(doc.devices.requests).toEqual([]);
    expect(doc.devices.paired.map((d) => d.deviceId)).toEqual([ra.deviceId]);
    await expect(t.store.approveDevice("nope", "cli")).rejects.toThrow("No pending device request found with id: nope");
    await expect(t.store.requestDevicePairing(deviceHello(b.bootstrapToken, newDeviceKey()))).rejects.toMatchObject({ code: "token_invalid" });
  });
});

describe("device tokens", () => {
  it("are issued once, consume the bootstrap token, and are stored only as a hash", async () => {
    t = tempStore();
    const { setup, publicKey, device } = await approvedDevice(t.store);
    const issued = await t.store.issueDeviceToken({ publicKey, bootstrapToken: setup.bootstrapToken });
    expect(issued.deviceId).toBe(device.deviceId);
    await expect(t.store.issueDeviceToken({ publicKey, bootstrapToken: setup.bootstrapToken })).rejects.toMatchObject({ code: "token_invalid" });
    await expect(t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, publicKey))).rejects.toMatchObject({ code: "token_invalid" });
    const bytes = await t.savedText();
    expect(bytes).not.toContain(issued.token);
    expect((await t.readSaved()).devices).toMatchObject({ bootstrapTokens: [], paired: [expect.objectContaining({ tokenHash: hashToken(issued.token) })] });
  });

  it("are not issued before approval, nor to another key", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const key = newDeviceKey();
    await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key));
    await expect(t.store.issueDeviceToken({ publicKey: key, bootstrapToken: setup.bootstrapToken })).rejects.toMatchObject({ code: "token_invalid" });
    const other = await approvedDevice(t.store);
    await expect(t.store.issueDeviceToken({ publicKey: newDeviceKey(), bootstrapToken: other.setup.bootstrapToken })).rejects.toMatchObject({ code: "token_invalid" });
  });

  it("verify for their own device; a revoked device fails at once", async () => {
    t = tempStore();
    const { setup, publicKey, device } = await approvedDevice(t.store);
    const { token } = await t.store.issueDeviceToken({ publicKey, bootstrapToken: setup.bootstrapToken });
    expect(await t.store.verifyDeviceToken(publicKey, token)).toMatchObject({ deviceId: device.deviceId });
    await expect(t.store.verifyDeviceToken(newDeviceKey(), token)).rejects.toMatchObject({ code: "token_invalid" });
    await expect(t.store.verifyDeviceToken(publicKey, token.slice(0, -2) + "AA")).rejects.toMatchObject({ code: "token_invalid" });
    await t.store.revokeDevice(device.deviceId, "telegram:42");
    await expect(t.store.verifyDeviceToken(publicKey, token)).rejects.toMatchObject({ code: "token_invalid" });
    await expect(t.store.revokeDevice(device.deviceId, "cli")).rejects.toMatchObject({ code: "not_found" });
  });

  it("an approval survives the bootstrap TTL until the device collects its token", async () => {
    t = tempStore();
    const { setup, publicKey } = await approvedDevice(t.store);
    t.clock.advance(60 * MINUTE);
    await t.store.prune();
    expect((await t.store.issueDeviceToken({ publicKey, bootstrapToken: setup.bootstrapToken })).token).toBeTruthy();
  });
});

describe("cleanup", () => {
  it("invalidates every unused setup code and the requests that came through them", async () => {
    t = tempStore();
    const unused = await issueSetupCode(t.store);
    const used = await issueSetupCode(t.store);
    const withdrawn = await t.store.requestDevicePairing(deviceHello(used.bootstrapToken, newDeviceKey()));
    const awaiting = await approvedDevice(t.store);
    expect(await t.store.cleanupSetupCodes("telegram:42")).toBe(2);
    // Its own outcome, so the bot and the gateway need not read the entry's sentence.
    if (withdrawn.status !== "pending") throw new Error("expected a pending device request");
    expect(await t.store.outcomeOf(withdrawn.requestId)).toMatchObject({ action: "cleanup", actor: "telegram:42" });
    await expect(t.store.requestDevicePairing(deviceHello(unused.bootstrapToken, newDeviceKey()))).rejects.toMatchObject({ code: "token_invalid" });
    expect((await t.store.pending()).devices).toEqual([]);
    // An approved device still waiting for its token keeps its way in.
    expect(await t.store.issueDeviceToken({ publicKey: awaiting.publicKey, bootstrapToken: awaiting.setup.bootstrapToken })).toMatchObject({ deviceId: awaiting.device.deviceId });
  });
});
