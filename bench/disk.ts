import { constants, promises as fs } from "node:fs";
import path from "node:path";
import { median } from "./stats.js";

/**
 * What one durable write costs on this disk, the way the store writes: a new temp file, fsync, rename,
 * fsync of the folder. No store that keeps every change on disk can save faster than this, one at a time.
 */
export async function durableWriteMs(dir: string, bytes = 20_000, runs = 30): Promise<number> {
  const file = path.join(dir, "probe.json");
  const text = "x".repeat(bytes);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const temp = `${file}.${i}.tmp`;
    const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    await fs.rename(temp, file);
    const folder = await fs.open(dir, "r");
    await folder.sync();
    await folder.close();
    times.push(performance.now() - start);
  }
  return median(times);
}
