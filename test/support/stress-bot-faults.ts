import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { PairingStore } from "../../src/store/index.js";
import { startFakeTelegram, type Fault, type FakeTelegram } from "./fake-telegram/index.js";
import { ANN, notifierHarness } from "./notifier-harness.js";
import { repoRoot, requireBuilt } from "./stress-processes.js";
import { tempDir } from "./temp-store.js";

export interface DeliveryFigures {
  runs: number;
  requests: number;
  kills: number;
  faults: number;
  unannounced: number;
  duplicated: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many alerts each code got in a chat: sendMessage calls Telegram accepted whose text names it. */
function alertCounts(telegram: FakeTelegram, chatId: number, codes: string[]): number[] {
  const sent = telegram.calls.filter((c) => c.method === "sendMessage" && c.params["chat_id"] === chatId && c.response?.ok).map((c) => String(c.params["text"] ?? ""));
  return codes.map((code) => sent.filter((t) => t.includes(code)).length);
}

/** Taken in turn, so even a few faults cover each kind. */
const FAULTS: Fault[] = [{ status: 429, retryAfter: 1 }, { drop: true }, { status: 500 }, { status: 503 }, { status: 502 }, { status: 504 }];

/**
 * The notifier with the bot's texts against a fake Telegram that answers each send, with the given probability, with a
 * 429 (retry_after), a 5xx or a dropped connection (at most maxFaults; each 5xx costs auto-retry's 3 s
 * backoff or more): every request must still be announced exactly once.
 */
export async function telegramFaults(o: { requests: number; faultRate: number; maxFaults: number }): Promise<DeliveryFigures> {
  const start = performance.now();
  const h = await notifierHarness({ policy: { maxPendingPerAccount: 10_000, maxPendingPerChannel: 10_000, maxPendingTotal: 10_000 } });
  let faults = 0;
  let stopInjecting = false;
  // Each send in turn meets a fault with probability faultRate: one is queued only once the previous one
  // was used, so faults are spread over the sends instead of hitting the first ones back to back.
  const injector = (async () => {
    let seen = 0;
    let armed = false;
    while (!stopInjecting) {
      const sends = h.telegram.calls.filter((c) => c.method === "sendMessage");
      if (sends.length > seen) {
        if (armed && sends.slice(seen).some((c) => c.dropped || !c.response?.ok)) armed = false;
        seen = sends.length;
        if (!armed && faults < o.maxFaults && Math.random() < o.faultRate) {
          h.telegram.fail("sendMessage", FAULTS[faults % FAULTS.length]!);
          faults++;
          armed = true;
        }
      }
      await sleep(5);
    }
  })();
  try {
    const notifier = await h.start();
    const codes: string[] = [];
    h.telegram.fail("sendMessage", FAULTS[0]!);
    faults++;
    for (let i = 0; i < o.requests; i++) {
      codes.push((await h.requestDm(`+49170${String(i).padStart(6, "0")}`)).code);
      await sleep(Math.random() * 30);
    }
    // auto-retry waits 3 s, 6 s, ... before repeating a call that got a 5xx: allow for that.
    const deadline = Date.now() + 60_000 + o.requests * 4000;
    while (alertCounts(h.telegram, ANN.id, codes).some((n) => n === 0) && Date.now() < deadline) await sleep(50);
    stopInjecting = true;
    await injector;
    await sleep(500); // a late duplicate would show now
    await notifier.stop();
    const counts = alertCounts(h.telegram, ANN.id, codes);
    return {
      runs: 1,
      requests: codes.length,
      kills: 0,
      faults,
      unannounced: counts.filter((n) => n === 0).length,
      duplicated: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    stopInjecting = true;
    await injector;
    await h.close();
  }
}

const OWNER = { id: 7_300_001, first_name: "Olga", language_code: "en" };

/**
 * The bot as users run it (dist/src/bot/main.js), killed with SIGKILL at random moments while it sends
 * alerts for a backlog of requests, and started again each time: in the end every request is announced.
 * Alerts are at-least-once by design (recorded after Telegram accepts them), so a kill between the
 * send and its record may repeat one alert; `duplicated` counts those.
 */
export async function botKills(o: { requests: number; kills: number }): Promise<DeliveryFigures> {
  const start = performance.now();
  const main = requireBuilt("src/bot/main.js");
  const telegram = await startFakeTelegram({ waitTimeoutMs: 20_000 });
  const { dir, remove } = tempDir("pairbot-botkill-");
  const file = path.join(dir, "store.json");
  let bot: ChildProcess | undefined;
  let log = "";
  const startBot = () => {
    const child = spawn(process.execPath, [main], {
      cwd: repoRoot,
      env: { ...process.env, BOT_TOKEN: telegram.token, OWNER_IDS: String(OWNER.id), STORE_PATH: file, GATEWAY_URL: "ws://127.0.0.1:18789", TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-5000)));
    child.stderr!.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-5000)));
    return child;
  };
  try {
    telegram.userSends(OWNER, "/start"); // the owner opened the chat
    const gateway = new PairingStore({ file, policy: { maxPendingPerAccount: 10_000, maxPendingPerChannel: 10_000, maxPendingTotal: 10_000 } });
    const codes: string[] = [];
    for (let i = 0; i < o.requests; i++) codes.push((await gateway.requestDmPairing({ channel: "whatsapp", senderId: `+49171${String(i).padStart(6, "0")}` })).code!);
    const announced = () => alertCounts(telegram, OWNER.id, codes).filter((n) => n > 0).length;

    let kills = 0;
    bot = startBot();
    while (kills < o.kills) {
      // Let it announce a little of the backlog, then kill it at a random moment (sends go out ~1 a second).
      const target = Math.min(codes.length - 1, announced() + 1 + Math.floor(Math.random() * 2));
      const until = Date.now() + 30_000;
      while (announced() < target && Date.now() < until) await sleep(20);
      await sleep(Math.random() * 1000);
      const exited = new Promise((resolve) => bot!.once("exit", resolve));
      bot.kill("SIGKILL");
      await exited;
      kills++;
      bot = startBot();
    }
    const deadline = Date.now() + 30_000 + codes.length * 1500;
    while (announced() < codes.length && Date.now() < deadline) await sleep(50);
    await sleep(1500); // a late duplicate would show now
    const counts = alertCounts(telegram, OWNER.id, codes);
    const figures = {
      runs: kills + 1,
      requests: codes.length,
      kills,
      faults: 0,
      unannounced: counts.filter((n) => n === 0).length,
      duplicated: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      seconds: (performance.now() - start) / 1000,
    };
    if (figures.unannounced > 0) console.error(`bot output:\n${log}`);
    return figures;
  } finally {
    if (bot && bot.exitCode === null && bot.signalCode === null) {
      const exited = new Promise((resolve) => bot!.once("exit", resolve));
      bot.kill("SIGKILL");
      await exited;
    }
    await telegram.close();
    remove();
  }
}

export const deliverySummary = (name: string, f: DeliveryFigures): string =>
  `${name}: runs ${f.runs}, requests ${f.requests}, kills ${f.kills}, faults ${f.faults}, lost (unannounced) ${f.unannounced}, duplicated ${f.duplicated}, ${f.seconds.toFixed(1)} s`;
