import { execFile } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Writable } from "node:stream";
import { loadConfig } from "../src/bot/config.js";
import { createBot } from "../src/bot/create-bot.js";
import { createLogger } from "../src/bot/logger.js";
import { isPostgresUrl, openStore, PairingStore, readStoreFiles } from "../src/store/index.js";
import { BenchBotApi, OWNER_ID } from "../test/support/bench-bot.js";
import { seedStore } from "../test/support/bench-seed.js";
import { LineProcess, builtFile, repoRoot, writerScript, type WriterMode } from "../test/support/stress-processes.js";
import type { Row } from "./report.js";
import { fmtMs, growthExponent, median, percentile } from "./stats.js";

const run = promisify(execFile);
export const SIZES = [100, 1_000, 10_000, 100_000] as const;
const KEY = /\b(N\w+-\d{5})\b/;
const OWNER_ACTOR = `telegram:${OWNER_ID}`;


/** The bench files many requests into one store: the pending caps of a real gateway would refuse them. */
const UNCAPPED = { maxPendingPerAccount: 1_000_000, maxPendingPerChannel: 1_000_000, maxPendingTotal: 1_000_000 };
/** What one store size costs; every figure in milliseconds. */
interface SizeCosts {
  size: number;
  open: number[];
  notify: number[];
  approve: number[];
  /** Approves during which the journal was compacted (rotated), with their times. */
  approveCpu: number[];
  approveCompactions: number[];
  allowed: number[];
  allowedCpu: number[];
  cli: number[];
  bare: number[];
  /** The 1-minute load average once this size was measured: on 2 cores, above 2 means waiting for CPU. */
  load: number;
}

/**
 * The costs of one store as its allowlist grows, each store seeded as one in use looks (audit at its
 * cap, a few pending requests): opening it, a notification, an approve, isAllowed after another
 * process's change, and the CLI's `pairing approve`. Each store has its own folder, as in use: the
 * store's watchers see only its own files.
 */
export async function costs(dir: string): Promise<Row[]> {
  const api = new BenchBotApi();
  const root = await api.listen();
  const all: SizeCosts[] = [];
  try {
    for (const size of SIZES) {
      const folder = path.join(dir, `store-${size}`);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const file = path.join(folder, "store.json");
      await seedStore(file, size);
      // Fewer samples where no target applies: the bench stays a few minutes long.
      const samples = size >= 10_000 ? 200 : 100;
      const spawns = size >= 10_000 ? 8 : 4;
      const c: SizeCosts = { size, open: [], notify: [], approve: [], approveCpu: [], approveCompactions: [], allowed: [], allowedCpu: [], cli: [], bare: [], load: Number.NaN };
      for (let i = 0; i < 3; i++) c.open.push(await timed(() => readStoreFiles(file)));
      c.notify = await notificationLatency(api, root, file, `N${size}`, samples);
      await approvals(file, `A${size}`, samples, c);
      await isAllowedAfterChange(file, `I${size}`, samples, c);
      await cliApprovals(file, spawns, c);
      c.load = os.loadavg()[0]!;
      all.push(c);
    }
  } finally {
    await api.close();
  }
  return rowsOf(all);
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
export async function notificationLatency(api: BenchBotApi, root: string, file: string, writerId: string, requests: number): Promise<number[]> {
  const where = isPostgresUrl(file) ? { STORE_URL: file } : { STORE_PATH: file };
  const config = loadConfig({ BOT_TOKEN: api.token, OWNER_IDS: String(OWNER_ID), ...where, GATEWAY_URL: "ws://127.0.0.1:18789", TELEGRAM_API_ROOT: root });
  const store = openStore({ location: file, policy: UNCAPPED, postgres: { log: () => undefined } });
  const logger = createLogger({ level: "warn", destination: new Writable({ write: (_c, _e, done) => done() }) });
  const { notifier } = createBot(config, { store, logger, notifier: { newMessageGapMs: 0 } });
  await notifier.start();
  const samples: number[] = [];
  // The bot may see a record before its writer has flushed it and said so: look from the previous alert on.
  let from = api.calls.length;
  await stepWriter(file, writerId, requests, "mixed", async (key, at) => {
    const hit = (call: { method: string; params: Record<string, unknown> }) => call.method === "sendMessage" && KEY.exec(String(call.params["text"] ?? ""))?.[1] === key;
    await api.until((calls) => calls.slice(from).some(hit), 10_000);
    const index = api.calls.findIndex((call, i) => i >= from && hit(call));
    samples.push(api.calls[index]!.at - at);
    from = index + 1;
  });
  await notifier.stop();
  await store.close();
  return samples;
}

/**
 * A gateway process files a DM request; this process, caught up as a running bot is, approves it
 * (an owner's tap). Times the approve: catching up with the request, the rule, the append, fdatasync.
 */
export async function approvals(file: string, writerId: string, count: number, c: Pick<SizeCosts, "approve" | "approveCpu" | "approveCompactions">): Promise<void> {
  const bot = openStore({ location: file, policy: UNCAPPED, postgres: { log: () => undefined } });
  await bot.read();
  // A file store's journal is replaced by compaction (a new inode); PostgreSQL compacts in the same commit, untold.
  const journal = isPostgresUrl(file) ? undefined : `${file}.journal`;
  await stepWriter(file, writerId, count, "dm", async (key) => {
    const before = journal && statSync(journal).ino;
    const cpu = process.cpuUsage();
    const start = performance.now();
    await bot.approveDm({ channel: "stress", codeOrSender: key }, OWNER_ACTOR);
    const ms = performance.now() - start;
    c.approve.push(ms);
    c.approveCpu.push(cpuMs(cpu));
    if (journal && statSync(journal).ino !== before) c.approveCompactions.push(ms);
  });
  await bot.close();
}

/** Another process allows a sender; this process, already open, asks isAllowed for that sender at once. */
async function isAllowedAfterChange(file: string, writerId: string, count: number, c: SizeCosts): Promise<void> {
  const gateway = new PairingStore({ file, policy: UNCAPPED });
  await gateway.read();
  await stepWriter(file, writerId, count, "allow", async (key) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const allowed = await gateway.isAllowed("stress", key);
    c.allowed.push(performance.now() - start);
    c.allowedCpu.push(cpuMs(cpu));
    if (!allowed) throw new Error(`${key} was allowed by another process, but isAllowed says no`);
  });
}

/** CPU time this process spent since `since` (user + system, all its threads), in milliseconds. */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}

/**
 * `pairbot pairing approve` as a user types it (the real bin/pairbot.js, a fresh Node process), for a
 * request this process filed just before; `node -e 0` in turn with it, since a busy machine slows both.
 */
async function cliApprovals(file: string, spawns: number, c: SizeCosts): Promise<void> {
  if (!builtFile("src/cli/bundle.js")) throw new Error("the CLI is not built (dist/src/cli/bundle.js missing): run npm run build");
  const gateway = new PairingStore({ file, policy: UNCAPPED });
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
export async function stepWriter(file: string, writerId: string, count: number, mode: WriterMode, after: (key: string, at: number) => Promise<void>): Promise<void> {
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

function rowsOf(all: SizeCosts[]): Row[] {
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
      ...(limit ? { target: `p99 <= ${limit} ms`, met: p99 <= limit } : {}),
      ...(limit && p99 > limit ? { note: notifyNote(c) } : {}),
    });
  }
  for (const c of all) {
    const p99 = percentile(c.approve, 99);
    const compactions = c.approveCompactions.length > 0 ? `; ${c.approveCompactions.length} compacted the journal: ${c.approveCompactions.map(fmtMs).join(", ")}` : "";
    rows.push({
      section: "2 approve in one process",
      measure: `approve a request another process filed, ${sizeName(c.size)} entries (${c.approve.length} approves)`,
      value: `${spread(c.approve)}; CPU p50 ${fmtMs(percentile(c.approveCpu, 50))}${compactions}`,
      ...(c.size === 100_000 ? { target: "p99 <= 5 ms", met: p99 <= 5 } : {}),
      ...(c.size === 100_000 && p99 > 5 ? { note: approveNote(c) } : {}),
    });
  }
  for (const c of all) {
    const p99 = percentile(c.allowed, 99);
    rows.push({
      section: "3 isAllowed after another process's change",
      measure: `isAllowed, ${sizeName(c.size)} entries (${c.allowed.length} changes)`,
      value: `${spread(c.allowed)}; CPU p50 ${fmtMs(percentile(c.allowedCpu, 50))}`,
      ...(c.size === 100_000 ? { target: "p99 <= 1 ms", met: p99 <= 1 } : {}),
      ...(c.size === 100_000 && p99 > 1 ? { note: isAllowedNote(c) } : {}),
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
      ...(limit && wall > limit ? { note: cliNote(c, at(100)) } : {}),
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

const load = (c: SizeCosts): string => `load average ${c.load.toFixed(1)} on 2 cores while measured`;

function notifyNote(c: SizeCosts): string {
  return (
    `p50 ${fmtMs(percentile(c.notify, 50))}: the bot usually learns of a request within a millisecond of its writer's ` +
    `acknowledgement (a negative time: it sent before the writer's fdatasync returned); the tail is mostly waiting (${load(c)}). ` +
    "Profiled at 100,000 entries (a scratch run, load ~13): the 6 slowest of 200 alerts had no GC pause and no compaction inside them, " +
    "the feed saw the record p50 -6 ms, p99 29 ms after the acknowledgement, and the rest of each slow sample was the notifier's pass " +
    "(a read, planning, the HTTP call) waiting its turn on a CPU. The store's part does not grow with its size (section 5: the p99 barely moves from " +
    "100 to 100,000 entries). What a user would also see, which this figure (timed from the acknowledgement) hides: at 100,000 " +
    "entries a compaction holds the store lock for 0.15-0.8 s (section 2), once per 256 KB of journal, and a gateway saving a request " +
    "meanwhile waits for it. What would fix that in src/store: write the snapshot from a frozen copy outside the store lock (rotate the " +
    "journal under the lock, keep the sealed one until the snapshot is durable), and scale COMPACT_BYTES with the snapshot's size; for " +
    "the tail itself, fewer thread-pool round trips per catch-up (one read, no fstat) and journal lines checked by hand, not by zod."
  );
}

function approveNote(c: SizeCosts): string {
  const compaction = c.approveCompactions.length > 0 ? ` One approve also compacted the journal: ${c.approveCompactions.map(fmtMs).join(", ")} holding the store lock.` : "";
  return (
    `the work does not grow with the store (section 5) and is small: CPU p50 ${fmtMs(percentile(c.approveCpu, 50))} per approve; the tail is ` +
    `waiting for a CPU (${load(c)}).${compaction} Timed step by step (scratch run at 100,000 entries, load ~12): lock (mkdir, stat) p50 0.42 ms, ` +
    "catch-up with the gateway's record (fstat, read, CRC, zod check of the line, apply) 0.5 ms, rule + prune + apply 0.7 ms, append + fstat " +
    "0.2 ms, unlock (rmdir) 0.4-0.6 ms, fdatasync after the unlock 0.5-0.6 ms; p99s of the same steps 2-15 ms each (scheduling). What would " +
    "fix it in src/store: compaction off the commit path (snapshot written outside the lock from a frozen copy, threshold scaled to the " +
    "snapshot size: today a 10 MB snapshot is rewritten for every 256 KB of journal); the bot as leader applying changes without the " +
    "lock folder (saves lock + unlock, ~1 ms p50 and most of the tail); journal lines checked by hand instead of with zod."
  );
}

function isAllowedNote(c: SizeCosts): string {
  return (
    `p50 ${fmtMs(percentile(c.allowed, 50))} with CPU p50 ${fmtMs(percentile(c.allowedCpu, 50))}: it is work, not waiting, and it does not ` +
    `grow with the store (section 5), since the lookup is a hash lookup and the catch-up reads one record (${load(c)}). Timed step by ` +
    "step (scratch run at 100,000 entries, load ~5): catch-up p50 0.80 ms, p99 2.5 ms, of which fstat 0.18 ms and reading, checking and " +
    "applying the one record 0.62 ms; in that, the zod check of the line ~50 us warm (JSON.parse of it ~5 us) and the audit effect copies " +
    "the 5,000-entry audit array twice. What would fix it in src/store: catch up with one read to the end of the journal instead of " +
    "fstat + read, check journal lines by hand instead of with zod, keep the audit in a ring or chunks so an audit effect " +
    "does not copy 5,000 entries (it copies them once), and let a reader skip the catch-up queue (stateLock) when no commit is running."
  );
}

function cliNote(c: SizeCosts, small: SizeCosts): string {
  const extra = (x: SizeCosts) => (median(x.cli) - median(x.bare)) / 1000;
  return (
    `${(extra(c)).toFixed(2)} s above node -e 0 (${(extra(small)).toFixed(2)} s at 100 entries; ${load(c)}). Opening the store in a process ` +
    `takes ${fmtMs(median(c.open))} here (the open rows below). The snapshot is trusted by the checksum in the journal's header (no ` +
    "field checks on open) and node-postgres is not loaded for a file store. Profiled after that (--cpu-prof, 10,000 entries, one " +
    "approve: 0.39 s wall): compiling the 570 KB bundle ~45 ms, JSON.parse of the 1.7 MB snapshot ~25 ms, GC ~25 ms, Node's own start " +
    "~0.13 s; the rest is the journal's lines since the last compaction (each checked with zod), the lock and the fdatasync. What would " +
    "meet 0.3 s: a smaller bundle (zod's share is the largest), and a snapshot laid out so a command reads only what it needs (the " +
    "allowlist per channel, read when a rule touches that channel; the audit apart), so `pairing approve` parses the requests, not 10 MB; " +
    "or the CLI sending its change to the running bot (the leader of section 6) instead of opening the store at all."
  );
}
