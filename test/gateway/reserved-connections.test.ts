import { writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { KnownClients } from "../../src/gateway/known-clients.js";
import { connectDevice, pairDevice } from "../../src/node/pairing.js";
import { SPAWNS_TIMEOUT, assertBuilt } from "../cli/run-pairbot.js";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process.js";
import { TestClock } from "../support/temp-store.js";

/**
 * Connections held in reserve: when strangers fill the gateway's total, this machine and addresses whose
 * device or adapter proved a token still get in. Strangers must come from an address that is not
 * loopback: this machine's own LAN addresses (an IPv4 one for strangers, an IPv6 one for the adapter).
 */
let gw: GatewayProcess | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const lanAddress = (family: "IPv4" | "IPv6"): string | undefined =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === family && !a.address.startsWith("fe80"))?.address;

/** A socket that connects and sends nothing: it counts against the total from its first byte. */
function idleSocket(host: string, port: number) {
  const socket = net.connect({ host, port });
  socket.on("error", () => undefined);
  let open = true;
  let settled = false;
  socket.on("close", () => (open = false));
  socket.on("connect", () => setTimeout(() => (settled = true), 200)); // a dropped socket closes at once
  return { socket, isOpen: () => open, settled: () => settled || !open };
}

const TOKEN = "reserve-test-token-0123456789";

describe("reserved connections (the shipped binary)", { timeout: SPAWNS_TIMEOUT }, () => {
  it("strangers filling the total leave room for this machine and for an adapter that proved its token", async (context) => {
    const strangerHost = lanAddress("IPv4");
    const adapterHost = lanAddress("IPv6");
    if (!strangerHost || !adapterHost) return context.skip(); // no LAN addresses to tell strangers from known clients
    const tokens = path.join(os.tmpdir(), `pairbot-reserve-${process.pid}.tokens`);
    writeFileSync(tokens, `${TOKEN}\n`);
    // 32 in all, 4 held in reserve (an eighth); one stranger address may take them all but the reserve.
    gw = await startGatewayProcess(["--host", "::", "--max-connections", "32", "--max-connections-per-address", "100", "--channel-token-file", tokens]);
    const port = Number(new URL(gw.url.replace("[::]", "localhost")).port);
    const post = (host: string, senderId: string) =>
      fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/channels/whatsapp/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ senderId, text: "hi" }),
      }).then((r) => r.status);

    // Before the flood: the adapter proves its token from its address; a device pairs from this machine.
    expect(await post(adapterHost, "+4917000")).toBe(200);
    const stateFile = path.join(gw.dir, "node.json");
    const setupCode = (await gw.owner.createSetupCode({ url: `ws://127.0.0.1:${port}` }, "telegram:1")).setupCode;
    (await pairDevice({ setupCode, stateFile, onPending: (id) => void gw!.owner.approveDevice(id, "telegram:1") })).close();

    const strangers = Array.from({ length: 40 }, () => idleSocket(strangerHost, port));
    await expect.poll(() => strangers.every((s) => s.settled()), { timeout: 5000 }).toBe(true);
    // 28 for strangers, less the sockets still open from before (the adapter's kept-alive connection).
    const held = strangers.filter((s) => s.isOpen()).length;
    expect(held).toBeGreaterThanOrEqual(24);
    expect(held).toBeLessThanOrEqual(28);

    // The total is reached for strangers; the reserve lets the adapter, a local post and the device in.
    expect(await post(adapterHost, "+4917001")).toBe(200);
    expect(await post("127.0.0.1", "+4917002")).toBe(200);
    const session = await connectDevice({ stateFile });
    expect(session.deviceId).toBeTruthy();
    session.close();
    // Still full for strangers (their sockets were not dropped meanwhile, so the above proves the reserve).
    const late = idleSocket(strangerHost, port);
    await expect.poll(() => late.isOpen(), { timeout: 3000 }).toBe(false);
    expect(strangers.filter((s) => s.isOpen()).length).toBe(held);
    for (const s of strangers) s.socket.destroy();
  });
});

describe("known clients", () => {
  it("are this machine and addresses that proved a token within the hour; never a trusted proxy", () => {
    const clock = new TestClock();
    const known = new KnownClients(clock.fn, new Set(["10.0.0.1", "127.0.0.1"]));
    expect(known.mayUseReserve("::1")).toBe(true);
    expect(known.mayUseReserve("127.0.0.1")).toBe(false); // a proxy on this machine carries strangers too
    expect(known.mayUseReserve("203.0.113.5")).toBe(false);
    known.vouch("::ffff:203.0.113.5");
    known.vouch("2001:db8:1:2::7");
    known.vouch("10.0.0.1");
    expect(known.mayUseReserve("203.0.113.5")).toBe(true);
    expect(known.mayUseReserve("2001:db8:1:2::99")).toBe(true); // the same /64
    expect(known.mayUseReserve("10.0.0.1")).toBe(false);
    clock.now += 60 * 60_000;
    expect(known.mayUseReserve("203.0.113.5")).toBe(false);
  });
});
