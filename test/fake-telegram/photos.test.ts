import { InputFile, type Api } from "grammy";
import QRCode from "qrcode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "../support/fake-telegram/index.js";
import { alice, apiAgainstFake, refusal } from "./api-harness.js";

describe("sendPhoto over multipart/form-data", () => {
  let fake: FakeTelegram;
  let api: Api;
  let png: Buffer;

  beforeEach(async () => {
    ({ fake, api } = await apiAgainstFake());
    png = await QRCode.toBuffer("pairbot setup code", { type: "png", width: 200 });
  });
  afterEach(() => fake.close());

  it("stores the uploaded bytes, with caption and buttons from form fields", async () => {
    const sent = await api.sendPhoto(alice.id, new InputFile(png, "pair.png"), {
      caption: "<b>Scan</b> me",
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Done", callback_data: "done" }]] },
    });
    expect(sent.photo.at(-1)).toMatchObject({ width: 200, height: 200, file_size: png.length });
    const shown = fake.lastMessage(alice.id);
    expect(shown?.photo?.equals(png)).toBe(true);
    expect(shown).toMatchObject({ caption: "Scan me", entities: [{ type: "bold", offset: 0, length: 4 }], parse_mode: "HTML" });
    expect(shown?.buttons).toEqual([{ text: "Done", callback_data: "done" }]);
    const call = await fake.waitForCall("sendPhoto");
    expect(call.params["chat_id"]).toBe(alice.id); // decoded from the form's string
  });

  it("refuses bytes that are not an image", async () => {
    const refused = await refusal(api.sendPhoto(alice.id, new InputFile(Buffer.from("not a png"))));
    expect(refused).toEqual({ error_code: 400, description: "Bad Request: IMAGE_PROCESS_FAILED" });
  });

  it("sends a known file_id again, and serves the file for download", async () => {
    const first = await api.sendPhoto(alice.id, new InputFile(png));
    const fileId = first.photo[0]?.file_id ?? "";
    await api.sendPhoto(alice.id, fileId);
    expect(fake.chat(alice.id).map((m) => m.photo?.equals(png))).toEqual([true, true]);
    const file = await api.getFile(fileId);
    const download = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    expect(await refusal(api.sendPhoto(alice.id, "AgACnope"))).toMatchObject({ error_code: 400 });
  });

  it("edits a caption and keeps the earlier one in the history", async () => {
    const sent = await api.sendPhoto(alice.id, new InputFile(png), { caption: "valid until 12:10" });
    await api.editMessageCaption(alice.id, sent.message_id, { caption: "expired" });
    const shown = fake.lastMessage(alice.id);
    expect(shown).toMatchObject({ caption: "expired", history: [{ caption: "valid until 12:10" }] });
    expect(await refusal(api.editMessageText(alice.id, sent.message_id, "text"))).toMatchObject({
      description: "Bad Request: there is no text in the message to edit",
    });
  });
});
