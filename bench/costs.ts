import { execFile } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Writable } from "node:stream";
import { loadConfig } from "../src/bot/config.js";
import { createBot } from "../src/bot/create-bot.js";
import { createLogger } from "../src/bot/logger.js";
import { startNotifier } from "../src/bot/notifier/index.js";
import { PairingStore, readStoreFiles } from "../src/store/index.js";
import { BenchBotApi, OWNER_ID } from "../test/support/bench-bot.js";
import { seedStore } from "../test/support/bench-seed.js";
import { LineProcess, builtFile, repoRoot, writerScript, type WriterMode } from "../test/support/stress-processes.js";
import type { Row } from "./report.js";
import { fmtMs, growthExponent, median, percentile } from "./stats.js";

const run = promisify(execFile);
export const SIZES = [100, 1_000, 10_000, 100_000] as const;
const KEY = /\b(N\w+-\d{5})\b/;
const OWNER_ACTOR = `telegram:${OWNER_ID}`;

/** What one store size costs; every figure in milliseconds. */
interface SizeCosts {
  size: number;
  open: number[];
  notify: number[];
  approve: number[];
  /** Approves during which the journal was compacted (rotated), with their times. */
  approveCompactions: number[];
  allowed: number[];
  cli: number[];
  bare: number[];
}

/**
 * The costs of one store as its allowlist grows, each store seeded as one in use looks (audit at its
 * cap, a few pending requests): opening it, a notification, an approve, isAllowed after another
 * process's change, and the CLI's `pairing approve`. Each store has its own folder, as in use: the
 * store's watchers see only its own files.
 */
export async function costs(dir: string, samples = 200, spawns = 8): Promise<Row[]> {
  const api = new BenchBotApi();
  const root = await api.listen();
  const all: SizeCosts[] = [];
  try {
    for (const size of SIZES) {
      const folder = path.join(dir, `store-${size}`);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const file = path.join(folder, "store.json");
      await seedStore(file, size);
      const c: SizeCosts = { size, open: [], notify: [], approve: [], approveCompactions: [], allowed: [], cli: [], bare: [] };
      for (let i = 0; i < 3; i++) c.open.push(await timed(() => readStoreFiles(file)));
      c.notify = await notificationLatency(api, root, file, `N${size}`, samples);
      await approvals(file, `A${size}`, samples, c);
      c.allowed = await isAllowedAfterChange(file, `I${size}`, samples);
      await cliApprovals(file, spawns, c);
      all.push(c);
    }
  } finally {
    await api.close();
  }
  return rowsOf(all, samples);
}

const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

/**
 * From the moment a writer process has its DM or device request saved to the moment the bot's
 * sendMessage for it reaches a local Bot API server; one request at a time, as people send them. The
 * bot (createBot and its notifier) runs in this process; pacing is off, since Telegram's 1 message/s
 * per chat is a delivery rate, not how fast a change is noticed.
 */
async function notificationLatency(api: BenchBotApi, root: string, file: string, writerId: string, requests: number): Promise<number[]> {
  const config = loadConfig({ BOT_TOKEN: api.token, OWNER_IDS: String(OWNER_ID), STORE_PATH: file, GATEWAY_URL: "ws://127.0.0.1:18789", TELEGRAM_API_ROOT: root });
  const store = new PairingStore({ file });
  const logger = createLogger({ level: "warn", destination: new Writable({ write: (_c, _e, done) => done() }) });
  const bot = createBot(config, { store, logger });
  const notifier = await startNotifier({ api: bot.api, store, owners: [OWNER_ID], texts: bot.notificationTexts, logger, limits: { perChatGapMs: 0, globalGapMs: 0 } });
  const samples: number[] = [];
  // The bot may see a record before its writer has flushed it and said so: look from the previous alert on.
  let from = api.calls.length;
  await stepWriter(file, writerId, requests, "mixed", async (key, at) => {
    const hit = (call: { method: string; params: Record<string, unknown> }) => call.method === "sendMessage" && KEY.exec(String(call.params.text ?? ""))?.[1] === key;
    await api.until((calls) => calls.slice(from).some(hit), 10_000);
    const index = api.calls.findIndex((call, i) => i >= from && hit(call));
    samples.push(api.calls[index]!.at - at);
    from = index + 1;
  });
  await notifier.stop();
  return samples;
}

/**
 * A gateway process files a DM request; this process, caught up as a running bot is, approves it
 * (an owner's tap). Times the approve: catching up with the request, the rule, the append, fdatasync.
 */
async function approvals(file: string, writerId: string, count: number, c: SizeCosts): Promise<void> {
  const bot = new PairingStore({ file });
  await bot.read();
  const journal = `${file}.journal`;
  await stepWriter(file, writerId, count, "dm", async (key) => {
    const before = statSync(journal).ino;
    const start = performance.now();
    await bot.approveDm({ channel: "stress", codeOrSender: key }, OWNER_ACTOR);
    const ms = performance.now() - start;
    c.approve.push(ms);
    if (statSync(journal).ino !== before) c.approveCompactions.push(ms);
  });
}

/** Another process allows a sender; this process, already open, asks isAllowed for that sender at once. */
async function isAllowedAfterChange(file: string, writerId: string, count: number): Promise<number[]> {
  const gateway = new PairingStore({ file });
  await gateway.read();
  const samples: number[] = [];
  await stepWriter(file, writerId, count, "allow", async (key) => {
    const start = performance.now();
    const allowed = await gateway.isAllowed("stress", key);
    samples.push(performance.now() - start);
    if (!allowed) throw new Error(`${key} was allowed by another process, but isAllowed says no`);
  });
  return samples;
}

/**
 * `pairbot pairing approve` as a user types it (the real bin/pairbot.js, a fresh Node process), for a
 * request this process filed just before; `node -e 0` in turn with it, since a busy machine slows both.
 */
async function cliApprovals(file: string, spawns: number, c: SizeCosts): Promise<void> {
  if (!builtFile("src/cli/bundle.js")) throw new Error("the CLI is not built (dist/src/cli/bundle.js missing): run npm run build");
  const gateway = new PairingStore({ file });
  const cwd = path.dirname(file); // no .env there: the CLI takes STORE_PATH from the environment
  for (let i = 0; i < spawns; i++) {
    const request = await gateway.requestDmPairing({ channel: "whatsapp", account: "cli", senderId: `+4915${String(i).padStart(8, "0")}`, name: "New sender" });
    let start = performance.now();
    await run(process.execPath, ["-e", "0"], { cwd });
    c.bare.push(performance.now() - start);
    start = performance.now();
    const { stdout } = await run(process.execPath, [path.join(repoRoot, "bin", "pairbot.js"), "pairing", "approve", "whatsapp", request.code!, "--account", "cli"], { cwd, env: { ...process.env, STORE_PATH: file } });
    c.cli.push(performance.now() - start);
    if (!stdout.includes("Approved")) throw new Error(`pairbot pairing approve said: ${stdout}`);
  }
}

/**
 * Runs a writer process that makes one change per "go"; after each acknowledged change, `after` runs
 * with its key and acknowledgement time before the next one is asked for.
 */
async function stepWriter(file: string, writerId: string, count: number, mode: WriterMode, after: (key: string, at: number) => Promise<void>): Promise<void> {
  const writer = new LineProcess(writerScript(), [file, writerId, String(count), mode, "step"]);
  try {
    await writer.ready;
    for (let i = 0; i < count; i++) {
      writer.go();
      await writer.until((w) => w.acks.length > i);
      const { key, at } = writer.acks[i]!;
      await after(key, at);
    }
  } finally {
    writer.kill();
  }
}

const sizeName = (n: number): string => n.toLocaleString("en");
const spread = (s: number[]): string => `p50 ${fmtMs(percentile(s, 50))}, p99 ${fmtMs(percentile(s, 99))}, max ${fmtMs(Math.max(...s))}`;

function rowsOf(all: SizeCosts[], samples: number): Row[] {
  const rows: Row[] = [];
  const at = (size: number) => all.find((c) => c.size === size)!;
  const big = at(100_000);

  for (const c of all) {
    const p99 = percentile(c.notify, 99);
    const limit = c.size === 10_000 ? 10 : c.size === 100_000 ? 20 : undefined;
    rows.push({
      section: "1 notification latency",
      measure: `store write in another process -> bot's sendMessage, ${sizeName(c.size)} entries (${c.notify.length} requests)`,
      value: spread(c.notify),
      ...(limit ? { target: `p99 <= ${limit} ms`, met: c.notify.length >= samples && p99 <= limit } : {}),
    });
  }
  for (const c of all) {
    const p99 = percentile(c.approve, 99);
    const compactions = c.approveCompactions.length > 0 ? `; ${c.approveCompactions.length} compacted the journal: ${c.approveCompactions.map(fmtMs).join(", ")}` : "";
    rows.push({
      section: "2 approve in one process",
      measure: `approve a request another process filed, ${sizeName(c.size)} entries (${c.approve.length} approves)`,
      value: spread(c.approve) + compactions,
      ...(c.size === 100_000 ? { target: "p99 <= 5 ms", met: p99 <= 5 } : {}),
    });
  }
  for (const c of all) {
    const p99 = percentile(c.allowed, 99);
    rows.push({
      section: "3 isAllowed after another process's change",
      measure: `isAllowed, ${sizeName(c.size)} entries (${c.allowed.length} changes)`,
      value: spread(c.allowed),
      ...(c.size === 100_000 ? { target: "p99 <= 1 ms", met: p99 <= 1 } : {}),
    });
  }
  for (const c of all) {
    const wall = median(c.cli) / 1000;
    const limit = c.size === 10_000 ? 0.3 : c.size === 100_000 ? 0.5 : undefined;
    rows.push({
      section: "4 CLI",
      measure: `pairbot pairing approve, ${sizeName(c.size)} entries (median of ${c.cli.length})`,
      value: `${wall.toFixed(3)} s (node -e 0: ${(median(c.bare) / 1000).toFixed(3)} s)`,
      ...(limit ? { target: `<= ${limit} s`, met: wall <= limit } : {}),
    });
  }
  for (const c of all) {
    rows.push({
      section: "4 CLI",
      measure: `open the store in a process (snapshot parse + check, journal), ${sizeName(c.size)} entries`,
      value: fmtMs(median(c.open)),
    });
  }

  const grow = (name: string, cost: (c: SizeCosts) => number) => {
    const k = growthExponent(all.map((c) => [c.size, cost(c)] as const));
    const small = cost(at(100));
    rows.push({
      section: "5 growth, 100 -> 100,000 entries",
      measure: name,
      value: `~ n^${k.toFixed(2)} (${fmtMs(small)} -> ${fmtMs(cost(big))}, x${(cost(big) / small).toFixed(1)})`,
    });
  };
  grow("notification latency p99", (c) => percentile(c.notify, 99));
  grow("approve p50", (c) => percentile(c.approve, 50));
  grow("isAllowed after a change p50", (c) => percentile(c.allowed, 50));
  grow("opening the store", (c) => median(c.open));
  grow("pairbot pairing approve, less node -e 0", (c) => Math.max(1, median(c.cli) - median(c.bare)));
  return rows;
}
