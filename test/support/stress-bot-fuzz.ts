import { readFileSync } from "node:fs";
import fc from "fast-check";
import { PairingStore, decodeSetupCode } from "../../src/store/index.js";
import { OWNER, botHarness } from "./bot-harness.js";
import type { TelegramUser } from "./fake-telegram/index.js";
import { newDeviceKey } from "./store-devices.js";

export interface BotFuzzFigures {
  updates: number;
  strangerMessages: number;
  forgedPresses: number;
  botCallsToStrangers: number;
  storeChanged: boolean;
  leaks: string[];
  seconds: number;
}

/**
 * The real bot, long-polling the fake Telegram, gets `count` generated updates: strangers' messages
 * (commands with real and made-up codes, any text), strangers pressing real and forged buttons, and the
 * owner pressing forged ones. Afterwards the store must be byte for byte the same, and nothing the bot
 * sent a stranger may contain a code, a request id, a device id or key, a setup code, or the owner's id.
 */
export async function fuzzBotUpdates(count: number, batch = 250): Promise<BotFuzzFigures> {
  const start = performance.now();
  const h = await botHarness({ notifier: true });
  try {
    const gateway = new PairingStore({ file: h.store.file, clock: h.clock.fn });
    const dm = await gateway.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann" });
    const setup = await h.store.createSetupCode({ url: "ws://192.168.1.20:18789" }, "cli");
    const publicKey = newDeviceKey();
    const device = await gateway.requestDevicePairing({ bootstrapToken: decodeSetupCode(setup.setupCode).bootstrapToken, publicKey, name: "Tablet", platform: "android", role: "node", scopes: [], remoteAddress: "10.0.0.2" });
    if (device.status !== "pending") throw new Error("expected a pending device request");
    // Both alerts delivered and recorded: from here on, nothing may change the store.
    await h.owner.sees((m) => m.buttons.length > 0 && (m.text ?? "").includes("Ann"));
    await h.owner.sees((m) => m.buttons.length > 0 && (m.text ?? "").includes("Tablet"));
    const settled = async () => {
      for (let i = 0; i < 50; i++) {
        const doc = await h.store.read();
        if (Object.keys(doc.notifications).length >= 2) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await settled();
    const before = readFileSync(h.store.file, "utf8");

    const cards = h.owner.messages().filter((m) => m.buttons.length > 0);
    const realData = cards.flatMap((m) => m.buttons.flatMap((b) => ("callback_data" in b ? [b.callback_data as string] : [])));
    const secrets = [dm.code!, dm.id!, device.requestId, device.deviceId, publicKey, setup.setupCode, setup.tokenId, decodeSetupCode(setup.setupCode).bootstrapToken, String(OWNER.id)];

    const stranger = fc.integer({ min: 100_000, max: 999_999_999 }).filter((id) => id !== OWNER.id).map((id): TelegramUser => ({ id, first_name: "Mallory", language_code: "en" }));
    const word = fc.constantFrom(dm.code!, dm.code!.toLowerCase(), dm.id!, device.requestId, device.deviceId, "+491701234567", "whatsapp", "ABCDEFGH", "all", "--channel");
    const command = fc.constantFrom("/start", "/help", "/pair", "/pair pending", "/pair approve", "/pair deny", "/pair devices", "/pair qr", "/pair cleanup", "/pair notify off", "/pair revoke", "/pair approve-device");
    const text = fc.oneof(
      fc.tuple(command, fc.array(word, { maxLength: 3 })).map(([c, w]) => [c, ...w].join(" ")),
      word,
      fc.string({ unit: "grapheme", maxLength: 60 }).filter((s) => s.trim().length > 0),
    );
    const data = fc.oneof(
      fc.constantFrom(...realData),
      fc.string({ minLength: 1, maxLength: 64 }),
      fc.tuple(fc.constantFrom(...realData), fc.string({ minLength: 1, maxLength: 8 })).map(([d, s]) => (d + s).slice(0, 64)),
      fc.constantFrom(...realData).map((d) => d.replace(/[^:]+$/, dm.id!)),
    );
    const update = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant("message" as const), from: stranger, text }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("press" as const), from: stranger, data }) },
      // The owner may press anything: only made-up data, which must match no request.
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("owner-press" as const), data: fc.string({ minLength: 1, maxLength: 64 }).filter((d) => !realData.includes(d)) }) },
    );

    const strangerQueries = new Set<string>();
    const strangers = new Set<number>();
    const f: BotFuzzFigures = { updates: 0, strangerMessages: 0, forgedPresses: 0, botCallsToStrangers: 0, storeChanged: false, leaks: [], seconds: 0 };
    const mark = h.telegram.calls.length;
    for (let sent = 0; sent < count; sent += batch) {
      for (const u of fc.sample(update, Math.min(batch, count - sent))) {
        f.updates++;
        if (u.kind === "message") {
          strangers.add(u.from.id);
          h.telegram.userSends(u.from, u.text);
          f.strangerMessages++;
        } else if (u.kind === "press") {
          strangers.add(u.from.id);
          // A stranger has no card to press: the update is forged whole, as a modified client could.
          const id = `forged-${f.updates}`;
          const chat = { id: u.from.id, type: "private", first_name: u.from.first_name };
          h.telegram.raw({ callback_query: { id, from: { ...u.from, is_bot: false }, chat_instance: String(u.from.id), data: u.data, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, text: "..." } } } as never);
          strangerQueries.add(id);
          f.forgedPresses++;
        } else {
          h.telegram.pressButton(OWNER, cards[0]!, u.data);
          f.forgedPresses++;
        }
      }
      await waitUntil(() => h.telegram.pendingUpdates === 0 && h.telegram.polling, 60_000);
    }
    await new Promise((r) => setTimeout(r, 300));

    for (const call of h.telegram.calls.slice(mark)) {
      const p = call.params;
      const toStranger = strangers.has(Number(p["chat_id"])) || (call.method === "answerCallbackQuery" && strangerQueries.has(String(p["callback_query_id"])));
      if (!toStranger) continue;
      f.botCallsToStrangers++;
      const said = JSON.stringify(p);
      for (const s of secrets) if (said.includes(s)) f.leaks.push(`${call.method} to a stranger contains ${s === String(OWNER.id) ? "the owner's id" : "a secret"}: ${said.slice(0, 200)}`);
    }
    f.storeChanged = readFileSync(h.store.file, "utf8") !== before;
    f.seconds = (performance.now() - start) / 1000;
    return f;
  } finally {
    await h.close();
  }
}

async function waitUntil(test: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for the bot to take its updates`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
