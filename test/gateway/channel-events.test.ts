import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAdapterTokens } from "../../src/gateway/channel-auth.js";
import { EventStreamClient } from "../support/event-stream.js";
import { createGateway } from "../../src/gateway/server.js";
import { tempDir, tempStore, uncapped } from "../support/temp-store.js";
import { startGateway, type TestGateway } from "./helpers.js";

/** GET /channels/<channel>/events: what a channel adapter follows to tell senders the outcome. */

let gw: TestGateway | undefined;
const clients: EventStreamClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await gw?.stop();
  gw = undefined;
});

const follow = async (channel: string, options: { since?: number; lastEventId?: string; headers?: Record<string, string> } = {}) => {
  const query = options.since === undefined ? "" : `?since=${options.since}`;
  const client = new EventStreamClient(`${gw!.httpUrl}/channels/${channel}/events${query}`, options.headers);
  clients.push(client);
  return client.open(options.lastEventId);
};

const post = async (channel: string, body: Record<string, unknown>) => {
  const res = await fetch(`${gw!.httpUrl}/channels/${channel}/messages`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
};

describe("the channel event stream", () => {
  it("streams the channel's request and its approval, with the notice in the sender's language and the held message", async () => {
    gw = await startGateway();
    const stream = await follow("whatsapp");
    expect(stream.status).toBe(200);
    const asked = await post("whatsapp", { senderId: "+491701234567", name: "Ann", text: "Hello, it's Ann", locale: "de-AT" });
    await post("signal", { senderId: "+15550001", text: "not on whatsapp" });
    await gw.owner.approveDm({ channel: "whatsapp", codeOrSender: asked["code"] as string }, "telegram:1");

    const approved = await stream.waitFor((e) => e.event === "dm.approved");
    expect(approved.data).toMatchObject({ type: "dm.approved", channel: "whatsapp", account: "default", senderId: "+491701234567", name: "Ann", locale: "de-AT", message: "Hello, it's Ann" });
    expect(approved.data["notice"]).toBe("Du bist drin: Der Besitzer hat dich freigegeben, der Assistent auf whatsapp antwortet dir ab jetzt.");
    expect(approved.id).toBe(String(approved.data["seq"]));
    expect(stream.events.map((e) => e.event)).toEqual(["dm.requested", "dm.approved"]);
    expect(stream.events.every((e) => e.data["channel"] === "whatsapp")).toBe(true);
    expect(JSON.stringify(stream.events)).not.toContain(asked["code"] as string); // the code stays the sender's secret
  });

  it("tells a denied sender, in the gateway's language when the sender's is unknown", async () => {
    gw = await startGateway({ locale: "ru" });
    const stream = await follow("whatsapp");
    await post("whatsapp", { senderId: "+491701234567", text: "hi" });
    await gw.owner.denyDm({ channel: "whatsapp", codeOrSender: "+491701234567" }, "telegram:1");
    const denied = await stream.waitFor((e) => e.event === "dm.denied");
    expect(denied.data["notice"]).toMatch(/^Владелец отклонил/);
    expect(denied.data).not.toHaveProperty("message");
  });

  it("resumes after Last-Event-ID with every event missed while away, and none twice", async () => {
    gw = await startGateway();
    const first = await follow("whatsapp");
    await post("whatsapp", { senderId: "+4911", text: "one" });
    await first.waitFor((e) => e.event === "dm.requested");
    first.close();
    const lastId = first.lastId!;

    await post("whatsapp", { senderId: "+4922", text: "two" });
    await gw.owner.approveDm({ channel: "whatsapp", codeOrSender: "+4911" }, "cli:test");
    await gw.owner.denyDm({ channel: "whatsapp", codeOrSender: "+4922" }, "cli:test");

    const again = await follow("whatsapp", { since: 0, lastEventId: lastId }); // Last-Event-ID wins over ?since=
    await again.waitFor((e) => e.event === "dm.denied");
    await post("whatsapp", { senderId: "+4933", text: "three" });
    await again.waitFor((e) => e.data["senderId"] === "+4933");
    const seqs = [...first.events, ...again.events].map((e) => e.data["seq"] as number);
    expect(seqs).toEqual([1, 2, 3, 4, 5].map((n) => seqs[0]! + n - 1));
    expect(again.events.map((e) => `${e.event} ${e.data["senderId"]}`)).toEqual(["dm.requested +4922", "dm.approved +4911", "dm.denied +4922", "dm.requested +4933"]);
  });

  it("misses nothing and doubles nothing while events arrive as the stream opens", async () => {
    gw = await startGateway({ policy: uncapped() });
    const writing = (async () => {
      for (let i = 0; i < 12; i++) await post("whatsapp", { senderId: `+49100${i}`, text: "hi" });
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stream = await follow("whatsapp", { since: 0 });
    await writing;
    await stream.until((c) => c.events.length >= 12 || c.ended);
    expect(stream.events.map((e) => e.data["seq"])).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it("many streams at once each get every event of their channel, once and in order, from one watch of the store", async () => {
    gw = await startGateway({ policy: uncapped(), limits: { maxConnectionsPerAddress: 200 } });
    const watch = gw.store.watch.bind(gw.store);
    let watches = 0;
    gw.store.watch = (...args) => ((watches += 1), watch(...args));
    const channels = ["whatsapp", "signal"];
    await post("whatsapp", { senderId: "+49000", text: "before any stream" });
    const writing = (async () => {
      for (let i = 0; i < 10; i++) for (const channel of channels) await post(channel, { senderId: `+49${i}`, text: "hi" });
    })();
    // Opened while events arrive: from the start (?since=0) and from now on, on both channels.
    const streams = await Promise.all(Array.from({ length: 40 }, (_, i) => follow(channels[i % 2]!, i % 4 < 2 ? { since: 0 } : {})));
    await writing;
    for (const channel of channels) await post(channel, { senderId: "+49last", text: "after every stream opened" });
    const expected = (channel: string) => (channel === "whatsapp" ? 12 : 11);
    for (const [i, stream] of streams.entries()) {
      const channel = channels[i % 2]!;
      const fromStart = i % 4 < 2;
      await stream.until((c) => c.events.at(-1)?.data["senderId"] === "+49last" || c.ended);
      const seqs = stream.events.map((e) => e.data["seq"] as number);
      expect(stream.events.every((e) => e.data["channel"] === channel)).toBe(true);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      if (fromStart) expect(seqs).toHaveLength(expected(channel));
    }
    // Every stream from now on ends with the same events as the streams from the start: each missed nothing since it opened.
    for (const [i, stream] of streams.entries()) {
      const fromStart = streams[i % 2]!.events.map((e) => e.data["seq"]);
      expect(fromStart.slice(fromStart.length - stream.events.length)).toEqual(stream.events.map((e) => e.data["seq"]));
    }
    expect(watches).toBe(1);
  });

  it("replays every kept event with ?since=0, and answers an id older than what is kept with 410 and a sentence", async () => {
    gw = await startGateway({ policy: { ...uncapped(), eventLimit: 3 } });
    for (const id of ["+1", "+2", "+3", "+4"]) await post("whatsapp", { senderId: id, text: "hi" });
    const kept = await follow("whatsapp", { since: 1 });
    await kept.until((c) => c.events.length === 3);
    expect(kept.events.map((e) => e.data["senderId"])).toEqual(["+2", "+3", "+4"]);

    const pruned = await follow("whatsapp", { lastEventId: "0" });
    expect(pruned.status).toBe(410);
    expect(JSON.parse(pruned.body)).toMatchObject({ code: "events_pruned", error: expect.stringMatching(/^Events after 0 are no longer all kept/) });
  });

  it("from now on starts after the newest saved event: an expiry that is saved later still arrives", async () => {
    const temp = tempStore();
    temp.clock.now = Date.now();
    const gateway = createGateway({ store: temp.store, port: 0 });
    try {
      const base = (await gateway.listen()).replace(/^ws/, "http");
      await temp.store.requestDmPairing({ channel: "whatsapp", senderId: "+4911", actor: "adapter:loopback" });
      temp.clock.advance(2 * 3_600_000); // the code has expired; no change has pruned it yet
      const stream = new EventStreamClient(`${base}/channels/whatsapp/events`);
      clients.push(stream);
      await stream.open();
      expect(stream.comments).toContain("following whatsapp after event 1");
      await temp.store.prune();
      const expired = await stream.waitFor((e) => e.event === "dm.expired");
      expect(expired.data).toMatchObject({ seq: 2, senderId: "+4911", notice: expect.stringMatching(/^Your pairing code expired/) });
    } finally {
      await gateway.close();
      temp.remove();
    }
  });

  it("refuses a bad Last-Event-ID or since with 400, and other methods with 405", async () => {
    gw = await startGateway();
    const bad = await follow("whatsapp", { lastEventId: "twelve" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/^Invalid Last-Event-ID "twelve": give the seq of the last event you have/);
    expect((await follow("whatsapp", { since: -1 as number })).status).toBe(400);
    expect((await fetch(`${gw.httpUrl}/channels/whatsapp/events`, { method: "POST", body: "{}" })).status).toBe(405);
  });
});

describe("who may follow a channel's events", () => {
  it("with a token file: the channel's token or an unbound one, else 401 before anything is streamed", async () => {
    const folder = tempDir("pairbot-evtok-");
    const file = path.join(folder.dir, "tokens");
    writeFileSync(file, "whatsapp:whatsapp-token-0123456789\nsignal:signal-token-0123456789\nshared-token-0123456789\n");
    gw = await startGateway({ adapterTokens: loadAdapterTokens(file) });
    folder.remove();
    const auth = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
    expect((await follow("whatsapp")).status).toBe(401);
    expect((await follow("whatsapp", auth("signal-token-0123456789"))).status).toBe(401);
    expect((await follow("whatsapp", auth("whatsapp-token-0123456789"))).status).toBe(200);
    expect((await follow("whatsapp", auth("shared-token-0123456789"))).status).toBe(200);
    expect(gw.gateway.stats().messages.unauthorized).toBe(2);
  });

  it("without a token file: only clients on the gateway's machine", async () => {
    gw = await startGateway({ trustedProxies: new Set(["127.0.0.1"]) });
    expect((await follow("whatsapp", { headers: { "X-Forwarded-For": "::1" } })).status).toBe(200);
    expect((await follow("whatsapp")).status).toBe(403); // the proxy names nobody: may be anyone
    const far = await follow("whatsapp", { headers: { "X-Forwarded-For": "203.0.113.7" } });
    expect(far.status).toBe(403);
    expect(JSON.parse(far.body).error).toMatch(/only from its own machine/);
  });
});

describe("event streams and the gateway's life", () => {
  it("keeps an idle stream open with comments, counts it, logs it, and forgets it when the client leaves", async () => {
    gw = await startGateway({ eventHeartbeatMs: 50 });
    const stream = await follow("whatsapp");
    await stream.until((c) => c.comments.filter((line) => line === "keep-alive").length >= 2);
    expect(gw.gateway.stats().eventStreams).toBe(1);
    stream.close();
    await waitUntil(() => gw!.gateway.stats().eventStreams === 0);
    const logged = gw.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => String(l["msg"]).startsWith("event stream"));
    expect(logged).toEqual([
      { channel: "whatsapp", adapter: "adapter:loopback", after: 0, msg: "event stream opened" },
      { channel: "whatsapp", adapter: "adapter:loopback", sent: 0, msg: "event stream closed" },
    ]);
  });

  it("counts each open stream against the connection limits", async () => {
    gw = await startGateway({ limits: { maxConnectionsPerAddress: 2 } });
    await follow("whatsapp");
    await follow("signal");
    await expect(follow("slack")).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(gw.gateway.stats().dropped.perAddress).toBe(1);
  });

  it("ends every stream cleanly when the gateway stops", async () => {
    gw = await startGateway();
    const streams = [await follow("whatsapp"), await follow("signal")];
    await gw.stop();
    for (const s of streams) await s.until((c) => c.ended);
    expect(streams.map((s) => s.completed)).toEqual([true, true]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
