import type { Api } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "../support/fake-telegram/index.js";
import { alice, apiAgainstFake, bob, refusal } from "./api-harness.js";

const badRequest = (reason: string) => ({ error_code: 400, description: `Bad Request: ${reason}` });

describe("the fake refuses what Telegram refuses", () => {
  let fake: FakeTelegram;
  let api: Api;

  beforeEach(async () => {
    ({ fake, api } = await apiAgainstFake());
  });
  afterEach(() => fake.close());

  it("refuses an empty text, and a text of whitespace only", async () => {
    expect(await refusal(api.sendMessage(alice.id, ""))).toEqual(badRequest("message text is empty"));
    expect(await refusal(api.sendMessage(alice.id, " \n "))).toEqual(badRequest("message text is empty"));
    expect(await refusal(api.sendMessage(alice.id, "<b></b>", { parse_mode: "HTML" }))).toEqual(
      badRequest("message text is empty"),
    );
  });

  it("counts the 4096 limit after entity parsing, in characters", async () => {
    await api.sendMessage(alice.id, "x".repeat(4096));
    await api.sendMessage(alice.id, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
    await api.sendMessage(alice.id, "😀".repeat(4096)); // 8192 UTF-16 units, 4096 characters
    expect(await refusal(api.sendMessage(alice.id, "x".repeat(4097)))).toEqual(badRequest("message is too long"));
  });

  it("refuses a caption over 1024 characters", async () => {
    const photo = "AgACunknown"; // the caption is checked before the photo
    expect(await refusal(api.sendPhoto(alice.id, photo, { caption: "c".repeat(1025) }))).toEqual(
      badRequest("message caption is too long"),
    );
  });

  it.each([
    ["an unsupported tag", "<br>", 'Unsupported start tag "br" at byte offset 0'],
    ["an unsupported tag with attributes", 'hi <div class="x">', 'Unsupported start tag "div" at byte offset 3'],
    ["a bare <", "1 < 2", 'Unsupported start tag "" at byte offset 2'],
    ["a < that never closes", "a <b", "Unclosed start tag at byte offset 2"],
    ["an unclosed tag", "<b>bold", 'Can\'t find end tag corresponding to start tag "b"'],
    ["mis-nested tags", "<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ["an end tag without a start", "x</b>", "Unexpected end tag at byte offset 1"],
    ["a span without the spoiler class", '<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ["a bare &", "Tom & Jerry", 'character "&" at byte offset 4 must be escaped as "&amp;"'],
    ["an unknown named entity", "&nbsp;", 'character "&" at byte offset 0 must be escaped as "&amp;"'],
    ["byte offsets in UTF-8", "é <x>", 'Unsupported start tag "x" at byte offset 3'],
  ])("refuses HTML with %s", async (_name, html, reason) => {
    expect(await refusal(api.sendMessage(alice.id, html, { parse_mode: "HTML" }))).toEqual(
      badRequest(`can't parse entities: ${reason}`),
    );
  });

  it("accepts every tag Telegram allows and returns the entities", async () => {
    const html =
      '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>' +
      '<code>c</code><pre><code class="language-ts">p</code></pre><a href="https://example.org/?a=1&amp;b=2">a</a>' +
      '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler><blockquote>q</blockquote>' +
      '<blockquote expandable>w</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot;&#39;&#x41;';
    const sent = await api.sendMessage(alice.id, html, { parse_mode: "HTML" });
    expect(sent.text).toBe("bsieunskdcpaxyqw👍 <>&\"'A");
    expect(sent.entities?.map((e) => e.type)).toEqual([
      "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough", "strikethrough",
      "strikethrough", "code", "pre", "text_link", "spoiler", "spoiler", "blockquote", "expandable_blockquote",
      "custom_emoji",
    ]);
    expect(sent.entities?.find((e) => e.type === "text_link")).toMatchObject({ url: "https://example.org/?a=1&b=2" });
    expect(sent.entities?.find((e) => e.type === "pre")).toMatchObject({ language: "ts" });
    expect(sent.entities?.find((e) => e.type === "custom_emoji")).toMatchObject({ offset: 16, length: 2 });
  });

  it("refuses MarkdownV2 with an unescaped reserved character", async () => {
    expect(await refusal(api.sendMessage(alice.id, "Done.", { parse_mode: "MarkdownV2" }))).toEqual(
      badRequest("can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"),
    );
    const sent = await api.sendMessage(alice.id, "*bold* `code` Done\\.", { parse_mode: "MarkdownV2" });
    expect(sent.text).toBe("bold code Done.");
  });

  it("refuses callback_data over 64 bytes, counted in bytes", async () => {
    const button = (data: string) => ({ reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: data }]] } });
    await api.sendMessage(alice.id, "ok", button("d".repeat(64)));
    expect(await refusal(api.sendMessage(alice.id, "no", button("d".repeat(65))))).toEqual(badRequest("BUTTON_DATA_INVALID"));
    expect(await refusal(api.sendMessage(alice.id, "no", button("ü".repeat(33))))).toEqual(badRequest("BUTTON_DATA_INVALID"));
  });

  it("refuses copy_text outside 1..256 characters", async () => {
    const copy = (text: string) => ({ reply_markup: { inline_keyboard: [[{ text: "Copy", copy_text: { text } }]] } });
    await api.sendMessage(alice.id, "ok", copy("c".repeat(256)));
    for (const text of ["", "c".repeat(257)]) {
      const refused = await refusal(api.sendMessage(alice.id, "no", copy(text)));
      expect(refused.error_code).toBe(400);
      expect(refused.description).toMatch(/^Bad Request: can't parse inline keyboard button: copy_text/);
    }
  });

  it("refuses a button with no action, or with several", async () => {
    const markup = (button: object) => ({ reply_markup: { inline_keyboard: [[button]] } }) as never;
    const none = await refusal(api.sendMessage(alice.id, "x", markup({ text: "Plain" })));
    expect(none).toEqual(badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"));
    const both = await refusal(
      api.sendMessage(alice.id, "x", markup({ text: "Both", url: "https://example.org", callback_data: "a" })),
    );
    expect(both.error_code).toBe(400);
    expect(both.description).toMatch(/exactly one of the optional fields/);
  });

  it("refuses to write first to a user who never wrote to the bot", async () => {
    expect(await refusal(api.sendMessage(bob.id, "hello"))).toEqual({
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    expect(await refusal(api.sendMessage(-100777, "hello"))).toEqual(badRequest("chat not found"));
  });

  it("refuses sends to a user who blocked the bot, until they write again", async () => {
    fake.blockUser(alice.id);
    expect(await refusal(api.sendMessage(alice.id, "hello"))).toEqual({
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    fake.userSends(alice, "I am back");
    await api.sendMessage(alice.id, "welcome back");
  });

  it("refuses an edit that changes nothing, text and markup alike", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Approve", callback_data: "a:1" }]] };
    const sent = await api.sendMessage(alice.id, "<b>Request</b>", { parse_mode: "HTML", reply_markup: keyboard });
    const same = api.editMessageText(alice.id, sent.message_id, "<b>Request</b>", { parse_mode: "HTML", reply_markup: keyboard });
    expect(await refusal(same)).toEqual(
      badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      ),
    );
    expect((await refusal(api.editMessageReplyMarkup(alice.id, sent.message_id, { reply_markup: keyboard }))).description).toMatch(
      /message is not modified/,
    );
    // the same text without the keyboard is a change: Telegram drops the buttons
    await api.editMessageText(alice.id, sent.message_id, "<b>Request</b>", { parse_mode: "HTML" });
    expect(fake.lastMessage(alice.id)).toMatchObject({ text: "Request", buttons: [] });
  });

  it("refuses to edit or delete a message that does not exist", async () => {
    expect(await refusal(api.editMessageText(alice.id, 999, "x"))).toEqual(badRequest("message to edit not found"));
    expect(await refusal(api.editMessageReplyMarkup(alice.id, 999))).toEqual(badRequest("message to edit not found"));
    expect(await refusal(api.deleteMessage(alice.id, 999))).toEqual(badRequest("message to delete not found"));
    const sent = await api.sendMessage(alice.id, "short-lived");
    await api.deleteMessage(alice.id, sent.message_id);
    expect(await refusal(api.deleteMessage(alice.id, sent.message_id))).toEqual(badRequest("message to delete not found"));
    expect(await refusal(api.editMessageText(alice.id, sent.message_id, "x"))).toEqual(badRequest("message to edit not found"));
  });

  it("refuses to answer an unknown callback query, or one twice", async () => {
    const invalid = badRequest("query is too old and response timeout expired or query ID is invalid");
    expect(await refusal(api.answerCallbackQuery("12345"))).toEqual(invalid);
    const sent = await api.sendMessage(alice.id, "Pick", { reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] } });
    const id = fake.pressButton(alice, sent, "a");
    await api.answerCallbackQuery(id, { text: "Done" });
    expect(await refusal(api.answerCallbackQuery(id))).toEqual(invalid);
    expect(fake.callbackQuery(id)?.answer).toMatchObject({ text: "Done", show_alert: false });
  });

  it("refuses a wrong token with 401 and an unknown method with 404", async () => {
    const wrong = await fetch(`${fake.apiRoot}/bot123:wrong/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    const unknown = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });
});
