import { describe, expect, it } from "vitest";
import { PairbotError, decodeSetupCode, encodeSetupCode, gatewayUrls } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

const URL_ = "wss://gateway.example.com:18789";
const sample = { urls: [URL_], bootstrapToken: "q5N2yQ0m1c3zXvB8kP7wR4tL9sD6fH2gJ1aE0uY3iO8", expiresAt: "2026-11-21T12:10:00.000Z" };
const decoded = { ...sample, url: URL_, access: "full" };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const inside = (code: string) => JSON.parse(Buffer.from(code, "base64url").toString()) as Record<string, unknown>;
const caught = (f: () => unknown): unknown => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  }
};

describe("setup codes", () => {
  it("round-trip their urls, token, expiry and access, and hold nothing else; url is the first of urls", () => {
    const code = encodeSetupCode(sample);
    expect(decodeSetupCode(code)).toEqual(decoded);
    expect(Object.keys(inside(code))).toEqual(["url", "urls", "bootstrapToken", "expiresAt", "access"]);
  });

  it("from an older pairbot (one url, no urls, no access) still decode", () => {
    const old = encode({ url: "ws://192.168.1.20:18789", bootstrapToken: sample.bootstrapToken, expiresAt: sample.expiresAt });
    expect(decodeSetupCode(old)).toMatchObject({ url: "ws://192.168.1.20:18789", urls: ["ws://192.168.1.20:18789"], access: "limited" });
  });

  it("from the store carry the gateway URLs in order, the token, its expiry and the access they grant", async () => {
    const t = tempStore();
    try {
      const setup = await issueSetupCode(t.store);
      expect(inside(setup.setupCode)).toEqual({ url: "ws://192.168.1.20:18789", urls: ["ws://192.168.1.20:18789"], bootstrapToken: setup.bootstrapToken, expiresAt: "2026-11-21T12:10:00.000Z", access: "limited" });
      const two = await t.store.createSetupCode({ url: "ws://192.168.1.20:18789, wss://gw.example.com" }, "telegram:42");
      expect(two).toMatchObject({ url: "ws://192.168.1.20:18789", urls: ["ws://192.168.1.20:18789", "wss://gw.example.com"], access: "limited", role: "node", downgraded: false });
      expect(decodeSetupCode(two.setupCode)).toMatchObject({ urls: two.urls, access: "limited" });
    } finally {
      t.remove();
    }
  });

  it("tolerate surrounding whitespace from a paste", () => {
    expect(decodeSetupCode(`\n  ${encodeSetupCode(sample)}  \n`)).toEqual(decoded);
  });

  const damaged: Array<[string, string, RegExp]> = [
    ["non-base64url characters", "abc$def", /not base64url/],
    ["a cut-off code", encodeSetupCode(sample).slice(0, 40), /does not decode to JSON|does not hold/],
    ["JSON without a token", encode({ url: URL_, expiresAt: sample.expiresAt }), /bootstrapToken/],
    ["an extra field", encode({ url: URL_, ...sample, password: "hunter2" }), /does not hold/],
    ["a bad expiry", encode({ url: URL_, ...sample, expiresAt: "tomorrow" }), /expiresAt/],
    ["a short token", encode({ url: URL_, ...sample, bootstrapToken: "abc" }), /bootstrapToken/],
    ["a url that is not the first of urls", encode({ ...sample, url: "wss://other.example.com", urls: [URL_, "wss://other.example.com"] }), /not the first/],
    ["nine urls", encode({ ...sample, url: URL_, urls: Array.from({ length: 9 }, (_, i) => `wss://gw${i}.example.com`) }), /does not hold/],
  ];
  it.each(damaged)("refuse %s with a clear setup_code_invalid error", (_label, text, why) => {
    const error = caught(() => decodeSetupCode(text));
    expect(error).toBeInstanceOf(PairbotError);
    expect(error).toMatchObject({ code: "setup_code_invalid", message: expect.stringMatching(/^The setup code is damaged: [^;]+; copy it again from the \/pair message, whole\.$/) });
    expect((error as Error).message).toMatch(why);
  });

  it("an expired one says when it expired", () => {
    const code = encodeSetupCode(sample);
    expect(decodeSetupCode(code, Date.parse(sample.expiresAt) - 1)).toEqual(decoded);
    expect(() => decodeSetupCode(code, Date.parse(sample.expiresAt))).toThrow(expect.objectContaining({ code: "token_expired", message: expect.stringContaining(sample.expiresAt) }));
  });

  it.each(["ws://admin:hunter2@gateway.lan:18789", "wss://gateway.lan/?token=hunter2", "wss://gateway.lan/#hunter2", "http://gateway.lan", "http://admin:hunter2@gateway.lan", "gateway.lan:18789"])(
    "refuse the gateway URL %s, and never echo a password",
    async (url) => {
      expect(() => encodeSetupCode({ ...sample, urls: [url] })).toThrow(expect.objectContaining({ code: "invalid_input" }));
      expect(() => decodeSetupCode(encode({ ...sample, url, urls: undefined }))).toThrow(PairbotError);
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

describe("plain ws:// and access", () => {
  const allowed = [
    "ws://127.0.0.1:18789", "ws://localhost:18789", "ws://[::1]:18789", "ws://10.1.2.3:1", "ws://172.16.0.1:1", "ws://172.31.255.254:1",
    "ws://192.168.1.20:18789", "ws://169.254.10.1:1", "ws://[fd12:3456::1]:1", "ws://[fc00::1]:1", "ws://[fe80::1]:1", "ws://kitchen-pi.local:18789",
    "ws://[::ffff:192.168.1.20]:1", "wss://203.0.113.5:443", "wss://gateway.example.com",
  ];
  it.each(allowed)("%s is accepted", (url) => expect(gatewayUrls(url)).toHaveLength(1));

  const refused = ["ws://203.0.113.5:18789", "ws://172.32.0.1:1", "ws://gateway.example.com", "ws://raspberrypi:18789", "ws://[2001:db8::1]:1", "ws://local:1", "ws://[::ffff:8.8.8.8]:1"];
  it.each(refused)("%s is refused with a sentence that says to use wss://", (url) => {
    expect(caught(() => gatewayUrls(url))).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/plain ws:\/\/ would carry device tokens unencrypted across the internet; use wss:\/\//) });
  });

  it.each(["not a url", "http://gw", "wss://a:b@gw.example.com", "ws://gw.example.com", " , ", Array.from({ length: 9 }, (_, i) => `wss://gw${i}.example.com`).join(",")])(
    "%s is refused with one sentence ending in a full stop",
    (value) => expect((caught(() => gatewayUrls(value)) as Error).message).toMatch(/^[^\n]+[^.]\.$/),
  );

  it("a list is split on commas, checked whole, kept in order without repeats, at most 8", () => {
    expect(gatewayUrls(" ws://192.168.1.20:18789 , wss://gw.example.com,ws://192.168.1.20:18789 ")).toEqual(["ws://192.168.1.20:18789", "wss://gw.example.com"]);
    expect(caught(() => gatewayUrls("wss://gw.example.com,ws://gw.example.com"))).toMatchObject({ code: "invalid_input" });
    expect(caught(() => gatewayUrls(Array.from({ length: 9 }, (_, i) => `wss://gw${i}.example.com`).join(",")))).toMatchObject({ message: expect.stringContaining("at most 8") });
    expect(caught(() => gatewayUrls(" , "))).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^No gateway URL/) });
  });

  it.each([
    [["wss://gw.example.com"], "full"],
    [["ws://127.0.0.1:18789", "wss://gw.example.com"], "full"],
    [["ws://localhost:1"], "full"],
    [["ws://192.168.1.20:18789", "wss://gw.example.com"], "limited"],
    [["ws://kitchen-pi.local:1"], "limited"],
  ])("urls %j grant %s access", (urls, access) => expect(decodeSetupCode(encodeSetupCode({ ...sample, urls })).access).toBe(access));

  it("an encoder cannot claim full access for a LAN ws:// code", () => {
    expect(decodeSetupCode(encodeSetupCode({ ...sample, urls: ["ws://10.0.0.2:1"], access: "full" })).access).toBe("limited");
  });

  it("limited access downgrades an operator code to a node, and the store refuses an operator or scopes on it", async () => {
    const t = tempStore();
    try {
      const code = await t.store.createSetupCode({ url: "ws://192.168.1.20:18789", role: "operator" }, "telegram:42");
      expect(code).toMatchObject({ role: "node", access: "limited", downgraded: true });
      expect((await t.store.openSetupCodes())[0]).toMatchObject({ role: "node", access: "limited" });
      const token = decodeSetupCode(code.setupCode).bootstrapToken;
      const asOperator = await t.store.requestDevicePairing(deviceHello(token, newDeviceKey(), "operator", ["operator.read"])).catch((e: unknown) => e);
      expect(asOperator).toMatchObject({ code: "scope_denied", message: expect.stringMatching(/limited to a node with no scopes.*wss:\/\//) });
      expect(await t.store.requestDevicePairing(deviceHello(token, newDeviceKey()))).toMatchObject({ status: "pending" });

      const full = await t.store.createSetupCode({ url: "ws://127.0.0.1:18789, wss://gw.example.com", role: "operator" }, "telegram:42");
      expect(full).toMatchObject({ role: "operator", access: "full", downgraded: false });
      expect((await t.store.openSetupCodes()).find((c) => c.id === full.tokenId)).not.toHaveProperty("access");
    } finally {
      t.remove();
    }
  });
});
