import path from "node:path";
import { autoRetry } from "@grammyjs/auto-retry";
import { Api } from "grammy";
import { BotTexts } from "../../src/bot/bot-texts.js";
import { htmlMode } from "../../src/bot/html-mode.js";
import { Notifier, type NotifierLogger } from "../../src/bot/notifier/notifier.js";
import { PairingStore, type Clock, type Policy } from "../../src/store/index.js";
import { startFakeTelegram, type BotMessage, type FakeTelegram, type TelegramUser } from "./fake-telegram/index.js";
import { tempDir } from "./temp-store.js";

export interface LogLine {
  level: "info" | "warn" | "error";
  fields: object;
  message: string;
}

/** Everything the engine logs, kept for assertions (and to check nothing secret is in it). */
export function memoryLogger(): NotifierLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const log = (level: LogLine["level"]) => (fields: object, message: string) => void lines.push({ level, fields, message });
  return { lines, info: log("info"), warn: log("warn"), error: log("error"), text: () => JSON.stringify(lines) };
}

export const ANN: TelegramUser = { id: 5_100_001, first_name: "Ann", language_code: "en" };
export const BOB: TelegramUser = { id: 5_100_002, first_name: "Bob", language_code: "en" };

export interface HarnessOptions {
  owners?: TelegramUser[];
  /** Owners who opened the chat with the bot (the others get 403); all owners by default. */
  opened?: TelegramUser[];
  policy?: Partial<Policy>;
  clock?: Clock;
  /** Between two new messages to a chat (the notifier's 1 s by default). */
  newMessageGapMs?: number;
}

/**
 * A fake Telegram, a store file in a temp folder, and a real grammY Api (with auto-retry and the HTML mode,
 * as the bot has) pointed at the fake; `start()` runs the notifier with the bot's own texts on them, as
 * many times as a test restarts it.
 */
export async function notifierHarness(options: HarnessOptions = {}) {
  const owners = options.owners ?? [ANN];
  const telegram: FakeTelegram = await startFakeTelegram(options.clock ? { now: options.clock } : {});
  for (const owner of options.opened ?? owners) telegram.userSends(owner, "/start");
  const { dir, remove } = tempDir("pairbot-notifier-");
  const file = path.join(dir, "store.json");
  const storeOptions = { file, ...(options.policy ? { policy: options.policy } : {}), ...(options.clock ? { clock: options.clock } : {}) };
  const store = new PairingStore(storeOptions);
  /** A second instance on the same file: what another process (a gateway, the CLI) would write through. */
  const gateway = new PairingStore(storeOptions);
  const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 5 }));
  api.config.use(htmlMode);
  const texts = BotTexts.load({ defaultLocale: "en" });
  const logger = memoryLogger();
  const running: Notifier[] = [];

  return {
    telegram,
    store,
    gateway,
    file,
    logger,
    api,
    texts,
    async start(): Promise<Notifier> {
      const notifier = new Notifier({
        api,
        store,
        owners: owners.map((o) => o.id),
        texts,
        timeZone: "UTC",
        names: new Map(),
        logger,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.newMessageGapMs !== undefined ? { newMessageGapMs: options.newMessageGapMs } : {}),
      });
      running.push(notifier);
      await notifier.start();
      return notifier;
    },
    /** A DM pairing request filed by the "gateway" (another store instance on the file). */
    async requestDm(senderId: string, channel = "whatsapp", name?: string) {
      const result = await gateway.requestDmPairing({ channel, senderId, ...(name ? { name } : {}) });
      if (!result.id || !result.code) throw new Error(`expected a new DM request for ${senderId}`);
      return { id: result.id, code: result.code };
    },
    /** The bot's messages in an owner's chat, deleted ones left out, oldest first. */
    messages(owner: TelegramUser) {
      return telegram.chat(owner.id).filter((m) => !m.deleted);
    },
    /** sendMessage calls that reached an owner's chat. */
    sends(owner: TelegramUser) {
      return telegram.calls.filter((c) => c.method === "sendMessage" && c.params["chat_id"] === owner.id && c.response?.ok);
    },
    /** Waits for a bot message in the owner's chat whose text contains `part`. */
    waitForText(owner: TelegramUser, part: string, more: (m: BotMessage) => boolean = () => true) {
      return telegram.waitForMessage(owner.id, (m) => !m.deleted && (m.text ?? "").includes(part) && more(m));
    },
    async close(): Promise<void> {
      for (const notifier of running) await notifier.stop();
      await telegram.close();
      remove();
    },
  };
}

export type NotifierHarness = Awaited<ReturnType<typeof notifierHarness>>;
