import { mkdirSync, utimesSync } from "node:fs";
import path from "node:path";
import { PairingStore } from "../../src/store/index.js";
import { isDone, startWriters } from "./stress-processes.js";
import { tempDir } from "./temp-store.js";

/**
 * A lock left behind by a killed process, and `writers` processes arriving together to find it stale:
 * exactly one may take it over at a time. Returns how many acknowledged changes are missing, over `rounds`.
 */
export async function staleLockTakeover(o: { writers: number; rounds: number }): Promise<{ rounds: number; acknowledged: number; lost: number }> {
  const { dir, remove } = tempDir("pairbot-stale-");
  let acknowledged = 0;
  let lost = 0;
  try {
    for (let round = 0; round < o.rounds; round++) {
      const file = path.join(dir, `store-${round}.json`);
      await new PairingStore({ file }).allowSender({ channel: "stress", senderId: "seed" }, "cli");
      mkdirSync(`${file}.lock`);
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${file}.lock`, old, old);
      const procs = await startWriters(file, o.writers, 3, "allow", `s${round}w`);
      await Promise.all(procs.map((p) => p.until(isDone)));
      const stored = (await new PairingStore({ file }).read()).dm.allowlist["stress"]?.["default"] ?? {};
      const acked = procs.flatMap((p) => p.acks.map((a) => a.key));
      acknowledged += acked.length;
      lost += acked.filter((k) => !Object.hasOwn(stored, k)).length;
    }
  } finally {
    remove();
  }
  return { rounds: o.rounds, acknowledged, lost };
}
