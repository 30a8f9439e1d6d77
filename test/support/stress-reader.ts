import { readStoreFiles } from "../../src/store/index.js";

/**
 * Reads the store over and over, as a new process that never locks would (snapshot, then journal),
 * until stdin closes:
 *   node dist/test/support/stress-reader.js <storeFile>
 * Prints "ready", then at the end "reads <n> failures <m>"; each failure also prints "fail <reason>".
 */
const file = process.argv[2];
if (!file) {
  console.error("usage: stress-reader <storeFile>");
  process.exit(2);
}
let reads = 0;
let failures = 0;
let stopped = false;

async function loop(): Promise<void> {
  while (!stopped) {
    try {
      await readStoreFiles(file!);
      reads++;
    } catch (e) {
      failures++;
      process.stdout.write(`fail ${(e as Error).message.slice(0, 200)}\n`);
    }
  }
}

process.stdin.on("end", () => {
  stopped = true;
  process.stdout.write(`reads ${reads} failures ${failures}\n`);
  process.exit(0);
});
process.stdin.resume();
process.stdout.write("ready\n");
void loop();
