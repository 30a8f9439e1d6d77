import { afterEach, describe, expect, it } from "vitest";
import { CODE_ALPHABET, DEFAULT_POLICY, PairbotError } from "../../src/store/index.js";
import { tempStore, uncapped } from "../support/temp-store.js";

const HOUR = 3_600_000;
let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());
const fresh = (options: Parameters<typeof tempStore>[0] = {}) => (t = tempStore(options));

const request = (senderId: string, extra: { channel?: string; account?: string; name?: string } = {}) =>
  t.store.requestDmPairing({ channel: "whatsapp", senderId, ...extra });

describe("DM pairing codes", () => {
  it("are 8 characters from the unambiguous alphabet", async () => {
    fresh({ policy: uncapped(50) });
    for (let i = 0; i < 50; i++) {
      const { code } = await request(`+4917000000${i}`);
      expect(code).toHaveLength(8);
      for (const c of code!) expect(CODE_ALPHABET).toContain(c);
    }
  });

  it("are unique among pending requests even when the random source repeats itself", async () => {
    // The first two codes would both be AAAAAAAA; the second request must get another one.
    const draws = [...Array(8).fill(0), ...Array(8).fill(0), ...Array(8).fill(1)];
    fresh({ random: { int: () => draws.shift() ?? 2, bytes: (n) => Buffer.alloc(n, draws.length) } });
    const a = await request("+491");
    const b = await request("+492");
    expect(a.code).toBe("AAAAAAAA");
    expect(b.code).toBe("BBBBBBBB");
  });

  it("a repeat request from the same sender returns the same code, created false", async () => {
    fresh();
    const first = await request("+491", { name: "Ann" });
    t.clock.advance(10 * 60_000);
    const again = await request("+491");
    expect(first).toMatchObject({ created: true, capped: false, allowed: false });
    expect(again).toMatchObject({ code: first.code, created: false, capped: false, expiresAt: first.expiresAt });
    expect((await t.store.pending()).dm).toHaveLength(1);
  });

  it("an allowed sender gets no code", async () => {
    fresh();
    await t.store.allowSender({ channel: "whatsapp", senderId: "+491" }, "cli");
    expect(await request("+491")).toMatchObject({ code: null, created: false, allowed: true });
    expect((await t.store.pending()).dm).toEqual([]);
  });
});

describe("DM request TTL", () => {
  it("a request lives one hour and is then never approvable", async () => {
    fresh();
    const { code } = await request("+491");
    t.clock.advance(HOUR - 1);
    expect((await t.store.pending()).dm).toHaveLength(1);
    t.clock.advance(1);
    expect((await t.store.pending()).dm).toEqual([]);
    await expect(t.store.approveDm({ channel: "whatsapp", codeOrSender: code! }, "cli")).rejects.toMatchObject({ code: "not_found" });
    await expect(t.store.approveDm({ channel: "whatsapp", codeOrSender: "+491" }, "cli")).rejects.toMatchObject({ code: "not_found" });
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
  });

  it("an expired request is pruned from the file with an expire audit entry by the clock", async () => {
    fresh();
    const { id } = await request("+491");
    t.clock.advance(HOUR);
    await t.store.prune();
    const doc = await t.readSaved();
    expect(doc.dm.requests).toEqual([]);
    expect(await t.store.audit()).toContainEqual(expect.objectContaining({ action: "expire", actor: "clock", requestId: id, subject: "whatsapp/default/+491" }));
  });

  it("after expiry the same sender gets a new code", async () => {
    fresh();
    const first = await request("+491");
    t.clock.advance(HOUR);
    const second = await request("+491");
    expect(second.created).toBe(true);
    expect(second.id).not.toBe(first.id);
  });

  it("follows a configured TTL", async () => {
    fresh({ policy: { dmTtlMs: 24 * HOUR } });
    await request("+491");
    t.clock.advance(23 * HOUR);
    expect((await t.store.pending()).dm).toHaveLength(1);
    t.clock.advance(HOUR);
    expect((await t.store.pending()).dm).toHaveLength(0);
  });
});

describe("cap of pending requests per channel and account", () => {
  it("a fourth sender is capped and nothing is stored", async () => {
    fresh();
    for (const s of ["+491", "+492", "+493"]) expect((await request(s)).created).toBe(true);
    const before = await t.savedText();
    expect(await request("+494")).toEqual({ code: null, created: false, capped: true, allowed: false, blocked: false, cooldownUntil: null, expiresAt: null, id: null });
    expect((await t.store.pending()).dm.map((r) => r.senderId)).toEqual(["+491", "+492", "+493"]);
    expect(await t.savedText()).toBe(before);
  });

  it("a sender already pending is not capped: it gets its code back", async () => {
    fresh();
    const codes = [await request("+491"), await request("+492"), await request("+493")].map((r) => r.code);
    expect(await request("+492")).toMatchObject({ code: codes[1], capped: false });
  });

  it("another account or another channel is not capped", async () => {
    fresh();
    for (const s of ["+491", "+492", "+493"]) await request(s);
    expect(await request("+494", { account: "work" })).toMatchObject({ created: true, capped: false });
    expect(await request("+494", { channel: "signal" })).toMatchObject({ created: true, capped: false });
  });

  it("room frees up when a request expires or is decided", async () => {
    fresh();
    for (const s of ["+491", "+492", "+493"]) await request(s);
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: "+491" }, "cli");
    expect((await request("+494")).created).toBe(true);
    t.clock.advance(HOUR);
    expect((await request("+495")).created).toBe(true);
  });
});

describe("caps of pending requests per channel and over all channels", () => {
  it("a channel holds at most maxPendingPerChannel whatever accounts the senders pick", async () => {
    fresh({ policy: { maxPendingPerChannel: 4 } });
    const answers = [];
    for (let i = 0; i < 9; i++) answers.push(await request(`+49${i}`, { account: ["a", "b", "c"][i % 3]! }));
    expect(answers.map((a) => a.capped)).toEqual([false, false, false, false, true, true, true, true, true]);
    expect((await t.store.pending()).dm).toHaveLength(4);
    expect(await request("+490", { account: "a" })).toMatchObject({ code: answers[0]!.code, capped: false });
    expect(await request("+499", { channel: "signal" })).toMatchObject({ created: true, capped: false });
  });

  it("all channels together hold at most maxPendingTotal; one already pending still gets its code", async () => {
    fresh({ policy: { maxPendingTotal: 5 } });
    const answers = [];
    for (const channel of ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]) answers.push(await request("+4917", { channel }));
    expect(answers.map((a) => a.capped)).toEqual([false, false, false, false, false, true, true]);
    expect(await request("+4917", { channel: "a3" })).toMatchObject({ code: answers[2]!.code, capped: false });
  });

  it("default to 10 per channel and 50 in all", () => {
    expect(DEFAULT_POLICY).toMatchObject({ maxPendingPerAccount: 3, maxPendingPerChannel: 10, maxPendingTotal: 50 });
  });
});

describe("approve, deny, revoke, allowlist", () => {
  it("approves by code in any case; the sender joins that channel's allowlist only", async () => {
    fresh();
    const { code } = await request("+491", { name: "Ann" });
    const approved = await t.store.approveDm({ codeOrSender: code!.toLowerCase() }, "telegram:42");
    expect(approved).toMatchObject({ senderId: "+491", channel: "whatsapp" });
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(true);
    expect(await t.store.isAllowed("signal", "+491")).toBe(false);
    expect(await t.store.isAllowed("whatsapp", "+491", "work")).toBe(false);
    expect((await t.store.pending()).dm).toEqual([]);
    const doc = await t.store.read();
    expect(doc.dm.allowlist["whatsapp"]?.["default"]?.["+491"]).toMatchObject({ name: "Ann", addedBy: "telegram:42" });
  });

  it("approves by sender id within a channel and account", async () => {
    fresh();
    await request("+491", { account: "work" });
    await t.store.approveDm({ channel: "whatsapp", account: "work", codeOrSender: "+491" }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+491", "work")).toBe(true);
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
  });

  it("a code from another channel does not approve", async () => {
    fresh();
    const { code } = await request("+491");
    await expect(t.store.approveDm({ channel: "signal", codeOrSender: code! }, "cli")).rejects.toMatchObject({ code: "not_found" });
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
  });

  it("an unknown code says which code was not found", async () => {
    fresh();
    await expect(t.store.approveDm({ codeOrSender: "ab3d7x9k" }, "cli")).rejects.toThrow("No pending pairing request found for code: AB3D7X9K");
  });

  it("a sender id without a channel is refused with a hint", async () => {
    fresh();
    await request("+491");
    await expect(t.store.approveDm({ codeOrSender: "+491" }, "cli")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("name the channel") });
  });

  it("deny removes the request and allows nobody", async () => {
    fresh();
    const { code } = await request("+491");
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: code! }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
    expect((await t.store.pending()).dm).toEqual([]);
    await expect(t.store.approveDm({ codeOrSender: code! }, "cli")).rejects.toMatchObject({ code: "not_found" });
  });

  it("revoke removes an approved sender; revoking a stranger is not_found", async () => {
    fresh();
    const { code } = await request("+491");
    await t.store.approveDm({ codeOrSender: code! }, "cli");
    await t.store.revokeSender({ channel: "whatsapp", senderId: "+491" }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
    expect((await t.store.read()).dm.allowlist).toEqual({});
    await expect(t.store.revokeSender({ channel: "whatsapp", senderId: "+491" }, "cli")).rejects.toMatchObject({ code: "not_found" });
  });

  it("allowlist add and remove work directly, and adding settles a pending request", async () => {
    fresh();
    await request("+491");
    await t.store.allowSender({ channel: "whatsapp", senderId: "+491", name: "Ann" }, "cli");
    await t.store.allowSender({ channel: "signal", account: "work", senderId: "bob" }, "cli");
    expect((await t.store.pending()).dm).toEqual([]);
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(true);
    expect(await t.store.isAllowed("signal", "bob", "work")).toBe(true);
    await t.store.disallowSender({ channel: "signal", account: "work", senderId: "bob" }, "cli");
    expect(await t.store.isAllowed("signal", "bob", "work")).toBe(false);
    await expect(t.store.disallowSender({ channel: "signal", account: "work", senderId: "bob" }, "cli")).rejects.toThrow(/not on the allowlist of signal \(account work\)/);
  });

  it("approves and denies by the opaque id behind a button, once", async () => {
    fresh();
    const a = await request("+491");
    const b = await request("+492");
    await t.store.decide({ kind: "dm", id: a.id! }, "approve", "telegram:42");
    await t.store.decide({ kind: "dm", id: b.id! }, "deny", "telegram:42");
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(true);
    expect(await t.store.isAllowed("whatsapp", "+492")).toBe(false);
    await expect(t.store.decide({ kind: "dm", id: a.id! }, "approve", "telegram:42")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("wrong-code throttling", () => {
  const wrong = "ZZZZZZZZ";

  it("after 10 wrong codes, approving by code is paused for that actor; by sender id still works", async () => {
    fresh();
    const { code } = await request("+491");
    for (let i = 0; i < 10; i++) {
      await expect(t.store.approveDm({ codeOrSender: wrong }, "telegram:7")).rejects.toMatchObject({ code: "not_found" });
    }
    await expect(t.store.approveDm({ codeOrSender: wrong }, "telegram:7")).rejects.toMatchObject({ code: "throttled" });
    await expect(t.store.approveDm({ codeOrSender: code! }, "telegram:7")).rejects.toMatchObject({ code: "throttled" });
    await expect(t.store.denyDm({ codeOrSender: code! }, "telegram:7")).rejects.toMatchObject({ code: "throttled" });
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(false);
    await t.store.approveDm({ channel: "whatsapp", codeOrSender: "+491" }, "telegram:7");
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(true);
  });

  it("another actor is not paused, and the pause ends after the window", async () => {
    fresh({ policy: { dmTtlMs: 24 * HOUR } });
    const { code } = await request("+491");
    for (let i = 0; i < 11; i++) await t.store.approveDm({ codeOrSender: wrong }, "telegram:7").catch(() => undefined);
    await expect(t.store.approveDm({ codeOrSender: code! }, "telegram:7")).rejects.toMatchObject({ code: "throttled" });
    t.clock.advance(15 * 60_000);
    await t.store.approveDm({ codeOrSender: code! }, "telegram:7");
    expect(await t.store.isAllowed("whatsapp", "+491")).toBe(true);
    const other = await request("+492");
    for (let i = 0; i < 11; i++) await t.store.approveDm({ codeOrSender: wrong }, "telegram:7").catch(() => undefined);
    await t.store.approveDm({ codeOrSender: other.code! }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+492")).toBe(true);
  });
});

describe("codes that existed recently are not guesses", () => {
  const lostRaces = async (codeOf: () => Promise<string>, sentence: RegExp) => {
    for (let i = 0; i < 12; i++) {
      const code = await codeOf();
      await expect(t.store.approveDm({ codeOrSender: code }, "cli:bob")).rejects.toMatchObject({ code: "not_found", message: expect.stringMatching(sentence) });
      await expect(t.store.denyDm({ channel: "whatsapp", codeOrSender: code }, "cli:bob")).rejects.toMatchObject({ code: "not_found", message: expect.stringMatching(sentence) });
    }
    expect((await t.store.read()).codeFailures).toEqual({});
    const next = await request(`+4999${(await t.store.read()).audit.length}`);
    await t.store.approveDm({ codeOrSender: next.code! }, "cli:bob");
  };

  it("a code another owner just approved is not counted and says it was approved", async () => {
    fresh();
    let i = 0;
    await lostRaces(async () => {
      const { code } = await request(`+49${i++}`);
      await t.store.approveDm({ codeOrSender: code! }, "cli:alice");
      return code!.toLowerCase();
    }, /already approved/);
  });

  it("a code just denied, or just expired, says so", async () => {
    fresh();
    let i = 0;
    await lostRaces(async () => {
      const { code } = await request(`+49${i++}`);
      await t.store.denyDm({ codeOrSender: code! }, "telegram:7");
      return code!;
    }, /already denied/);
    await lostRaces(async () => {
      const { code } = await request(`+48${i++}`);
      t.clock.advance(HOUR);
      return code!;
    }, /expired/);
  });

  it("a code handled longer ago than the wrong-code window counts as a guess again", async () => {
    fresh();
    const { code } = await request("+491");
    await t.store.approveDm({ codeOrSender: code! }, "cli:alice");
    t.clock.advance(15 * 60_000);
    await expect(t.store.approveDm({ codeOrSender: code! }, "cli:bob")).rejects.toMatchObject({ code: "not_found", message: expect.stringMatching(/^No pending pairing request found for code/) });
    expect((await t.store.read()).codeFailures).toMatchObject({ "cli:bob": { count: 1 } });
  });
});

describe("input validation names the field", () => {
  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    ["channel with capitals", () => t.store.requestDmPairing({ channel: "WhatsApp", senderId: "+491" }), /^Invalid channel: .*lowercase/],
    ["empty channel", () => t.store.requestDmPairing({ channel: "", senderId: "+491" }), /^Invalid channel: it is empty/],
    ["long channel", () => t.store.requestDmPairing({ channel: "a".repeat(33), senderId: "+491" }), /^Invalid channel: .*longer than 32/],
    ["account with a space", () => t.store.requestDmPairing({ channel: "whatsapp", account: "my phone", senderId: "+491" }), /^Invalid account: /],
    ["empty sender", () => t.store.requestDmPairing({ channel: "whatsapp", senderId: " \u0007 " }), /^Invalid sender id: it is empty/],
    ["long sender", () => t.store.requestDmPairing({ channel: "whatsapp", senderId: "9".repeat(129) }), /^Invalid sender id: .*longer than 128/],
    ["long name", () => t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", name: "n".repeat(65) }), /^Invalid name: .*longer than 64/],
    ["meta array", () => t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", meta: [1] }), /^Invalid meta: it must be a JSON object/],
    ["meta nested", () => t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", meta: { a: { b: 1 } } }), /^Invalid meta: the value of "a"/],
    ["meta too big", () => t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491", meta: { a: "x".repeat(2000) } }), /^Invalid meta: .*larger than 1024 bytes/],
    ["allowlist channel", () => t.store.allowSender({ channel: "Sig nal", senderId: "+491" }, "cli"), /^Invalid channel: /],
    ["approve channel", () => t.store.approveDm({ channel: "WA", codeOrSender: "+491" }, "cli"), /^Invalid channel: /],
  ];
  it.each(cases)("%s", async (_label, call, message) => {
    fresh();
    const error = await call().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PairbotError);
    expect(error).toMatchObject({ code: "invalid_input", message: expect.stringMatching(message) });
    expect((await t.store.read()).dm.requests).toEqual([]);
  });

  it("control characters are stripped from names and sender ids before storing", async () => {
    fresh();
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: " +49\u0000170 ", name: "Ann\u202e\u0007 Smith", meta: { note: "a\u0001b" } });
    const [stored] = (await t.store.pending()).dm;
    expect(stored).toMatchObject({ senderId: "+49170", name: "Ann Smith", meta: { note: "ab" } });
  });
});

describe("names that are also JavaScript object keys", () => {
  // The allowlist is keyed by channel, account and sender id; these keys would write onto prototypes.
  it.each([
    ["channel", { channel: "__proto__", senderId: "bob" }, /^Invalid channel: /],
    ["channel", { channel: "constructor", senderId: "bob" }, /^Invalid channel: /],
    ["account", { channel: "whatsapp", account: "__proto__", senderId: "bob" }, /^Invalid account: /],
    ["sender id", { channel: "whatsapp", senderId: "__proto__" }, /^Invalid sender id: /],
  ])("a reserved %s is refused and nothing leaks onto Object.prototype", async (_field, input, message) => {
    fresh();
    await expect(t.store.allowSender(input, "cli")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(message) });
    await expect(t.store.requestDmPairing(input)).rejects.toMatchObject({ code: "invalid_input" });
    expect(Object.hasOwn(Object.prototype, "default")).toBe(false);
    expect(Object.hasOwn(Object, "default")).toBe(false);
    expect((await t.store.read()).dm).toEqual({ requests: [], allowlist: {}, blocks: [] });
  });

  it("sender ids that merely look like object keys work like any other", async () => {
    fresh();
    for (const senderId of ["constructor", "toString", "hasOwnProperty", "prototype"]) {
      await t.store.allowSender({ channel: "whatsapp", senderId }, "cli");
      expect(await t.store.isAllowed("whatsapp", senderId)).toBe(true);
    }
    expect(await t.store.isAllowed("whatsapp", "valueOf")).toBe(false);
  });
});
