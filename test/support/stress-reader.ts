import { readFileSync } from "node:fs";
import { parseStore } from "../../src/store/file.js";

/**
 * Parses the store file over and over, as a reader that never locks would, until stdin closes:
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

function readOnce(): void {
  let text: string;
  try {
    text = readFileSync(file!, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // not created yet
    throw e;
  }
  try {
    parseStore(file!, text);
    reads++;
  } catch (e) {
    failures++;
    process.stdout.write(`fail ${(e as Error).message.slice(0, 200)}\n`);
  }
}

function loop(): void {
  if (stopped) return;
  readOnce();
  setImmediate(loop);
}

process.stdin.on("end", () => {
  stopped = true;
  process.stdout.write(`reads ${reads} failures ${failures}\n`);
  process.exit(0);
});
process.stdin.resume();
process.stdout.write("ready\n");
loop();
