import { Bot, type Api } from "grammy";
import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "../support/fake-telegram/index.js";
import { alice, apiAgainstFake, bob, refusal } from "./api-harness.js";

const approveDeny = {
  inline_keyboard: [[{ text: "Approve", callback_data: "dm:ok:1" }, { text: "Deny", callback_data: "dm:no:1" }]],
};

describe("what the test sees of a chat", () => {
  let fake: FakeTelegram;
  let api: Api;
  let start: Message;

  beforeEach(async () => {
    ({ fake, api, start } = await apiAgainstFake());
  });
  afterEach(() => fake.close());

  it("shows each message as it is now, with its earlier versions and deletions", async () => {
    const sent = await api.sendMessage(alice.id, "<b>New request</b> from &lt;script&gt;", {
      parse_mode: "HTML",
      reply_markup: approveDeny,
    });
    await api.editMessageText(alice.id, sent.message_id, "Approved by Alice");
    const other = await api.sendMessage(alice.id, "setup code");
    await api.deleteMessage(alice.id, other.message_id);

    const [request, code] = fake.chat(alice.id);
    expect(request).toMatchObject({ text: "Approved by Alice", buttons: [], entities: [], deleted: false });
    expect(request?.edit_date).toBeTypeOf("number");
    expect(request?.history).toEqual([
      {
        text: "New request from <script>",
        entities: [{ type: "bold", offset: 0, length: 11 }],
        reply_markup: approveDeny,
        replacedAt: expect.any(Number),
      },
    ]);
    expect(code).toMatchObject({ text: "setup code", deleted: true });
    expect(fake.lastMessage(alice.id)?.message_id).toBe(sent.message_id);
  });

  it("wakes a waiting test on an edit, not only on a send", async () => {
    const sent = await api.sendMessage(alice.id, "pending", { reply_markup: approveDeny });
    const approved = fake.waitForMessage(alice.id, (m) => m.text === "approved");
    await api.editMessageText(alice.id, sent.message_id, "approved");
    await expect(approved).resolves.toMatchObject({ message_id: sent.message_id, buttons: [] });
  });

  it("says what the bot did when a wait times out", async () => {
    await refusal(api.sendMessage(alice.id, "<x>", { parse_mode: "HTML" }));
    await expect(fake.waitForMessage(alice.id, () => true, 50)).rejects.toThrow(
      /sendMessage\(chat 4242, "<x>"\) -> 400 Bad Request: can't parse entities/,
    );
  });

  it("records chat actions, and refuses unknown ones", async () => {
    await api.sendChatAction(alice.id, "upload_photo");
    expect(fake.chatActions(alice.id)).toEqual(["upload_photo"]);
    expect(await refusal(api.sendChatAction(alice.id, "dancing" as never))).toEqual({
      error_code: 400,
      description: "Bad Request: wrong parameter action in request",
    });
  });

  it("keeps command lists per scope and language", async () => {
    const owner = [{ command: "pair", description: "Pair a device" }];
    await api.setMyCommands(owner, { scope: { type: "chat", chat_id: alice.id }, language_code: "de" });
    expect(await api.getMyCommands({ scope: { type: "chat", chat_id: alice.id }, language_code: "de" })).toEqual(owner);
    expect(await api.getMyCommands()).toEqual([]);
    expect(fake.commands({ type: "chat", chat_id: alice.id }, "de")).toEqual(owner);
    await api.deleteMyCommands({ scope: { type: "chat", chat_id: alice.id }, language_code: "de" });
    expect(fake.commands({ type: "chat", chat_id: alice.id }, "de")).toBeUndefined();
    expect(await refusal(api.setMyCommands(owner, { scope: { type: "chat", chat_id: bob.id } }))).toEqual({
      error_code: 400,
      description: "Bad Request: chat not found",
    });
    expect(await refusal(api.setMyCommands([{ command: "Pair-Now", description: "x" }]))).toEqual({
      error_code: 400,
      description: "Bad Request: BOT_COMMAND_INVALID",
    });
  });

  it("lets the bot answer a callback query queued with raw()", async () => {
    const sent = await api.sendMessage(alice.id, "Pick", { reply_markup: approveDeny });
    fake.raw({ callback_query: { id: "777", from: { ...alice, is_bot: false }, message: sent, chat_instance: "1", data: "x" } });
    await api.answerCallbackQuery("777");
    expect(fake.callbackQuery("777")?.answer).toMatchObject({ show_alert: false });
  });

  it("refuses to reply to a message that is not there", async () => {
    expect(await refusal(api.sendMessage(alice.id, "re", { reply_parameters: { message_id: 999 } }))).toEqual({
      error_code: 400,
      description: "Bad Request: message to be replied not found",
    });
    const reply = await api.sendMessage(alice.id, "re", { reply_parameters: { message_id: start.message_id } });
    expect(reply.reply_to_message?.text).toBe("/start");
  });
});

describe("button presses reach a real bot", () => {
  let fake: FakeTelegram;
  let bot: Bot;

  beforeEach(async () => {
    ({ fake } = await apiAgainstFake());
    bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  });
  afterEach(async () => {
    await bot.stop();
    await fake.close();
  });

  it("delivers a tap with its message, and records the bot's answer", async () => {
    bot.callbackQuery(/^dm:ok:/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Approved" });
      await ctx.editMessageText(`Approved by ${ctx.from.first_name}`);
    });
    void bot.start();
    const sent = await bot.api.sendMessage(alice.id, "Request 1", { reply_markup: approveDeny });
    const id = fake.tapButton(alice, sent, "Approve");
    expect((await fake.waitForCallbackAnswer(id)).answer).toMatchObject({ text: "Approved", show_alert: false });
    await fake.waitForMessage(alice.id, (m) => m.text === "Approved by Alice");
    expect(() => fake.tapButton(alice, sent, "Approve")).toThrow(/no callback button "Approve"/);
  });

  it("delivers a forged press with data that no button carries", async () => {
    const data = new Promise<string>((resolve) => bot.on("callback_query:data", (ctx) => resolve(ctx.callbackQuery.data)));
    void bot.start();
    const sent = await bot.api.sendMessage(alice.id, "Request 1", { reply_markup: approveDeny });
    fake.pressButton(bob, sent, "dm:ok:999");
    expect(await data).toBe("dm:ok:999");
  });

  it("delivers group messages and messages sent on behalf of a chat", async () => {
    const group = { id: -1001234, type: "supergroup" as const, title: "Ops" };
    const channel = { id: -1009999, type: "channel" as const, title: "News" };
    const seen = new Promise<{ chat: number; senderChat?: number }>((resolve) =>
      bot.chatType("supergroup").on("message", (ctx) =>
        resolve({ chat: ctx.chat.id, ...(ctx.senderChat ? { senderChat: ctx.senderChat.id } : {}) }),
      ),
    );
    void bot.start();
    fake.userSends(alice, "posted", { chat: group, senderChat: channel });
    expect(await seen).toEqual({ chat: group.id, senderChat: channel.id });
    await bot.api.sendMessage(group.id, "the bot may answer in the group");
  });
});
