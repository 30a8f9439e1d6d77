import path from "node:path";
import { PairingStore } from "../src/store/index.js";
import { isDone, startWriters } from "../test/support/stress-processes.js";
import type { Row } from "./report.js";

/** Changes per second with 1, 2, 4 and 8 writer processes sharing one store, and how many were lost. */
export async function throughput(dir: string, totalChanges = 800): Promise<Row[]> {
  const rows: Row[] = [];
  for (const writers of [1, 2, 4, 8]) {
    const file = path.join(dir, `throughput-${writers}.json`);
    const each = Math.ceil(totalChanges / writers);
    const procs = await startWriters(file, writers, each, "allow");
    const start = performance.now(); // from the moment all are released: process start-up is not counted
    await Promise.all(procs.map((p) => p.until(isDone)));
    const seconds = (performance.now() - start) / 1000;
    const acked = procs.flatMap((p) => p.acks.map((a) => a.key));
    const doc = await new PairingStore({ file }).read();
    const stored = doc.dm.allowlist.stress?.default ?? {};
    const lost = acked.filter((key) => !Object.hasOwn(stored, key)).length;
    const rate = acked.length / seconds;
    rows.push({
      section: "2 store throughput",
      measure: `${writers} writer${writers > 1 ? "s" : ""} x ${each} changes`,
      value: `${rate.toFixed(0)} changes/s, ${lost} lost`,
      ...(writers === 8 ? { target: ">= 500 changes/s, 0 lost", met: rate >= 500 && lost === 0 } : { target: "0 lost", met: lost === 0 }),
    });
  }
  return rows;
}
