import path from "node:path";
import { PairingStore } from "../src/store/index.js";
import { isDone, startWriters } from "../test/support/stress-processes.js";
import { durableWriteMs } from "./disk.js";
import type { Row } from "./report.js";
import { fmtMs } from "./stats.js";

/** Changes per second with 1, 2, 4 and 8 writer processes sharing one store, and how many were lost. */
export async function throughput(dir: string, totalChanges = 800): Promise<Row[]> {
  const floor = await durableWriteMs(dir);
  const rows: Row[] = [
    { section: "2 store throughput", measure: "one durable 20 KB write on this disk (temp, fsync, rename, fsync folder)", value: `${fmtMs(floor)} = at most ${(1000 / floor).toFixed(0)} writes/s` },
  ];
  let single = Number.NaN;
  // The last run keeps 8 changes in flight per writer, as a busy gateway does: the store saves them together.
  for (const [writers, inflight] of [[1, 1], [2, 1], [4, 1], [8, 1], [8, 8]] as const) {
    const file = path.join(dir, `throughput-${writers}-${inflight}.json`);
    const each = Math.ceil(totalChanges / writers);
    const procs = await startWriters(file, writers, each, "allow", "w", inflight);
    const start = performance.now(); // from the moment all are released: process start-up is not counted
    await Promise.all(procs.map((p) => p.until(isDone)));
    const seconds = (performance.now() - start) / 1000;
    const acked = procs.flatMap((p) => p.acks.map((a) => a.key));
    const doc = await new PairingStore({ file }).read();
    const stored = doc.dm.allowlist.stress?.default ?? {};
    const lost = acked.filter((key) => !Object.hasOwn(stored, key)).length;
    const rate = acked.length / seconds;
    if (writers === 1) single = rate;
    rows.push({
      section: "2 store throughput",
      measure: `${writers} writer${writers > 1 ? "s" : ""} x ${each} changes${inflight > 1 ? `, ${inflight} in flight each (group commit)` : ", one at a time"}`,
      value: `${rate.toFixed(0)} changes/s, ${lost} lost`,
      ...(writers === 8 ? { target: ">= 500 changes/s, 0 lost", met: rate >= 500 && lost === 0 } : { target: "0 lost", met: lost === 0 }),
      ...(writers === 8 && inflight === 1 && rate < 500
        ? { note: `writers queue on one lock; each change holds it through a durable write (${fmtMs(floor)} on this disk alone) and a rewrite of the whole JSON. One writer reuses the document it wrote last (${fmtMs(1000 / single)} per change); with several, every change follows another process's write, so each also re-reads and validates the whole file, and waiting writers poll the lock folder, which on a small machine takes CPU from the holder. So more writers give fewer changes/s, not more. What would fix it: a store that appends instead of rewriting (SQLite in WAL mode) or one writer process that the others send changes to; the group commit in src/store helps writers that have several changes in flight (the next row), not 8 processes making one change each.` }
        : {}),
    });
  }
  return rows;
}
