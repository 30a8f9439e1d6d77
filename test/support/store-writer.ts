import { openStore } from "../../src/store/index.js";

/**
 * One writer in the multi-process store tests:
 *   node dist/test/support/store-writer.js <storeFile|postgresUrl> <writerId> <count> [allow|dm]
 * Prints "ready", waits for a line on stdin (so writers start together), then makes <count> changes one
 * after another and prints "ack <key>" for each only after the store has saved it, then "done".
 * "allow" adds allowlist entries on channel "stress"; "dm" files DM requests (the cap is raised).
 */
const [file, writerId, countText, mode = "allow"] = process.argv.slice(2);
const count = Number(countText);
if (!file || !writerId || !Number.isInteger(count) || count < 0 || (mode !== "allow" && mode !== "dm")) {
  console.error("usage: store-writer <storeFile|postgresUrl> <writerId> <count> [allow|dm]");
  process.exit(2);
}

const store = openStore({ location: file, policy: { maxPendingPerAccount: 1_000_000, maxPendingPerChannel: 1_000_000, maxPendingTotal: 1_000_000 } });

async function run(): Promise<void> {
  for (let i = 0; i < count; i++) {
    const senderId = `${writerId}-${i}`;
    if (mode === "allow") await store.allowSender({ channel: "stress", senderId }, `writer:${writerId}`);
    else await store.requestDmPairing({ channel: "stress", senderId });
    process.stdout.write(`ack ${senderId}\n`);
  }
  process.stdout.write("done\n");
}

process.stdout.write("ready\n");
process.stdin.once("data", () => {
  process.stdin.pause();
  run().catch((e: unknown) => {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    process.exit(1);
  });
});
