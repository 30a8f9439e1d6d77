import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { PairbotError, PairingStore, emptyStore } from "../../src/store/index.js";
import { newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

const { version: _version, ...withoutVersion } = emptyStore();
const broken: Array<[string, string, "store_corrupt" | "store_too_new", RegExp]> = [
  ["not JSON", '{"version": 1, "dm": {"requests": [', "store_corrupt", /not valid JSON/],
  ["empty", "", "store_corrupt", /not valid JSON/],
  ["a JSON array", "[]", "store_corrupt", /not a JSON object/],
  ["no version", JSON.stringify(withoutVersion), "store_corrupt", /has no "version", so it is not a pairbot store; point STORE_PATH or --store at the store file/],
  ["failing the schema", JSON.stringify({ ...emptyStore(), dm: { requests: [{ code: "SHORT" }], allowlist: {} } }), "store_corrupt", /does not match the store format \(dm\.requests\.0/],
  ["a future version", JSON.stringify({ ...emptyStore(), version: 99, somethingNew: true }), "store_too_new", /version 99.*Upgrade pairbot/],
  ["holding two requests with one code", withDm([dmRequest("a", "+491", "AAAABBBB"), dmRequest("b", "+492", "AAAABBBB")]), "store_corrupt", /never writes: two DM requests have the code "AAAABBBB"/],
  ["holding two requests with one id", withDm([dmRequest("a", "+491", "AAAABBBB"), dmRequest("a", "+492", "CCCCDDDD")]), "store_corrupt", /never writes: two DM requests have the id "a"/],
  ["holding a request that lives a year", withDm([{ ...dmRequest("a", "+491", "AAAABBBB"), expiresAt: "2027-11-21T12:00:00.000Z" }]), "store_corrupt", /DM request a expires longer after it was made than any setting allows/],
  ["holding a wrong-code counter from the future", JSON.stringify({ ...emptyStore(), codeFailures: { cli: { count: 3, since: "2099-01-01T00:00:00.000Z" } } }), "store_corrupt", /counter of "cli" starts in the future/],
];

function dmRequest(id: string, senderId: string, code: string) {
  const at = "2026-11-21T12:00:00.000Z";
  return { id, channel: "whatsapp", account: "default", senderId, code, createdAt: at, lastSeenAt: at, expiresAt: "2026-11-21T13:00:00.000Z" };
}

function withDm(requests: unknown[]): string {
  return JSON.stringify({ ...emptyStore(), dm: { requests, allowlist: {}, blocks: [] } });
}

/** Every public operation of the store, reads and changes, with plausible arguments. */
const operations: Array<[string, (s: PairingStore) => Promise<unknown>]> = [
  ["read", (s) => s.read()],
  ["pending", (s) => s.pending()],
  ["isAllowed", (s) => s.isAllowed("whatsapp", "+491")],
  ["audit", (s) => s.audit()],
  ["verifyDeviceToken", (s) => s.verifyDeviceToken(newDeviceKey(), "token")],
  ["prune", (s) => s.prune()],
  ["requestDmPairing", (s) => s.requestDmPairing({ channel: "whatsapp", senderId: "+491" })],
  ["approveDm", (s) => s.approveDm({ codeOrSender: "AB3D7X9K" }, "cli")],
  ["denyDm", (s) => s.denyDm({ channel: "whatsapp", codeOrSender: "+491" }, "cli")],
  ["decideDmById", (s) => s.decide({ kind: "dm", id: "abc" }, "approve", "telegram:42")],
  ["allowSender", (s) => s.allowSender({ channel: "whatsapp", senderId: "+491" }, "cli")],
  ["revokeSender", (s) => s.revokeSender({ channel: "whatsapp", senderId: "+491" }, "cli")],
  ["disallowSender", (s) => s.disallowSender({ channel: "whatsapp", senderId: "+491" }, "cli")],
  ["createSetupCode", (s) => s.createSetupCode({ url: "ws://127.0.0.1:18789" }, "cli")],
  ["requestDevicePairing", (s) => s.requestDevicePairing({ bootstrapToken: "x".repeat(43), publicKey: newDeviceKey(), name: "d", platform: "p", role: "node", scopes: [], remoteAddress: "::1" })],
  ["approveDevice", (s) => s.approveDevice("req", "cli")],
  ["rejectDevice", (s) => s.rejectDevice("req", "cli")],
  ["issueDeviceToken", (s) => s.issueDeviceToken({ publicKey: newDeviceKey(), bootstrapToken: "x".repeat(43) })],
  ["revokeDevice", (s) => s.revokeDevice("dev", "cli")],
  ["cleanupSetupCodes", (s) => s.cleanupSetupCodes("cli")],
  ["setNotify", (s) => s.setNotify(42, false)],
  ["recordNotification", (s) => s.recordNotification("dm:abc", 42, { chatId: 42, messageId: 1, sentAt: "2026-11-21T12:00:00.000Z" })],
  ["forgetNotification", (s) => s.forgetNotification("dm:abc", 42)],
];

describe.each(broken)("a store file that is %s", (_label, bytes, code, problem) => {
  it.each(operations)("%s refuses with one clear error naming the file, and leaves the file as it was", async (_name, operation) => {
    t = tempStore();
    writeFileSync(t.file, bytes, { mode: 0o600 });
    const error = await operation(t.store).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PairbotError);
    expect(error).toMatchObject({ code, message: expect.stringContaining(t.file) });
    expect((error as Error).message).toMatch(problem);
    expect(readFileSync(t.file, "utf8")).toBe(bytes);
    expect(readdirSync(t.dir)).toEqual(["store.json"]);
  });
});

describe("a damaged store stays refused", () => {
  it("also after a good write was queued behind a refused one in the same process", async () => {
    t = tempStore();
    writeFileSync(t.file, "not json");
    const results = await Promise.allSettled([t.store.allowSender({ channel: "whatsapp", senderId: "+491" }, "cli"), t.store.allowSender({ channel: "whatsapp", senderId: "+492" }, "cli")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(readFileSync(t.file, "utf8")).toBe("not json");
  });

  it("and works again once the owner restores a good file", async () => {
    t = tempStore();
    writeFileSync(t.file, "not json");
    await expect(t.store.isAllowed("whatsapp", "+491")).rejects.toMatchObject({ code: "store_corrupt" });
    writeFileSync(t.file, JSON.stringify(emptyStore()));
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
    await t.store.allowSender({ channel: "whatsapp", senderId: "+491" }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(true);
  });
});

describe("a healthy store file on disk", () => {
  it("is created 0600 in a 0700 folder, with no temp file or lock left behind", async () => {
    t = tempStore();
    const file = `${t.dir}/nested/store.json`;
    await new PairingStore({ file }).allowSender({ channel: "whatsapp", senderId: "+491" }, "cli");
    await new PairingStore({ file }).allowSender({ channel: "whatsapp", senderId: "+492" }, "cli");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}.journal`).mode & 0o777).toBe(0o600);
    expect(statSync(`${t.dir}/nested`).mode & 0o777).toBe(0o700);
    expect(readdirSync(`${t.dir}/nested`).sort()).toEqual(["store.json", "store.json.journal"]);
  });
});
