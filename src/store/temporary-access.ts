import type { AllowEntry, Allowlist } from "./schema.js";

/**
 * The allowlist entries that end by themselves (`until`), found without walking the whole allowlist on
 * every change: built once per loaded allowlist, then kept by `applyEffect`, the one place that changes it.
 */
export interface TemporaryEntry {
  channel: string;
  account: string;
  senderId: string;
  until: string;
}

const indexes = new WeakMap<Allowlist, Map<string, TemporaryEntry>>();
const keyOf = (channel: string, account: string, senderId: string) => `${channel}\u0000${account}\u0000${senderId}`;

function indexOf(allowlist: Allowlist): Map<string, TemporaryEntry> {
  let index = indexes.get(allowlist);
  if (!index) {
    index = new Map();
    for (const [channel, accounts] of Object.entries(allowlist)) {
      for (const [account, senders] of Object.entries(accounts)) {
        for (const [senderId, entry] of Object.entries(senders)) {
          if (entry.until !== undefined) index.set(keyOf(channel, account, senderId), { channel, account, senderId, until: entry.until });
        }
      }
    }
    indexes.set(allowlist, index);
  }
  return index;
}

/** Every entry with an end, in no particular order. */
export const temporaryEntries = (allowlist: Allowlist): TemporaryEntry[] => [...indexOf(allowlist).values()];

/** Called for every change to an allowlist: `entry` is the new one, undefined when removed. */
export function noteAllowChange(allowlist: Allowlist, channel: string, account: string, senderId: string, entry: AllowEntry | undefined): void {
  const index = indexes.get(allowlist);
  if (!index) return; // not built yet: it will be, from the allowlist as it is then
  const key = keyOf(channel, account, senderId);
  if (entry?.until !== undefined) index.set(key, { channel, account, senderId, until: entry.until });
  else index.delete(key);
}
