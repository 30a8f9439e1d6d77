import { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";

const alice = { id: 4242, first_name: "Alice", language_code: "en" };

describe("a real grammY bot over long polling", () => {
  let fake: FakeTelegram;
  let bot: Bot;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  });

  afterEach(async () => {
    await bot.stop();
    await fake.close();
  });

  it("receives a user's message and replies in the same chat", async () => {
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    void bot.start();
    fake.userSends(alice, "hello");
    const reply = await fake.waitForMessage(alice.id, (m) => m.text === "echo: hello");
    expect(reply.message.from?.id).toBe(fake.botInfo.id);
  });

  it("delivers commands with bot_command entities, so bot.command matches", async () => {
    bot.command("start", (ctx) => ctx.reply("welcome"));
    void bot.start();
    fake.userSends(alice, "/start");
    await expect(fake.waitForMessage(alice.id)).resolves.toMatchObject({ text: "welcome" });
  });

  it("confirms handled updates, so a restarted bot does not see them again", async () => {
    let seen = 0;
    const handled = new Promise<void>((resolve) => bot.on("message", () => void (seen++, resolve())));
    void bot.start();
    fake.userSends(alice, "one");
    await handled;
    await bot.stop();
    expect(fake.pendingUpdates).toBe(0);
    expect(seen).toBe(1);
  });
});
