import type { Api } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "../support/fake-telegram/index.js";
import { alice, apiAgainstFake, refusal } from "./api-harness.js";

describe("getUpdates", () => {
  let fake: FakeTelegram;
  let api: Api;

  beforeEach(async () => {
    ({ fake, api } = await apiAgainstFake());
    const [start] = await api.getUpdates(); // Alice's /start from the harness
    await api.getUpdates({ offset: (start?.update_id ?? 0) + 1, timeout: 0 });
  });
  afterEach(() => fake.close());

  it("holds a long poll open and answers as soon as an update arrives", async () => {
    const poll = api.getUpdates({ timeout: 30 });
    await fake.waitForPoll();
    fake.userSends(alice, "wake up");
    const updates = await poll;
    expect(updates.map((u) => u.message?.text)).toEqual(["wake up"]);
  });

  it("answers an empty list when the timeout passes", async () => {
    expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
  });

  it("keeps updates until an offset confirms them", async () => {
    fake.userSends(alice, "one");
    fake.userSends(alice, "two");
    const first = await api.getUpdates({ limit: 1 });
    expect(first.map((u) => u.message?.text)).toEqual(["one"]);
    const again = await api.getUpdates();
    expect(again.map((u) => u.message?.text)).toEqual(["one", "two"]);
    const rest = await api.getUpdates({ offset: (first[0]?.update_id ?? 0) + 1 });
    expect(rest.map((u) => u.message?.text)).toEqual(["two"]);
  });

  it("ends the older of two concurrent polls with 409, as Telegram does", async () => {
    const first = refusal(api.getUpdates({ timeout: 30 }));
    await fake.waitForPoll();
    const second = api.getUpdates({ timeout: 30 });
    expect(await first).toEqual({
      error_code: 409,
      description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    fake.userSends(alice, "for the second");
    expect((await second).map((u) => u.message?.text)).toEqual(["for the second"]);
  });

  it("remembers allowed_updates and leaves other kinds out", async () => {
    await api.getUpdates({ allowed_updates: ["callback_query"], timeout: 0 });
    const sent = await api.sendMessage(alice.id, "Pick", { reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] } });
    fake.userSends(alice, "ignored");
    fake.pressButton(alice, sent, "a");
    const updates = await api.getUpdates();
    expect(updates.map((u) => Object.keys(u).filter((k) => k !== "update_id"))).toEqual([["callback_query"]]);
    await api.getUpdates({ allowed_updates: [], timeout: 0 }); // back to the default
    fake.userSends(alice, "seen again");
    expect((await api.getUpdates({ offset: -1 })).map((u) => u.message?.text)).toEqual(["seen again"]);
  });

  it("ends a waiting long poll when the fake closes", async () => {
    const poll = api.getUpdates({ timeout: 30 });
    await fake.waitForPoll();
    await fake.close();
    expect(await poll).toEqual([]);
  });

  it("accepts urlencoded and query-string parameters and any case of the method name", async () => {
    const url = `${fake.apiRoot}/bot${fake.token}/SENDMESSAGE`;
    const form = await fetch(url, { method: "POST", body: new URLSearchParams({ chat_id: String(alice.id), text: "form" }) });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: "form", chat: { id: alice.id } } });
    const query = await fetch(`${url}?chat_id=${alice.id}&text=query`);
    expect(await query.json()).toMatchObject({ ok: true, result: { text: "query" } });
    expect(fake.calls.at(-1)?.method).toBe("sendMessage");
  });
});
