import { constants, promises as fs } from "node:fs";
import path from "node:path";
import { median } from "./stats.js";

/**
 * What making one commit durable costs on this disk, the way the store's journal does it: append a
 * record-sized line to an open file, then fdatasync. One process committing one change at a time
 * cannot go faster than this.
 */
export async function appendSyncMs(dir: string, bytes = 400, runs = 100): Promise<number> {
  const file = path.join(dir, "probe.journal");
  const line = Buffer.from("x".repeat(bytes - 1) + "\n");
  const handle = await fs.open(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await handle.write(line, 0, line.length, null);
      await handle.datasync();
      times.push(performance.now() - start);
    }
  } finally {
    await handle.close();
    await fs.rm(file, { force: true });
  }
  return median(times);
}
