import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectToGateway } from "../../src/node/client.js";
import { pairDevice } from "../../src/node/pairing.js";
import { loadNodeState } from "../../src/node/state.js";
import { netnsUnavailable } from "../support/netns.js";
import { startSeveralHosts, type SeveralHosts } from "../support/several-hosts.js";

/** Pairbot on several hosts for real: the bot, two gateways and the CLI, each in a network namespace, one PostgreSQL store. */
const unavailable = process.env.PAIRBOT_TEST_POSTGRES ? netnsUnavailable() : "PAIRBOT_TEST_POSTGRES is not set";
if (unavailable) console.info(`Several-hosts tests skipped: ${unavailable} (they need root, ip netns and PAIRBOT_TEST_POSTGRES).`);

let world: SeveralHosts | undefined;
afterEach(async () => {
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
});
