import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/bot/config.js";
import { createBot } from "../../src/bot/create-bot.js";
import { createLogger } from "../../src/bot/logger.js";
import { startWebhookServer } from "../../src/bot/webhook.js";
import { botHarness, GATEWAY_URL, OWNER, SECOND_OWNER, type BotHarness } from "../support/bot-harness.js";
import { startFakeTelegram } from "../support/fake-telegram/index.js";
import { tempStore } from "../support/temp-store.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("push alerts use the same buttons", () => {
  let h: BotHarness;
  it("Approve on a pushed alert approves, and both owners' alerts show the outcome in their language", async () => {
    h = await botHarness({ owners: [OWNER, SECOND_OWNER], notifier: true });
    cleanups.push(() => h.close());
    await h.person(SECOND_OWNER).sends("/help"); // Max writes in German: his alerts are in German
    await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917", name: "Jo <3" });
    const alert = await h.owner.sees((m) => m.text?.startsWith("DM pairing request") ?? false);
    const german = await h.person(SECOND_OWNER).sees((m) => m.text?.startsWith("DM-Kopplungsanfrage") ?? false);
    expect(alert.text).toContain("Name: Jo <3");
    expect(await h.owner.taps(alert, "Approve")).toMatch(/^✅ Approved by you/);
    await h.person(SECOND_OWNER).sees((m) => m.message_id === german.message_id && (m.text?.includes(`Zugelassen von ${OWNER.first_name} um 12:00 UTC`) ?? false));
    await h.owner.sees((m) => m.message_id === alert.message_id && m.buttons.length === 0);
    expect(await h.store.isAllowed("whatsapp", "+4917")).toBe(true);
  });
});

describe("webhook mode", () => {
  it("refuses a request without the secret header with 401 and handles one with it", async () => {
    const telegram = await startFakeTelegram();
    const temp = tempStore();
    const config = loadConfig({
      BOT_TOKEN: telegram.token,
      OWNER_IDS: String(OWNER.id),
      STORE_PATH: temp.file,
      GATEWAY_URL,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WEBHOOK_URL: "https://bot.example.com/telegram",
      WEBHOOK_SECRET: "s3cret_value",
    });
    const logger = createLogger({ level: "silent" });
    const { bot } = createBot(config, { store: temp.store, logger, clock: temp.clock.fn });
    const server = await startWebhookServer(bot, { ...config.webhook!, port: 0, logger });
    cleanups.push(() => telegram.close(), () => temp.remove(), () => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;
    const message = telegram.userSends(OWNER, "/pair pending"); // makes the chat known; the update itself we post by hand
    const update = { update_id: 1, message };

    const post = (headers: Record<string, string>) => fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(update) });
    expect((await post({})).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "wrong" })).status).toBe(401);
    expect(telegram.chat(OWNER.id)).toEqual([]);
    expect((await post({ "x-telegram-bot-api-secret-token": "s3cret_value" })).status).toBe(200);
    expect((await telegram.waitForMessage(OWNER.id, () => true)).text).toBe("Nothing pending.");
    expect((await fetch(url.replace("/telegram", "/other"), { method: "POST" })).status).toBe(404);
  });
});
