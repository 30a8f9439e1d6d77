import pg from "pg";
import { PairingStore, PgBackend } from "../src/store/index.js";

/**
 * Commit latency and throughput of the PostgreSQL backend, advisory lock against optimistic insert:
 *   node dist/bench/pg-store.js postgres://postgres@127.0.0.1:5432/test [seconds]
 * Each writer is a store with its own pool (its own connection), committing one change after another.
 */
const [baseArg, secondsText = "3"] = process.argv.slice(2);
if (!baseArg) {
  console.error("usage: pg-store <postgres://... database url> [seconds]");
  process.exit(2);
}
const base: string = baseArg;
const seconds = Number(secondsText);

async function run(locking: "advisory" | "optimistic", writers: number): Promise<string> {
  const schema = `bench_${locking}_${writers}_${Date.now()}`;
  const url = `${base}${base.includes("?") ? "&" : "?"}schema=${schema}`;
  const backends = Array.from({ length: writers }, () => new PgBackend({ url, locking, log: () => undefined }));
  const stores = backends.map((backend) => new PairingStore({ file: url, backend }));
  await stores[0]!.prune();
  await Promise.all(stores.map((s) => s.read()));
  const latencies: number[] = [];
  let busy = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(stores.map(async (store, w) => {
    for (let i = 0; Date.now() < end; i++) {
      const t = performance.now();
      try {
        await store.allowSender({ channel: "bench", senderId: `w${w}-${i}` }, "bench");
        latencies.push(performance.now() - t);
      } catch {
        busy++; // store_busy: lost the race more than 50 times in a row
      }
    }
  }));
  await Promise.all(backends.map((b) => b.close()));
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  return `| ${locking} | ${writers} | ${(latencies.length / seconds).toFixed(0)}/s | ${at(0.5)} ms | ${at(0.99)} ms | ${busy} |`;
}

console.log("| locking | writers | commits | p50 | p99 | gave up (store_busy) |");
console.log("|---|---|---|---|---|---|");
for (const writers of [1, 8]) for (const locking of ["advisory", "optimistic"] as const) console.log(await run(locking, writers));
