import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../src/gateway/server.js";
import { connectDevice, pairDevice } from "../../src/node/pairing.js";
import { NodeError } from "../../src/node/client.js";
import { botHarness, type BotHarness } from "../support/bot-harness.js";
import { freePort } from "../support/free-port.js";

/** The whole story on loopback: fake Telegram, the real bot with its notifications, the gateway, the node. */

let h: BotHarness | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  await h?.close();
  gateway = undefined;
  h = undefined;
});

async function start() {
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  h = await botHarness({ notifier: true, env: { GATEWAY_URL: url } });
  gateway = createGateway({ store: h.store, port });
  await gateway.listen();
  return { h, gateway, url, stateFile: (name: string) => path.join(h!.store.file, "..", `${name}.json`) };
}

describe("end to end: Telegram owner, bot, gateway, node", () => {
  it("pairs a device from /pair to an authenticated session, refuses a second device, and closes on revoke", async () => {
    const { h, stateFile } = await start();
    const [, codeMessage] = await h.owner.sendsFor("/pair", 2);
    const setupCode = codeMessage!.text!;
    const now = h.clock.now; // the store runs on the harness's manual clock

    const askedAt = Date.now();
    const pairing = pairDevice({ setupCode, stateFile: stateFile("ipad"), name: "Kitchen iPad", platform: "ipados", now });
    pairing.catch(() => undefined); // awaited below; a failure before then must not go unhandled

    const alert = await h.owner.sees((m) => (m.text ?? "").includes("Kitchen iPad") && m.buttons.some((b) => b.text === "Approve"));
    expect(Date.now() - askedAt).toBeLessThan(1000); // the promise: the owner knows within a second

    // The same setup code from another device, while the first waits: refused.
    const intruder = await pairDevice({ setupCode, stateFile: stateFile("intruder"), name: "Other", now }).catch((e: unknown) => e);
    expect(intruder).toBeInstanceOf(NodeError);
    expect(intruder).toMatchObject({ code: "token_bound" });

    await h.owner.taps(alert, "Approve");
    const paired = await pairing;
    expect(paired.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    paired.close();
    const session = await connectDevice({ stateFile: stateFile("ipad") });
    expect(session).toMatchObject({ deviceId: paired.deviceId, role: "node" });

    // Once used, the setup code is spent for everyone.
    const late = await pairDevice({ setupCode, stateFile: stateFile("late"), now }).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: "token_invalid" });

    const question = await h.owner.sends(`/pair revoke ${paired.deviceId}`);
    await h.owner.taps(question, "Yes, revoke");
    expect(await session.ended).toMatchObject({ code: "revoked" });
    expect(await connectDevice({ stateFile: stateFile("ipad") }).catch((e: unknown) => e)).toMatchObject({ code: "token_invalid" });
  });

  it("lets a WhatsApp stranger in: a code, the owner's alert, Approve, and the next message is delivered", async () => {
    const { h, url } = await start();
    const channel = `${url.replace(/^ws/, "http")}/channels/whatsapp/messages`;
    const say = async (text: string) =>
      (await (await fetch(channel, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ senderId: "+491701234567", name: "Ann <Mü&ller>", text }) })).json()) as Record<string, unknown>;

    const first = await say("hello, is this the assistant?");
    expect(first).toMatchObject({ delivered: false, reason: "pairing", code: expect.any(String) });
    expect(first["reply"]).toContain(first["code"]);

    const alert = await h.owner.sees((m) => (m.text ?? "").includes(first["code"] as string) && m.buttons.some((b) => b.text === "Approve"));
    expect(alert.text).toContain("Ann <Mü&ller>");
    await h.owner.taps(alert, "Approve");
    await h.owner.sees((m) => m.message_id === alert.message_id && m.buttons.length === 0);

    expect(await say("thanks!")).toEqual({ delivered: true });
  });
});
