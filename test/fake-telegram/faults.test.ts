import { autoRetry } from "@grammyjs/auto-retry";
import { HttpError, type Api } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "../support/fake-telegram/index.js";
import { alice, apiAgainstFake, bob, refusal } from "./api-harness.js";

describe("fault injection", () => {
  let fake: FakeTelegram;
  let api: Api;

  beforeEach(async () => {
    ({ fake, api } = await apiAgainstFake());
  });
  afterEach(() => fake.close());

  it("answers 429 with parameters.retry_after, then serves the next call", async () => {
    fake.fail("sendMessage", { status: 429, retryAfter: 2 });
    expect(await refusal(api.sendMessage(alice.id, "first"))).toEqual({
      error_code: 429,
      description: "Too Many Requests: retry after 2",
      retry_after: 2,
    });
    await api.sendMessage(alice.id, "second");
    expect(fake.chat(alice.id).map((m) => m.text)).toEqual(["second"]);
  });

  it("lets auto-retry wait out a 429 and lose nothing", async () => {
    api.config.use(autoRetry());
    fake.fail("sendMessage", { status: 429, retryAfter: 1 });
    await api.sendMessage(alice.id, "eventually");
    const sends = fake.calls.filter((call) => call.method === "sendMessage");
    expect(sends.map((call) => call.status)).toEqual([429, 200]);
    expect(fake.chat(alice.id).map((m) => m.text)).toEqual(["eventually"]);
  });

  it("answers 5xx as many times as asked", async () => {
    fake.fail("sendMessage", { status: 502 }, 2);
    expect(await refusal(api.sendMessage(alice.id, "a"))).toEqual({ error_code: 502, description: "Bad Gateway" });
    expect(await refusal(api.sendMessage(alice.id, "b"))).toEqual({ error_code: 502, description: "Bad Gateway" });
    await api.sendMessage(alice.id, "c");
    expect(fake.chat(alice.id).map((m) => m.text)).toEqual(["c"]);
  });

  it("drops the connection without an answer", async () => {
    fake.fail("editMessageText", { drop: true });
    const sent = await api.sendMessage(alice.id, "before");
    await expect(api.editMessageText(alice.id, sent.message_id, "after")).rejects.toBeInstanceOf(HttpError);
    expect(fake.lastMessage(alice.id)?.text).toBe("before");
    expect(fake.calls.at(-1)).toMatchObject({ method: "editMessageText", dropped: true, status: 0 });
  });

  it("limits sends per chat when flood limits are on", async () => {
    fake.userSends(bob, "hi");
    fake.setFloodLimits({ perChatPerSecond: 1 });
    await api.sendMessage(alice.id, "one");
    const refused = await refusal(api.sendMessage(alice.id, "two"));
    expect(refused).toMatchObject({ error_code: 429, retry_after: 1 });
    await api.sendMessage(bob.id, "another chat is fine");
  });

  it("limits sends overall when flood limits are on", async () => {
    fake.userSends(bob, "hi");
    fake.setFloodLimits({ overallPerSecond: 2 });
    await api.sendMessage(alice.id, "one");
    await api.sendMessage(bob.id, "two");
    expect(await refusal(api.sendMessage(alice.id, "three"))).toMatchObject({ error_code: 429 });
    fake.setFloodLimits({});
    await api.sendMessage(alice.id, "limits off");
  });
});
