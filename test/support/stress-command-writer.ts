import { createInterface } from "node:readline";
import * as allowlist from "../../src/store/allowlist.js";
import { PairingStore, isPairbotError } from "../../src/store/index.js";

/**
 * A writer the parent drives one command at a time, so the parent knows when each change began and
 * when it was acknowledged:
 *   node dist/test/support/stress-command-writer.js <storeFile> <padBytes>
 * Prints "ready"; then for each stdin line "<n> read" | "<n> allow <key> [pause]" | "<n> revoke <key> [pause]"
 * answers "ack <n> <runs>" once the store saved it (runs: how often the rule ran; above 1 means the
 * write was fenced off and re-run) or "fail <n> <code>". "pause" stops this process with SIGSTOP from
 * inside the rule: it then holds the lock and a state that others will change before SIGCONT.
 * padBytes > 0 adds a filler entry put and removed in the same change: records of that size, same state,
 * so compaction comes often.
 */
const [file, padText = "0"] = process.argv.slice(2);
const pad = Number(padText);
if (!file || !Number.isInteger(pad) || pad < 0) {
  console.error("usage: stress-command-writer <storeFile> <padBytes>");
  process.exit(2);
}

const store = new PairingStore({ file, policy: { maxPendingPerAccount: 1_000_000, maxPendingPerChannel: 1_000_000, maxPendingTotal: 1_000_000 } });
const account = { channel: "stress" };

async function run(line: string): Promise<string> {
  const [n, op, key, flag] = line.split(" ");
  if (op === "read") {
    await store.read();
    return `ack ${n} 0`;
  }
  let runs = 0;
  try {
    await store.change((tx) => {
      runs++;
      if (flag === "pause" && runs === 1) process.kill(process.pid, "SIGSTOP");
      if (pad > 0) {
        tx.putAllowEntry("filler", "default", key!, { addedAt: tx.nowIso, addedBy: "f".repeat(pad) });
        tx.removeAllowEntry("filler", "default", key!);
      }
      if (op === "allow") allowlist.allowSender(tx, { ...account, senderId: key! }, "stress");
      else allowlist.removeSender(tx, { ...account, senderId: key! }, "stress", "revoke");
    });
    return `ack ${n} ${runs}`;
  } catch (e) {
    if (isPairbotError(e) && e.code !== "store_corrupt" && e.code !== "store_busy") return `fail ${n} ${e.code}`;
    throw e;
  }
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    const answer = await run(line);
    await new Promise<void>((resolve) => process.stdout.write(answer + "\n", () => resolve()));
  });
  queue.catch((e: unknown) => {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    process.exit(1);
  });
});
lines.on("close", () => void queue.then(() => process.exit(0)));
process.stdout.write("ready\n");
