import { DEFAULT_POLICY, emptyStore, writeStoreFiles, type StoreDoc } from "../../src/store/index.js";

const CHANNELS = ["whatsapp", "signal", "telegram"];

/**
 * Writes a store as one in use for a while looks: `entries` allowlist entries (spread over three
 * channels), the audit at its cap, and one pending DM request per channel. Written directly (snapshot
 * and an empty journal), not through `entries` changes: the benchmarks need big stores in seconds.
 */
export async function seedStore(file: string, entries: number, now = Date.now()): Promise<StoreDoc> {
  const doc = seedDoc(entries, now);
  await writeStoreFiles(file, doc);
  return doc;
}

/** The document seedStore writes, for a backend written another way (PostgreSQL: writeWholeStore). */
export function seedDoc(entries: number, now = Date.now()): StoreDoc {
  const doc = emptyStore();
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let i = 0; i < entries; i++) {
    const channel = CHANNELS[i % CHANNELS.length]!;
    const senders = ((doc.dm.allowlist[channel] ??= {})["default"] ??= {});
    senders[senderOf(i)] = { name: `Sender ${i}`, addedAt: iso(now - (entries - i) * 1000), addedBy: "cli" };
  }
  // A full audit: each change appends to it and drops the oldest, so its size is part of every change.
  const auditLimit = DEFAULT_POLICY.auditLimit;
  for (let i = 0; i < auditLimit; i++) {
    const channel = CHANNELS[i % CHANNELS.length]!;
    doc.audit.push({ at: iso(now - (auditLimit - i) * 1000), action: i % 4 === 0 ? "deny" : "approve", actor: "telegram:7000001", subject: `${channel}/default/${senderOf(i)}`, requestId: `seedreq${String(i).padStart(5, "0")}` });
  }
  doc.dm.requests = CHANNELS.map((channel, i) => ({
    id: `seedpending${i}`,
    channel,
    account: "default",
    senderId: `+4916${String(10_000_000 + i)}`,
    name: `Waiting ${i}`,
    code: `SEEDAAA${"234"[i]}`,
    createdAt: iso(now - 60_000),
    lastSeenAt: iso(now - 60_000),
    expiresAt: iso(now + 59 * 60_000),
  }));
  return doc;
}

const senderOf = (i: number): string => `+4917${String(10_000_000 + i)}`;
