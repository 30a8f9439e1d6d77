import { afterEach, describe, expect, it } from "vitest";
import { addressGroup, clientAddress } from "../../src/gateway/addresses.js";
import { RawClient, deviceKey, halfHeaders, refusal, silentSocket, startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

const within = <T>(ms: number, work: Promise<T>): Promise<T | "still open"> =>
  Promise.race([work, new Promise<"still open">((resolve) => setTimeout(() => resolve("still open"), ms))]);

/** A device guessing a bootstrap token; `headers` as a reverse proxy would add them. */
async function guess(headers: Record<string, string> = {}) {
  const client = new RawClient(gw.url, headers);
  await client.hello(deviceKey(), { bootstrapToken: "G".repeat(43) }).catch(() => undefined);
  return (await refusal(client)).code;
}

describe("connections that hold sockets without speaking", () => {
  it("an upgraded socket that never says hello and ignores the close is dropped at the hello timeout", async () => {
    gw = await startGateway({ helloTimeoutMs: 300 });
    const silent = silentSocket(gw.url);
    expect(await within(3000, silent.closed)).toBeLessThan(1500);
    expect(silent.received()).toContain("handshake_timeout");
  });

  it("half-sent HTTP headers are given up on within seconds", async () => {
    gw = await startGateway({ headersTimeoutMs: 500 });
    expect(await within(4000, halfHeaders(gw.httpUrl).closed)).toBeLessThan(3000);
  });
});

describe("connection limits", () => {
  it("one address gets a fixed number of sockets; another address still gets in", async () => {
    gw = await startGateway({ limits: { maxConnectionsPerAddress: 3 } });
    const held = Array.from({ length: 5 }, () => silentSocket(gw.url));
    const dropped = await Promise.all(held.map((s) => within(1000, s.closed)));
    expect(dropped.filter((d) => d !== "still open")).toHaveLength(2);
    expect(held.filter((s) => s.upgraded())).toHaveLength(3);
    const other = silentSocket(gw.url, "127.0.0.2");
    expect(await within(500, other.closed)).toBe("still open");
    expect(other.upgraded()).toBe(true);
    expect(gw.gateway.stats().dropped).toEqual({ total: 0, perAddress: 2 });
    other.socket.destroy();
    for (const s of held) s.socket.destroy();
  });

  it("past the total limit every new socket is dropped, whatever its address", async () => {
    gw = await startGateway({ limits: { maxConnections: 3 } });
    const held = Array.from({ length: 3 }, () => silentSocket(gw.url));
    await Promise.all(held.map((s) => within(300, s.closed)));
    const late = silentSocket(gw.url, "127.0.0.2");
    expect(await within(1000, late.closed)).not.toBe("still open");
    expect(gw.gateway.stats().dropped.total).toBe(1);
    for (const s of held) s.socket.destroy();
  });

  it("caps the connections from one address that wait to say hello", async () => {
    gw = await startGateway({ limits: { maxHandshakesPerAddress: 2 } });
    const waiting = [new RawClient(gw.url), new RawClient(gw.url)];
    await Promise.all(waiting.map((c) => c.challenge()));
    expect(await refusal(new RawClient(gw.url))).toEqual({ code: "throttled", closeCode: 4029 });
    for (const c of waiting) c.close();
  });
});

describe("the throttle", () => {
  it("is checked again when the hello arrives: connections opened at once do not all get to guess", async () => {
    gw = await startGateway();
    const clients = Array.from({ length: 8 }, () => new RawClient(gw.url));
    const nonces = await Promise.all(clients.map((c) => c.challenge()));
    const codes: unknown[] = [];
    for (const [i, client] of clients.entries()) {
      const key = deviceKey();
      client.send({ type: "hello", publicKey: key.publicKey, signature: key.sign(nonces[i]!), name: "P", platform: "ios", bootstrapToken: "G".repeat(43) });
      codes.push((await refusal(client)).code);
    }
    expect(codes).toEqual([...Array(6).fill("token_invalid"), "throttled", "throttled"]);
  });

  it("believes X-Forwarded-For only from a proxy named in --trust-proxy", async () => {
    gw = await startGateway({ trustedProxies: new Set(["127.0.0.1"]) });
    for (let i = 0; i < 7; i++) await guess({ "X-Forwarded-For": "203.0.113.5" });
    expect(await guess({ "X-Forwarded-For": "203.0.113.5" })).toBe("throttled");
    expect(await guess({ "X-Forwarded-For": "203.0.113.6" })).toBe("token_invalid");
    await gw.stop();

    gw = await startGateway();
    for (let i = 0; i < 7; i++) await guess({ "X-Forwarded-For": "203.0.113.5" });
    expect(await guess({ "X-Forwarded-For": "203.0.113.6" })).toBe("throttled"); // the header is ignored
  });

  it("counts an IPv6 /64 as one address, and IPv4-mapped addresses as IPv4", () => {
    expect(addressGroup("2001:db8:1:2::1")).toBe(addressGroup("2001:db8:1:2:ffff:ffff:ffff:fffe"));
    expect(addressGroup("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressGroup("2001:db8:1:3::1")).not.toBe(addressGroup("2001:db8:1:2::1"));
    expect(addressGroup("::1")).toBe("0:0:0:0::/64");
    expect(addressGroup("::ffff:203.0.113.5")).toBe("203.0.113.5");
    const trusted = new Set(["10.0.0.1"]);
    expect(clientAddress("10.0.0.1", "198.51.100.7, 10.0.0.1", trusted).address).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", "198.51.100.7", trusted).address).toBe("10.0.0.2");
  });
});
