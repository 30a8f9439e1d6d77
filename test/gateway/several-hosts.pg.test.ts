import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readWholeStore } from "../../src/store/index.js";
import { connectToGateway } from "../../src/node/client.js";
import { pairDevice } from "../../src/node/pairing.js";
import { loadNodeState } from "../../src/node/state.js";
import { netnsUnavailable } from "../support/netns.js";
import { terminateStoreConnections } from "../support/postgres-admin.js";
import { startSeveralHosts, until, type SeveralHosts } from "../support/several-hosts.js";
import { LineProcess, writerScript } from "../support/stress-processes.js";
import { TcpProxy } from "../support/tcp-proxy.js";

/** Pairbot on several hosts for real: the bot, two gateways and the CLI, each in a network namespace, one PostgreSQL store. */
const unavailable = process.env["PAIRBOT_TEST_POSTGRES"] ? netnsUnavailable() : "PAIRBOT_TEST_POSTGRES is not set";
if (unavailable) console.info(`Several-hosts tests skipped: ${unavailable} (they need root, ip netns and PAIRBOT_TEST_POSTGRES).`);

let world: SeveralHosts | undefined;
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
  await world?.stop();
  world = undefined;
});

const approveButton = (text: string) => (m: { text?: string; buttons: Array<{ text: string }> }) => (m.text ?? "").includes(text) && m.buttons.some((b) => b.text === "Approve");

describe.skipIf(unavailable)("several hosts share one PostgreSQL store", () => {
  it("a node pairs through gateway A, is approved in Telegram and connects through B; a sender on B approved from the CLI is let in on A", async () => {
    world = await startSeveralHosts();
    const { owner, hosts, say, cli, gatewayUrl } = world;

    // The owner asks the bot (on its own host) for a setup code; it names gateway A.
    owner.sends("/pair");
    const code = await owner.sees((m) => /^[A-Za-z0-9_-]{40,}$/.test(m.text ?? ""));
    const stateFile = path.join(world.dir, "kitchen-ipad.json");
    const pairing = pairDevice({ setupCode: code.text!, stateFile, name: "Kitchen iPad", platform: "ipados" });
    pairing.catch(() => undefined); // awaited below

    // Gateway A saved the request; the bot learns of it through the store and alerts the owner, who taps Approve.
    const alert = await owner.sees(approveButton("Kitchen iPad"));
    expect(await owner.taps(alert, "Approve")).toBeDefined();
    const paired = await pairing;
    expect(paired.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    paired.close();

    // The same device, with the token gateway A handed out, is let in by gateway B.
    const state = (await loadNodeState(stateFile))!;
    const session = await connectToGateway({ url: gatewayUrl(hosts.gwb), state, credentials: { deviceToken: state.deviceToken! } });
    expect(session).toMatchObject({ deviceId: paired.deviceId, role: "node" });
    session.close();

    // A WhatsApp stranger writes through gateway B: a code, and an alert in Telegram.
    const first = await say(hosts.gwb, "+491701112233", "hello?");
    expect(first).toMatchObject({ delivered: false, reason: "pairing", code: expect.any(String) });
    const dmAlert = await owner.sees(approveButton(first.code!));

    // The owner approves the code from the CLI on a fourth host; the bot's alert ends, and gateway A lets the sender in.
    const approved = await cli(["pairing", "approve", "whatsapp", first.code!]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain("Approved");
    await owner.sees((m) => m.message_id === dmAlert.message_id && m.buttons.length === 0);
    expect(await say(hosts.gwa, "+491701112233", "thanks!")).toEqual({ delivered: true });

    // Each process came from its own address, over its own path.
    expect([...world.pg.bot.clients]).toEqual([hosts.bot.address]);
    expect([...world.pg.gwa.clients]).toEqual([hosts.gwa.address]);
    expect([...world.pg.gwb.clients]).toEqual([hosts.gwb.address]);
    expect([...world.pg.cli.clients]).toEqual([hosts.cli.address]);
    // One alert per request: no host sent a second one.
    expect(owner.messages().filter((m) => (m.text ?? "").includes("Kitchen iPad") && m.text !== code.text).length).toBe(1);
  }, 90_000);

  it("PostgreSQL gone for two seconds under the bot, two gateways and writers: all reconnect and say so, nothing acknowledged is lost, each alert is sent once, a waiting device gets its token", async () => {
    world = await startSeveralHosts();
    const { owner, hosts, say, pg: cables } = world;

    // A device asks through gateway A and waits for the owner.
    owner.sends("/pair");
    const code = await owner.sees((m) => /^[A-Za-z0-9_-]{40,}$/.test(m.text ?? ""));
    const pairing = pairDevice({ setupCode: code.text!, stateFile: path.join(world.dir, "phone.json"), name: "Hall phone", platform: "android" });
    pairing.catch(() => undefined);
    const alert = await owner.sees(approveButton("Hall phone"));

    // Two writer processes on this host, through a cable of their own, one change every few milliseconds.
    const server = new URL(world.store);
    const writerCable = await TcpProxy.start("127.0.0.1", { host: server.hostname, port: Number(server.port || 5432) });
    cleanup.push(() => writerCable.close());
    const writerUrl = new URL(world.store);
    writerUrl.port = String(writerCable.address.port);
    const writers = [0, 1].map((i) => new LineProcess(writerScript(), [writerUrl.toString(), `w${i}`, "400", "allow", "5"]));
    cleanup.push(() => writers.forEach((w) => w.kill()));
    await Promise.all(writers.map((w) => w.ready));
    writers.forEach((w) => w.go());

    await Promise.all(writers.map((w) => w.until((p) => p.acks.length >= 10)));

    // The outage: every cable cut and every server connection ended; a sender writes to gateway B meanwhile.
    const all = [...Object.values(cables), writerCable];
    expect(await terminateStoreConnections(world.store)).toBeGreaterThan(0);
    all.forEach((c) => c.cut());
    const during = say(hosts.gwb, "+491709998877", "are you there?");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    all.forEach((c) => c.restore());

    // The sender's message waited for the store and got its code; the bot alerts the owner of it once.
    const late = await during;
    expect(late).toMatchObject({ delivered: false, reason: "pairing", code: expect.any(String) });
    await owner.sees(approveButton(late.code!));

    // The device still gets its token once the owner approves.
    await owner.taps(alert, "Approve");
    const paired = await pairing;
    expect(paired.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    paired.close();

    // Writers finished; every change they were told was saved is in the store.
    const exits = await Promise.all(writers.map((w) => w.exited));
    exits.forEach((exit, i) => expect(exit, writers[i]!.stderr).toEqual({ code: 0, signal: null }));
    for (const w of writers) expect(w.stderr).toMatch(/reconnecting with backoff/);
    const acknowledged = writers.flatMap((w) => w.acks.map((a) => a.key));
    expect(acknowledged).toHaveLength(800);
    const saved = (await readWholeStore(world.store)).dm.allowlist["stress"]?.["default"] ?? {};
    expect(acknowledged.filter((key) => !Object.hasOwn(saved, key))).toEqual([]);

    // Each long-running process said it lost the database and that it was back.
    for (const [name, p] of [["bot", world.bot], ["gateway A", world.gwa], ["gateway B", world.gwb]] as const) {
      await until(p, (out) => /reconnecting with backoff/.test(out) && /(connected|listening) again/.test(out), 20_000, `${name} reported the outage and the return`);
    }
    // One alert per request, however many times the feed woke up.
    const alertsFor = (text: string) => owner.messages().filter((m) => (m.text ?? "").includes(text) && m.message_id !== code.message_id);
    expect(alertsFor("Hall phone")).toHaveLength(1);
    expect(alertsFor(late.code!)).toHaveLength(1);
  }, 120_000);
});
