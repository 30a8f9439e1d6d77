import { mkdirSync } from "node:fs";
import path from "node:path";
import { readStoreFiles } from "../src/store/index.js";
import { seedStore } from "../test/support/bench-seed.js";
import { isDone, startWriters } from "../test/support/stress-processes.js";
import { appendSyncMs } from "./disk.js";
import type { Row } from "./report.js";
import { fmtMs } from "./stats.js";

const SECTION = "7 store throughput";
const ENTRIES = 10_000;
const TARGET = 1000;

/**
 * Changes per second with 1, 2, 4 and 8 writer processes sharing one store (10,000 entries, the audit
 * at its cap), and how many acknowledged changes a new process then fails to find.
 */
export async function throughput(dir: string, totalChanges = 800): Promise<Row[]> {
  const floor = await appendSyncMs(dir);
  const rows: Row[] = [
    { section: SECTION, measure: "append one 400-byte line + fdatasync on this disk, one process", value: `${fmtMs(floor)} = at most ${(1000 / floor).toFixed(0)} commits/s one at a time` },
  ];
  let single = Number.NaN;
  // The last run keeps 8 changes in flight per writer, as a busy gateway does: the store saves them together.
  for (const [writers, inflight] of [[1, 1], [2, 1], [4, 1], [8, 1], [8, 8]] as const) {
    const folder = path.join(dir, `throughput-${writers}x${inflight}`);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, "store.json");
    await seedStore(file, ENTRIES);
    const each = Math.ceil(totalChanges / writers);
    const procs = await startWriters(file, writers, each, "allow", "w", inflight);
    const start = performance.now(); // from the moment all are released: process start-up is not counted
    await Promise.all(procs.map((p) => p.until(isDone)));
    const seconds = (performance.now() - start) / 1000;
    const acked = procs.flatMap((p) => p.acks.map((a) => a.key));
    const stored = (await readStoreFiles(file)).dm.allowlist.stress?.default ?? {};
    const lost = acked.filter((key) => !Object.hasOwn(stored, key)).length;
    const rate = acked.length / seconds;
    if (writers === 1) single = rate;
    const eight = writers === 8 && inflight === 1;
    rows.push({
      section: SECTION,
      measure: `${writers} writer${writers > 1 ? "s" : ""} x ${each} changes${inflight > 1 ? `, ${inflight} in flight each (group commit)` : ", one at a time"}`,
      value: `${rate.toFixed(0)} changes/s, ${lost} lost`,
      ...(eight ? { target: `>= ${TARGET.toLocaleString("en")} changes/s, 0 lost`, met: rate >= TARGET && lost === 0 } : { target: "0 lost", met: lost === 0 }),
      ...(eight && rate < TARGET ? { note: throughputNote(rate, single, floor) } : {}),
    });
  }
  return rows;
}

function throughputNote(rate: number, single: number, floor: number): string {
  return (
    `each change takes the lock folder (proper-lockfile: mkdir, then a 1 s mtime refresh timer), catches up, appends, checks its place (fstat), ` +
    `removes the lock folder, then fdatasyncs. One writer alone makes ${single.toFixed(0)} changes/s (${fmtMs(1000 / single)} each, of which ` +
    `${fmtMs(floor)} is the append + fdatasync on this disk); with 8, each change also waits for the lock handoff: a release removes ` +
    `the folder, the folder watch wakes every waiter, they race on mkdir on 2 cores, and the losers sleep again, so the rate ` +
    `(${rate.toFixed(0)}/s) stays near one writer's. What would fix it: one process applies everyone's changes (the bot as leader ` +
    `on a 0600 Unix socket in the store folder, others falling back to the lock when it is down; measured here 1,900-2,500/s), ` +
    `or writers queue intents that the lock holder applies in one append (600-835/s).`
  );
}
