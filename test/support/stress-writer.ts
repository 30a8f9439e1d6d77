import { createInterface } from "node:readline";
import { openStore } from "../../src/store/index.js";

/**
 * One writer process for the stress suite and the benchmarks:
 *   node dist/test/support/stress-writer.js <storeFile|postgresUrl> <writerId> <count> [allow|dm|device|mixed] [gapMs] [inflight]
 * Prints "ready", starts on a line from stdin ([gapMs] "step": one change per line), makes <count> changes one after another (0: until killed),
 * and after each one the store has saved prints "ack <key> <epochMs>"; then "done <elapsedMs>".
 * allow: allowlist entries on channel "stress"; dm: DM pairing requests (cap raised); device: a setup
 * code and a device request (the device is named <key>); mixed: dm and device in turn. Keys are
 * "<writerId>-<5 digits>", so no key is a prefix of another.
 */
const [file, writerId, countText = "0", mode = "allow", gapText = "0", inflightText = "1"] = process.argv.slice(2);
// Changes this writer keeps in flight at once (a busy gateway has several): the store saves them together.
const inflight = Number(inflightText);
const count = Number(countText);
// "step": wait for a line on stdin before each change, so the parent sets the pace (one request in flight).
const step = gapText === "step";
const gapMs = step ? 0 : Number(gapText);
if (!file || !writerId || !Number.isInteger(count) || count < 0 || !["allow", "dm", "device", "mixed"].includes(mode) || !(gapMs >= 0) || !(Number.isInteger(inflight) && inflight >= 1)) {
  console.error("usage: stress-writer <storeFile> <writerId> <count> [allow|dm|device|mixed] [gapMs]");
  process.exit(2);
}

const store = openStore({ location: file, policy: { maxPendingPerAccount: 1_000_000, maxPendingPerChannel: 1_000_000, maxPendingTotal: 1_000_000 } });
const now = (): number => performance.timeOrigin + performance.now();

/** A fresh raw Ed25519-sized key: 32 random bytes, base64url (the store checks the shape only). */
const deviceKey = (): string => crypto.getRandomValues(Buffer.alloc(32)).toString("base64url");

async function change(key: string, i: number): Promise<void> {
  const kind = mode === "mixed" ? (i % 2 === 0 ? "dm" : "device") : mode;
  if (kind === "allow") await store.allowSender({ channel: "stress", senderId: key }, `writer:${writerId}`);
  else if (kind === "dm") await store.requestDmPairing({ channel: "stress", senderId: key, name: key });
  else {
    const setup = await store.createSetupCode({ url: "ws://127.0.0.1:18789" }, `writer:${writerId}`);
    const { bootstrapToken } = JSON.parse(Buffer.from(setup.setupCode, "base64url").toString("utf8")) as { bootstrapToken: string };
    await store.requestDevicePairing({ bootstrapToken, publicKey: deviceKey(), name: key, platform: "linux", role: "node", scopes: [], remoteAddress: "127.0.0.1" });
  }
}

async function run(): Promise<void> {
  const start = performance.now();
  let next = 0;
  const loop = async (): Promise<void> => {
    for (let i = next++; count === 0 || i < count; i = next++) {
      if (step && i > 0) await nextLine();
      const key = `${writerId}-${String(i).padStart(5, "0")}`;
      await change(key, i);
      process.stdout.write(`ack ${key} ${now().toFixed(3)}\n`);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  };
  await Promise.all(Array.from({ length: step ? 1 : inflight }, loop));
  // Exit once the line is out: the parent keeps our stdin open and would keep us alive.
  process.stdout.write(`done ${(performance.now() - start).toFixed(1)}\n`, () => process.exit(0));
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async (): Promise<void> => {
  if ((await lines.next()).done) process.exit(0); // the parent went away
};

process.stdout.write("ready\n");
void nextLine().then(() => {
  if (!step) process.stdin.pause();
  run().catch((e: unknown) => {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    process.exit(1);
  });
});
