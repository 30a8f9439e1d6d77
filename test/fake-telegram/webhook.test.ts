import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, webhookCallback } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";
import { alice, refusal } from "./api-harness.js";

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

describe("webhook delivery", () => {
  let fake: FakeTelegram;
  let bot: Bot;
  let server: Server | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram({ webhookRetryMs: 20 });
    bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  });
  afterEach(async () => {
    await fake.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("posts updates to grammY's webhook with the secret token header", async () => {
    bot.on("message:text", (ctx) => ctx.reply(`got ${ctx.message.text}`));
    let url: string;
    ({ server, url } = await serve(webhookCallback(bot, "http", { secretToken: "s3cret_-token" })));
    await bot.api.setWebhook(url, { secret_token: "s3cret_-token" });
    fake.userSends(alice, "via webhook");
    await fake.waitForMessage(alice.id, (m) => m.text === "got via webhook");
    await fake.waitForDelivery((attempt) => attempt.accepted);
    expect(fake.pendingUpdates).toBe(0);
  });

  it("keeps an update that the webhook refused, retries it, and reports the error", async () => {
    const seen: IncomingHttpHeaders[] = [];
    let accept = false;
    let url: string;
    ({ server, url } = await serve((req, res) => {
      seen.push(req.headers);
      res.writeHead(accept ? 200 : 401).end();
    }));
    await bot.api.setWebhook(url, { secret_token: "abc" });
    fake.userSends(alice, "hello");
    await fake.waitForDelivery((attempt) => attempt.status === 401);
    expect(await bot.api.getWebhookInfo()).toMatchObject({
      url,
      pending_update_count: 1,
      last_error_message: "Wrong response from the webhook: 401 Unauthorized",
    });
    accept = true;
    await fake.waitForDelivery((attempt) => attempt.accepted);
    expect(fake.pendingUpdates).toBe(0);
    expect(seen.every((headers) => headers["x-telegram-bot-api-secret-token"] === "abc")).toBe(true);
    expect(fake.webhookDeliveries.every((attempt) => attempt.updateId === fake.webhookDeliveries[0]?.updateId)).toBe(true);
  });

  it("runs a method sent back as the webhook's reply", async () => {
    let url: string;
    ({ server, url } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: "sendMessage", chat_id: alice.id, text: "answered in the reply" }));
    }));
    await bot.api.setWebhook(url);
    fake.userSends(alice, "hi");
    await fake.waitForMessage(alice.id, (m) => m.text === "answered in the reply");
    expect((await fake.waitForCall("sendMessage")).via).toBe("webhook-reply");
  });

  it("refuses getUpdates while a webhook is set, and serves it again after deleteWebhook", async () => {
    await bot.api.setWebhook("https://example.invalid/hook");
    expect(await refusal(bot.api.getUpdates())).toEqual({
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    await bot.api.deleteWebhook();
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
    expect((await bot.api.getWebhookInfo()).url).toBe("");
  });

  it("ends a waiting long poll with 409 when a webhook is set", async () => {
    const poll = refusal(bot.api.getUpdates({ timeout: 30 }));
    await fake.waitForPoll();
    await bot.api.setWebhook("https://example.invalid/hook");
    expect((await poll).error_code).toBe(409);
  });

  it("refuses a secret token with characters Telegram does not allow", async () => {
    expect(await refusal(bot.api.setWebhook("https://example.org/hook", { secret_token: "no spaces" }))).toEqual({
      error_code: 400,
      description: "Bad Request: secret token contains unallowed characters",
    });
  });
});
