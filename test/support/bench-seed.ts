import { emptyStore, writeStoreFiles, type StoreDoc } from "../../src/store/index.js";

/**
 * Writes a store that already holds `entries` allowlist entries (spread over three channels), without
 * going through `entries` changes: the benchmarks need big stores in seconds.
 */
export async function seedStore(file: string, entries: number, at = new Date().toISOString()): Promise<StoreDoc> {
  const doc = emptyStore();
  const channels = ["whatsapp", "signal", "telegram"];
  for (let i = 0; i < entries; i++) {
    const channel = channels[i % channels.length]!;
    const senders = ((doc.dm.allowlist[channel] ??= {}).default ??= {});
    senders[`+4917${String(10_000_000 + i)}`] = { name: `Sender ${i}`, addedAt: at, addedBy: "cli" };
  }
  await writeStoreFiles(file, doc);
  return doc;
}
