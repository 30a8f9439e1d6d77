import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SPAWNS_TIMEOUT, assertBuilt } from "../cli/run-pairbot.js";
import { botHarness, type BotHarness } from "../support/bot-harness.js";
import { EventStreamClient } from "../support/event-stream.js";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process.js";

/**
 * The sender's side, end to end: `pairbot gateway` as shipped, the real bot against the fake Telegram,
 * one store between them, and a channel adapter that posts messages and follows the event stream.
 */

let h: BotHarness | undefined;
let gw: GatewayProcess | undefined;
const streams: EventStreamClient[] = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await gw?.stop();
  await h?.close();
  gw = undefined;
  h = undefined;
});

const ANN = { senderId: "+491701234567", name: "Ann" };

async function start() {
  h = await botHarness({ notifier: true });
  h.clock.now = Date.now(); // the bot's clock and the gateway's agree on when codes expire
  gw = await startGatewayProcess([], {}, { storeFile: h.store.file });
  expect(gw.proc.lines.find((l) => l.startsWith("DM channels:"))).toContain("outcomes: GET .../channels/<channel>/events");
  const base = `${gw.httpUrl}/channels/whatsapp`;
  const adapter = {
    /** A message from a sender on WhatsApp, as the adapter posts it; resolves with the gateway's answer. */
    async posts(body: Record<string, unknown>) {
      const res = await fetch(`${base}/messages`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      return (await res.json()) as Record<string, unknown>;
    },
    /** Opens the channel's event stream, from now on or after the last id it has. */
    async follows(lastEventId?: string) {
      const stream = new EventStreamClient(`${base}/events`);
      streams.push(stream);
      await stream.open(lastEventId);
      expect(stream.status).toBe(200);
      return stream;
    },
  };
  return { h, gw, adapter };
}

describe("a stranger's outcome reaches them through the adapter's event stream", { timeout: SPAWNS_TIMEOUT }, () => {
  it("approve: the owner's alert shows the message; the stream delivers the notice and the held message", async () => {
    const { h, adapter } = await start();
    const events = await adapter.follows();
    const asked = await adapter.posts({ ...ANN, text: "Hello, it's Ann" });
    expect(asked).toMatchObject({ delivered: false, reason: "pairing", code: expect.any(String) });

    const alert = await h.owner.sees((m) => (m.text ?? "").includes("Hello, it's Ann") && m.buttons.some((b) => b.text === "Approve"));
    expect(alert.text).toContain("+491701234567");
    await h.owner.taps(alert, "Approve");

    const approved = await events.waitFor((e) => e.event === "dm.approved");
    expect(approved.data).toMatchObject({ channel: "whatsapp", senderId: ANN.senderId, name: "Ann", message: "Hello, it's Ann" });
    expect(approved.data["notice"]).toBe("You're in: the owner approved you, and the assistant on whatsapp answers you from now on.");
    expect(await adapter.posts({ ...ANN, text: "thanks!" })).toEqual({ delivered: true });
  });

  it("deny: the stream delivers the notice, in the sender's language", async () => {
    const { h, adapter } = await start();
    const events = await adapter.follows();
    await adapter.posts({ ...ANN, text: "Hallo, hier ist Ann", locale: "de" });
    const alert = await h.owner.sees((m) => (m.text ?? "").includes("Hallo, hier ist Ann") && m.buttons.some((b) => b.text === "Deny"));
    await h.owner.taps(alert, "Deny");

    const denied = await events.waitFor((e) => e.event === "dm.denied");
    expect(denied.data).toMatchObject({ senderId: ANN.senderId, notice: "Der Besitzer hat deine Anfrage abgelehnt, diesem Assistenten zu schreiben." });
    expect(denied.data).not.toHaveProperty("message");
  });

  it("block: the stream delivers the notice, and the sender's next messages file nothing and alert no one", async () => {
    const { h, adapter } = await start();
    const events = await adapter.follows();
    await adapter.posts({ ...ANN, text: "buy cheap followers" });
    const alert = await h.owner.sees((m) => (m.text ?? "").includes("buy cheap followers") && m.buttons.some((b) => b.text === "Deny & block"));
    await h.owner.taps(alert, "Deny & block");

    const blocked = await events.waitFor((e) => e.event === "dm.blocked");
    expect(blocked.data).toMatchObject({ senderId: ANN.senderId, notice: "The owner declined your request. This assistant will not answer you." });
    await h.owner.sees((m) => m.message_id === alert.message_id && m.buttons.length === 0);
    const alertsBefore = h.owner.messages().length;
    expect(await adapter.posts({ ...ANN, text: "please?" })).toMatchObject({ delivered: false, reason: "blocked" });
    expect(await adapter.posts({ ...ANN, text: "please!!" })).toMatchObject({ delivered: false, reason: "blocked" });

    // Another stranger's request is the next thing the owner and the adapter hear of: nothing came between.
    await adapter.posts({ senderId: "+491709999999", name: "Bob", text: "Bob here" });
    await h.owner.sees((m) => (m.text ?? "").includes("Bob here"));
    const since = h.owner.messages().slice(alertsBefore).map((m) => m.text ?? "");
    expect(since).toEqual([expect.stringContaining("Bob here")]);
    expect(since[0]).not.toContain("please");
    const bob = await events.waitFor((e) => e.data["senderId"] === "+491709999999");
    expect(events.events.slice(events.events.indexOf(blocked) + 1)).toEqual([bob]);
  });

  it("approve for 24 h: the notice says until when; when the time is up, access ends and dm.revoked reaches the adapter", async () => {
    const { h, adapter } = await start();
    const events = await adapter.follows();
    await adapter.posts({ ...ANN, text: "Hello, it's Ann" });
    const alert = await h.owner.sees((m) => (m.text ?? "").includes("Hello, it's Ann") && m.buttons.some((b) => b.text === "Approve for 24 h"));
    await h.owner.taps(alert, "Approve for 24 h");

    const approved = await events.waitFor((e) => e.event === "dm.approved");
    const until = approved.data["until"] as string;
    expect(Date.parse(until) - h.clock.now).toBeGreaterThan(23.9 * 3_600_000);
    expect(approved.data).toMatchObject({ message: "Hello, it's Ann", notice: expect.stringMatching(/^You're in until \w{3} \d{1,2}, \d{4}, \d\d:\d\d UTC: the owner approved you/) });
    expect(await adapter.posts({ ...ANN, text: "thanks!" })).toEqual({ delivered: true });

    h.clock.advance(24 * 3_600_000 + 60_000);
    await h.store.prune(); // what the bot's expiry timer does when the time is up
    const revoked = await events.waitFor((e) => e.event === "dm.revoked");
    expect(revoked.data).toMatchObject({ senderId: ANN.senderId, reason: "expired", notice: "Your access to this assistant on whatsapp has ended." });
    expect(await adapter.posts({ ...ANN, text: "still there?" })).toMatchObject({ delivered: false });
  });

  it("an adapter that reconnects with Last-Event-ID gets what happened while it was away, nothing twice", async () => {
    const { h, adapter } = await start();
    const first = await adapter.follows();
    await adapter.posts({ ...ANN, text: "Hello, it's Ann" });
    await first.waitFor((e) => e.event === "dm.requested");
    first.close(); // the adapter restarts

    const alert = await h.owner.sees((m) => (m.text ?? "").includes("Hello, it's Ann") && m.buttons.some((b) => b.text === "Approve"));
    await h.owner.taps(alert, "Approve");
    await h.owner.sees((m) => m.message_id === alert.message_id && m.buttons.length === 0);
    await adapter.posts({ senderId: "+491709999999", name: "Bob", text: "Bob here" });

    const again = await adapter.follows(first.lastId);
    await again.waitFor((e) => e.data["senderId"] === "+491709999999");
    const seen = [...first.events, ...again.events];
    expect(seen.map((e) => `${e.event} ${e.data["senderId"]}`)).toEqual(["dm.requested +491701234567", "dm.approved +491701234567", "dm.requested +491709999999"]);
    expect(seen.map((e) => Number(e.id))).toEqual([1, 2, 3].map((n) => Number(first.events[0]!.id) + n - 1));
    expect(again.events[0]!.data).toMatchObject({ message: "Hello, it's Ann", notice: expect.stringMatching(/^You're in/) });

    await gw!.stop(); // SIGTERM: the stream ends cleanly, and the adapter would reconnect with its last id
    gw = undefined;
    await again.until((c) => c.ended);
    expect(again.completed).toBe(true);
  });
});
