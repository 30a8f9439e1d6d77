import type { Tx } from "./policy.js";
import { ID_FORM, type AllowEntry, type DmBlock, type DmRequest } from "./schema.js";
import { normalizeSenderId } from "./sender-ids.js";
import { dmEventFields } from "./pairing-events.js";

/**
 * Brings the sender ids of a store kept before they were normalised into the one form, merging what
 * turns out to be one sender: run by the first change of a store whose `idForm` is older, as ordinary
 * effects, so every process and every reader applies the same. See docs/store.md, "Sender ids".
 */
export function normalizeStoredIds(tx: Tx): void {
  if (tx.doc.idForm >= ID_FORM) return;
  mergeAllowlist(tx);
  mergeRequests(tx);
  mergeBlocks(tx);
  tx.setIdForm(ID_FORM);
}

const normalOf = (channel: string, senderId: string): string => {
  const normal = normalizeSenderId(channel, senderId);
  return normal === "__proto__" ? senderId : normal;
};

/** One sender added twice: the first addition stands; access without an end outlasts access with one. */
function mergedEntry(a: AllowEntry, b: AllowEntry): AllowEntry {
  const [first, second] = a.addedAt <= b.addedAt ? [a, b] : [b, a];
  const until = a.until === undefined || b.until === undefined ? undefined : a.until > b.until ? a.until : b.until;
  const name = first.name ?? second.name;
  return { ...(name ? { name } : {}), addedAt: first.addedAt, addedBy: first.addedBy, ...(until ? { until } : {}) };
}

function mergeAllowlist(tx: Tx): void {
  const moves: Array<[string, string, string, string]> = [];
  for (const [channel, accounts] of Object.entries(tx.doc.dm.allowlist)) {
    for (const [account, senders] of Object.entries(accounts)) {
      for (const senderId of Object.keys(senders)) {
        const normal = normalOf(channel, senderId);
        if (normal !== senderId) moves.push([channel, account, senderId, normal]);
      }
    }
  }
  for (const [channel, account, senderId, normal] of moves) {
    const entry = tx.allowEntry(channel, account, senderId)!;
    const there = tx.allowEntry(channel, account, normal);
    tx.removeAllowEntry(channel, account, senderId);
    tx.putAllowEntry(channel, account, normal, there ? mergedEntry(there, entry) : entry);
  }
}

function mergeRequests(tx: Tx): void {
  const key = (r: { channel: string; account: string; senderId: string }) => `${r.channel}\u0000${r.account}\u0000${r.senderId}`;
  const byOldest = [...tx.doc.dm.requests].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  const kept = new Map<string, DmRequest>();
  for (const r of byOldest) {
    const normal: DmRequest = { ...r, senderId: normalOf(r.channel, r.senderId) };
    if (kept.has(key(normal))) {
      // The same sender asked twice under two spellings: the older request stands.
      tx.removeDmRequest(r.id);
      tx.audit("expire", "clock", `${r.channel}/${r.account}/${r.senderId}: merged into ${normal.senderId}`, r.id, r.code);
      tx.event("dm.expired", { ...dmEventFields(r), reason: "merged" });
      continue;
    }
    kept.set(key(normal), normal);
    if (normal.senderId !== r.senderId) tx.putDmRequest(normal);
  }
}

function mergeBlocks(tx: Tx): void {
  for (const b of [...tx.doc.dm.blocks]) {
    const normal = normalOf(b.channel, b.senderId);
    if (normal === b.senderId) continue;
    const there = tx.doc.dm.blocks.find((x) => x.channel === b.channel && x.account === b.account && x.senderId === normal);
    tx.removeBlock(b.channel, b.account, b.senderId);
    tx.putBlock(there ? strongerBlock(there, { ...b, senderId: normal }) : { ...b, senderId: normal });
  }
}

/** A block by the owner outlasts a cool-down; no end outlasts an end. */
function strongerBlock(a: DmBlock, b: DmBlock): DmBlock {
  if (a.reason !== b.reason) return a.reason === "block" ? a : b;
  if (a.until === undefined) return a;
  if (b.until === undefined) return b;
  return a.until >= b.until ? a : b;
}
