import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { botHarness, STRANGER, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
beforeEach(async () => {
  h = await botHarness();
});
afterEach(() => h.close());

describe("only the owner", () => {
  it("a stranger gets one short 'private' reply per run, and never a code, a list or a change", async () => {
    await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917", name: "Jo" });
    const stranger = h.person(STRANGER);
    const reply = await stranger.sends("/pair");
    expect(reply.text).toBe(`This bot is private. (Your Telegram user id is ${STRANGER.id}.)`);
    for (const text of ["/pair pending", "/pair approve", "/pair cleanup", "/pair notify off", "/start"]) h.telegram.userSends(STRANGER, text);
    await h.owner.sends("/help"); // the owner's update comes after the stranger's: they have all been handled
    expect(stranger.messages()).toHaveLength(1);
    const doc = await h.store.read();
    expect(doc.devices.bootstrapTokens).toEqual([]);
    expect(doc.owners).toEqual({});
    expect(doc.dm.requests).toHaveLength(1);
  });

  it("a stranger pressing a real Approve button gets an empty answer and approves nothing", async () => {
    const dm = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917", name: "Jo" });
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    const stranger = h.person(STRANGER);
    expect(await stranger.presses(card!, `dm:ok:${dm.id}`)).toBeUndefined();
    expect(await stranger.presses(card!, `dm:day:${dm.id}`)).toBeUndefined();
    expect(await stranger.presses(card!, `dm:blk:${dm.id}`)).toBeUndefined();
    expect(await h.store.isAllowed("whatsapp", "+4917")).toBe(false);
    expect((await h.store.pending()).dm).toHaveLength(1);
    expect(h.telegram.chat(h.owner.user.id).find((m) => m.message_id === card!.message_id)?.buttons).toHaveLength(4);
  });

  it("a forged or unknown button from the owner is answered and changes nothing", async () => {
    const dm = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917", name: "Jo" });
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    expect(await h.owner.presses(card!, "dm:ok:../../etc")).toBe("This button has expired: nothing changed.");
    expect(await h.owner.presses(card!, `dm:ok:${dm.id}:x`)).toBe("This button has expired: nothing changed.");
    expect(await h.owner.presses(card!, "dv:ok:AAAAAAAAAAAA")).toBe("Already handled or expired: nothing changed.");
    expect(await h.owner.presses(card!, "ask:zzz:yes")).toBe("This button has expired: nothing changed.");
    expect((await h.store.pending()).dm).toHaveLength(1);
  });

  it("ignores messages sent on behalf of a chat, and the owner's messages in groups", async () => {
    const channel = { id: -100777, type: "channel" as const, title: "News" };
    h.telegram.userSends(h.owner.user, "/pair", { senderChat: channel });
    h.telegram.userSends(h.owner.user, "/pair", { id: -100123, type: "supergroup", title: "Team" });
    const help = await h.owner.sends("/help");
    expect(h.owner.messages().map((m) => m.message_id)).toEqual([help.message_id]);
    expect((await h.store.read()).devices.bootstrapTokens).toEqual([]);
    expect(h.telegram.calls.filter((c) => c.method === "sendMessage" && c.params["chat_id"] !== h.owner.user.id)).toEqual([]);
  });

  it("escapes a display name full of <, > and & everywhere it shows", async () => {
    const name = "<b>&amp; Mallory</b> <script>&";
    const dm = await h.store.requestDmPairing({ channel: "telegram", senderId: "<id>&1", name });
    const [, card] = await h.owner.sendsFor("/pair pending", 2);
    expect(card!.text).toContain(`Name: ${name}`);
    expect(card!.text).toContain("Sender: <id>&1");
    expect(card!.entities.filter((e) => e.type === "bold")).toHaveLength(1); // only pairbot's own title
    await h.owner.taps(card!, "Approve");
    const edited = await h.owner.sees((m) => m.message_id === card!.message_id && m.text!.includes("Approved"));
    expect(edited.text).toContain(`Sender: <id>&1\nName: ${name}`);
    expect(dm.code).toBeTruthy();
  });

  it("sets the command menu for the owner's chat only (on /start if the chat was not open), and never logs the token", async () => {
    const { setOwnerCommandMenus } = await import("../../src/bot/command-menu.js");
    await setOwnerCommandMenus(h.bot.api, h.deps);
    expect(h.logText()).toContain("could not set the command menu for this owner");
    await h.owner.sends("/start");
    const chatScope = { type: "chat", chat_id: h.owner.user.id };
    await h.telegram.waitForCall("setMyCommands", (c) => c.params["language_code"] === "ru");
    expect(h.telegram.commands(chatScope)?.map((c) => c.command)).toEqual(["pair", "start", "help"]);
    expect(h.telegram.commands(chatScope, "de")?.[0]?.description).toBe("Einrichtungscode, offene Anfragen, Geräte");
    expect(h.telegram.commands()).toBeUndefined();
    h.telegram.userSends(STRANGER, "/start");
    await h.owner.sends("/help");

    expect(h.logText()).toContain("ignored an update from a non-owner");
    expect(h.logText()).not.toContain(h.config.botToken);
    expect(h.logText()).not.toContain(h.config.botToken.split(":")[1]);
  });
});
