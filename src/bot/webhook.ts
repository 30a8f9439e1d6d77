import http from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { PairContext } from "./context.js";
import type { Logger } from "./logger.js";

/**
 * Webhook mode: a plain HTTP server (put TLS in front of it) that takes Telegram's POSTs on the
 * webhook URL's path. A request without the secret header gets 401 from grammY.
 */
export function startWebhookServer(bot: Bot<PairContext>, options: { url: string; secret: string; port: number; logger: Logger }): Promise<http.Server> {
  const path = new URL(options.url).pathname;
  const handle = webhookCallback(bot, "http", { secretToken: options.secret });
  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || req.url?.split("?")[0] !== path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((err: unknown) => {
      options.logger.error({ err }, "the webhook request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, () => resolve(server));
  });
}
