import { afterEach, describe, expect, it } from "vitest";
import { tempStore } from "../support/temp-store.js";

let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

const ask = (message: string | undefined, senderId = "+491") => t.store.requestDmPairing({ channel: "whatsapp", senderId, name: "Ann", message });
const pendingOf = async (senderId = "+491") => (await t.store.pending()).dm.find((r) => r.senderId === senderId);

describe("the message a stranger wrote", () => {
  it("is held with the request: the first, and the latest beside it when it differs", async () => {
    t = tempStore();
    await ask("Hello, I am your neighbour, can I use the assistant?");
    expect(await pendingOf()).toMatchObject({ message: "Hello, I am your neighbour, can I use the assistant?" });
    expect(await pendingOf()).not.toHaveProperty("lastMessage");
    await ask("Are you there?");
    expect(await pendingOf()).toMatchObject({ message: "Hello, I am your neighbour, can I use the assistant?", lastMessage: "Are you there?" });
    await ask(undefined); // a retry without text keeps both
    expect(await pendingOf()).toMatchObject({ lastMessage: "Are you there?" });
    await ask("Hello, I am your neighbour, can I use the assistant?"); // the latest is the first again
    expect(await pendingOf()).not.toHaveProperty("lastMessage");
  });

  it("loses control and bidi characters, keeps lines as spaces, and is cut to 1,000 characters", async () => {
    t = tempStore();
    await ask("Hi\u202e evil\u202c\u0007\nsecond line\u200b");
    expect((await pendingOf())!.message).toBe("Hi evil second line");
    await ask(`${"ä".repeat(999)}😀😀tail`, "+492");
    expect([...(await pendingOf("+492"))!.message!]).toHaveLength(1000);
    await ask(" \u200b\n ", "+493");
    expect(await pendingOf("+493")).not.toHaveProperty("message");
  });

  it("is handed back with the approval event, and goes with the request", async () => {
    t = tempStore();
    const { code, id } = await ask("Hello, it's Ann");
    await ask("Please?");
    await t.store.approveDm({ codeOrSender: code! }, "telegram:42");
    const [, approved] = await t.store.eventsSince(0);
    expect(approved).toMatchObject({ type: "dm.approved", requestId: id, message: "Hello, it's Ann", lastMessage: "Please?" });
    expect((await t.readSaved()).dm.requests).toEqual([]);
  });

  it("is not handed back on a deny or an expiry", async () => {
    t = tempStore();
    await ask("Hello", "+491");
    await ask("Hello", "+492");
    await t.store.denyDm({ channel: "whatsapp", codeOrSender: "+491" }, "cli");
    t.clock.advance(3_600_000);
    await t.store.prune();
    const events = await t.store.eventsSince(0);
    expect(events.map((e) => e.type)).toEqual(["dm.requested", "dm.requested", "dm.denied", "dm.expired"]);
    for (const e of events) expect(e).not.toHaveProperty("message");
    expect(JSON.stringify(await t.readSaved())).not.toContain("Hello");
  });
});
