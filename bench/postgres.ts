import { randomBytes } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { readWholeStore, writeWholeStore } from "../src/store/index.js";
import { BenchBotApi } from "../test/support/bench-bot.js";
import { seedDoc } from "../test/support/bench-seed.js";
import { isDone, startWriters } from "../test/support/stress-processes.js";
import { approvals, notificationLatency } from "./costs.js";
import { POSTGRES_SECTION, type Row } from "./report.js";
import { fmtMs, growthExponent, percentile } from "./stats.js";

const SECTION = POSTGRES_SECTION;
const SIZES = [100, 1_000, 10_000, 100_000] as const;
const THROUGHPUT_ENTRIES = 10_000;

/** The server the bench may create a scratch database on: BENCH_POSTGRES, else the tests' PAIRBOT_TEST_POSTGRES. */
export const benchPostgres = (): string | undefined => process.env.BENCH_POSTGRES || process.env.PAIRBOT_TEST_POSTGRES || undefined;

/**
 * The PostgreSQL backend measured as section 1, 2, 5 and 6 measure the file (each row names the file
 * row it stands beside), in a scratch database dropped afterwards. Skipped, with one row saying so,
 * when no server is named or it cannot be reached.
 */
export async function postgres(): Promise<Row[]> {
  const admin = benchPostgres();
  if (!admin) return [skipped("no server named: set BENCH_POSTGRES=postgres://USER@HOST:5432/postgres (a user that may create databases)")];
  const name = `pairbot_bench_${randomBytes(4).toString("hex")}`;
  try {
    await sql(admin, `CREATE DATABASE ${name}`);
  } catch (e) {
    return [skipped(`cannot create a scratch database there (${(e as Error).message})`)];
  }
  const base = new URL(admin);
  base.pathname = `/${name}`;
  const storeAt = (schema: string) => `${base.toString()}${base.search ? "&" : "?"}schema=${schema}`;
  try {
    return [...(await costsBySize(storeAt)), ...(await throughput(storeAt))];
  } finally {
    await sql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const skipped = (why: string): Row => ({ section: SECTION, measure: "the PostgreSQL column", value: "skipped", met: null, note: why });

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

interface SizeCosts {
  size: number;
  notify: number[];
  approve: number[];
  approveCpu: number[];
  approveCompactions: number[];
  load: number;
}

const sizeName = (n: number): string => n.toLocaleString("en");
const spread = (s: number[]): string => `p50 ${fmtMs(percentile(s, 50))}, p99 ${fmtMs(percentile(s, 99))}, max ${fmtMs(Math.max(...s))}`;

/** Notification latency and approve on stores seeded as section 1's (audit at its cap, pending requests). */
async function costsBySize(storeAt: (schema: string) => string): Promise<Row[]> {
  const api = new BenchBotApi();
  const root = await api.listen();
  const all: SizeCosts[] = [];
  try {
    for (const size of SIZES) {
      const url = storeAt(`s${size}`);
      await writeWholeStore(url, seedDoc(size));
      const samples = size >= 10_000 ? 200 : 100;
      const c: SizeCosts = { size, notify: [], approve: [], approveCpu: [], approveCompactions: [], load: Number.NaN };
      c.notify = await notificationLatency(api, root, url, `N${size}`, samples);
      await approvals(url, `A${size}`, samples, c);
      c.load = os.loadavg()[0]!;
      all.push(c);
    }
  } finally {
    await api.close();
  }
  const rows: Row[] = [];
  for (const c of all) {
    const p99 = percentile(c.notify, 99);
    rows.push({
      section: SECTION,
      measure: `store write in another process -> bot's sendMessage, ${sizeName(c.size)} entries (${c.notify.length} requests)`,
      value: spread(c.notify),
      ...(c.size >= 10_000 ? { target: "p99 <= 10 ms", met: p99 <= 10 } : {}),
      ...(c.size >= 10_000 && p99 > 10 ? { note: `load average ${c.load.toFixed(1)} on 2 cores while measured` } : {}),
    });
  }
  for (const c of all) {
    const p99 = percentile(c.approve, 99);
    rows.push({
      section: SECTION,
      measure: `approve a request another process filed, ${sizeName(c.size)} entries (${c.approve.length} approves)`,
      value: `${spread(c.approve)}; CPU p50 ${fmtMs(percentile(c.approveCpu, 50))}`,
      ...(c.size === 100_000 ? { target: "p99 <= 5 ms", met: p99 <= 5 } : {}),
      ...(c.size === 100_000 && p99 > 5 ? { note: `load average ${c.load.toFixed(1)} on 2 cores while measured` } : {}),
    });
  }
  const grow = (name: string, cost: (c: SizeCosts) => number) => {
    const k = growthExponent(all.map((c) => [c.size, cost(c)] as const));
    const small = cost(all[0]!);
    const big = cost(all[all.length - 1]!);
    rows.push({ section: SECTION, measure: name, value: `~ n^${k.toFixed(2)} (${fmtMs(small)} -> ${fmtMs(big)}, x${(big / small).toFixed(1)})` });
  };
  grow("notification latency p99", (c) => percentile(c.notify, 99));
  grow("approve p50", (c) => percentile(c.approve, 50));
  return rows;
}

/** Writer processes, each with its own connections, sharing one store of 10,000 entries; then what a new process finds. */
async function throughput(storeAt: (schema: string) => string, totalChanges = 800): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [writers, inflight] of [[1, 1], [8, 1], [8, 8]] as const) {
    const url = storeAt(`w${writers}x${inflight}`);
    await writeWholeStore(url, seedDoc(THROUGHPUT_ENTRIES));
    const each = Math.ceil(totalChanges / writers);
    const procs = await startWriters(url, writers, each, "allow", "w", inflight);
    const start = performance.now();
    await Promise.all(procs.map((p) => p.until(isDone)));
    const seconds = (performance.now() - start) / 1000;
    const acked = procs.flatMap((p) => p.acks.map((a) => a.key));
    const stored = (await readWholeStore(url)).dm.allowlist.stress?.default ?? {};
    const lost = acked.filter((key) => !Object.hasOwn(stored, key)).length;
    const rate = acked.length / seconds;
    const eight = writers === 8 && inflight === 1;
    rows.push({
      section: SECTION,
      measure: `${writers} writer${writers > 1 ? "s" : ""} x ${each} changes${inflight > 1 ? `, ${inflight} in flight each (group commit)` : ", one at a time"}`,
      value: `${rate.toFixed(0)} changes/s, ${lost} lost`,
      ...(eight ? { target: ">= 1,000 changes/s, 0 lost", met: rate >= 1000 && lost === 0 } : { target: "0 lost", met: lost === 0 }),
    });
  }
  return rows;
}
