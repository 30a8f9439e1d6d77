import { Writable } from "node:stream";
import { loadConfig } from "../../src/bot/config.js";
import { createBot } from "../../src/bot/create-bot.js";
import { createLogger } from "../../src/bot/logger.js";
import { startFakeTelegram, type BotMessage, type FakeTelegram, type TelegramUser } from "./fake-telegram/index.js";
import { systemClock } from "../../src/store/index.js";
import { tempStore } from "./temp-store.js";

export const OWNER: TelegramUser = { id: 7_100_001, first_name: "Olga", language_code: "en" };
export const SECOND_OWNER: TelegramUser = { id: 7_100_002, first_name: "Max", language_code: "de" };
export const STRANGER: TelegramUser = { id: 6_666_001, first_name: "Eve", language_code: "en" };
export const GATEWAY_URL = "ws://192.168.1.20:18789";

export interface BotHarnessOptions {
  owners?: TelegramUser[];
  /** Extra environment for loadConfig (DEFAULT_LOCALE, TEMPLATES_FILE, ...). */
  env?: Record<string, string>;
  /** Runs the push notifications too; every owner has opened the chat unless `opened` says who did. */
  notifier?: boolean;
  /** The store on the system clock, as processes started beside the bot (a gateway, the CLI) see it. */
  realClock?: boolean;
  opened?: TelegramUser[];
}

/** A Telegram user talking to the bot through the fake server. */
export interface Person {
  user: TelegramUser;
  /** Sends a message and resolves with the bot's first new message in this chat. */
  sends(text: string): Promise<BotMessage>;
  /** Sends a message and resolves with the bot's next `count` new messages. */
  sendsFor(text: string, count: number): Promise<BotMessage[]>;
  /** Taps a button by its label; resolves with the callback answer text. */
  taps(message: BotMessage, label: string): Promise<string | undefined>;
  /** Presses any data on a message (a forged button); resolves with the answer text. */
  presses(message: BotMessage, data: string): Promise<string | undefined>;
  /** Waits for a bot message (new or edited) in this chat that matches. */
  sees(predicate: (m: BotMessage) => boolean): Promise<BotMessage>;
  messages(): BotMessage[];
}

/**
 * A fake Telegram, a temp store with a manual clock, and the real bot long-polling the fake.
 * A test is then: `const h = await botHarness(); await h.owner.sends("/pair pending")`.
 */
export async function botHarness(options: BotHarnessOptions = {}) {
  const owners = options.owners ?? [OWNER];
  const telegram: FakeTelegram = await startFakeTelegram({ waitTimeoutMs: 8000 });
  const temp = tempStore(options.realClock ? { clock: systemClock } : {});
  const logLines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const config = loadConfig({
    BOT_TOKEN: telegram.token,
    OWNER_IDS: owners.map((o) => o.id).join(","),
    STORE_PATH: temp.file,
    GATEWAY_URL,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TIMEZONE: "UTC",
    ...options.env,
  });
  const logger = createLogger({ level: "debug", secrets: [config.botToken], destination: logs });
  const clock = options.realClock ? systemClock : temp.clock.fn;
  const { bot, notifier, deps } = createBot(config, { store: temp.store, logger, clock });
  if (options.notifier) {
    // An owner must have opened the chat (the bot answers these /start once it polls).
    for (const o of options.opened ?? owners) telegram.userSends(o, "/start");
    await notifier.start();
  }
  const polling = bot.start({ drop_pending_updates: false });
  await telegram.waitForPoll();

  const person = (user: TelegramUser): Person => {
    const lastId = () => telegram.chat(user.id).reduce((max, m) => Math.max(max, m.message_id), 0);
    const answerOf = async (queryId: string) => (await telegram.waitForCallbackAnswer(queryId)).answer?.text;
    const nextMessages = async (mark: number, count: number) => {
      await telegram.waitForMessage(user.id, () => telegram.chat(user.id).filter((m) => m.message_id > mark).length >= count);
      return telegram.chat(user.id).filter((m) => m.message_id > mark).slice(0, count);
    };
    return {
      user,
      async sends(text) {
        return (await this.sendsFor(text, 1))[0]!;
      },
      async sendsFor(text, count) {
        const mark = Math.max(lastId(), telegram.userSends(user, text).message_id);
        return nextMessages(mark, count);
      },
      taps: (message, label) => answerOf(telegram.tapButton(user, message, label)),
      presses: (message, data) => answerOf(telegram.pressButton(user, message, data)),
      sees: (predicate) => telegram.waitForMessage(user.id, predicate),
      messages: () => telegram.chat(user.id),
    };
  };

  return {
    telegram,
    bot,
    deps,
    notifier,
    config,
    store: temp.store,
    clock: temp.clock,
    owner: person(owners[0]!),
    person,
    /** Everything the bot logged, as JSON lines. */
    logText: () => logLines.join(""),
    async close(): Promise<void> {
      await notifier.stop();
      await bot.stop();
      await polling.catch(() => undefined);
      await telegram.close();
      // A decision still being written when the test ends would fill the folder while it is removed.
      await temp.store.close();
      temp.remove();
    },
  };
}

export type BotHarness = Awaited<ReturnType<typeof botHarness>>;
