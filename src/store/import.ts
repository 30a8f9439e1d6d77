import { isAllowed } from "./allowlist.js";
import { fileDmRequest } from "./dm.js";
import { approvedEvent } from "./pairing-events.js";
import { isPairbotError } from "./errors.js";
import type { Tx } from "./policy.js";
import { newPairingCode, pairingCodeOf } from "./secrets.js";
import * as valid from "./validate.js";

/** Bulk imports: many senders (or pending requests) brought in by one change, with one audit entry. */

export interface SenderImport {
  id: unknown;
  name?: unknown;
}

/** One entry that was not imported: where it stood in the input (0-based), what it was, and why. */
export interface ImportRefusal {
  index: number;
  id: string;
  reason: string;
}

export interface AllowlistImportResult {
  channel: string;
  account: string;
  added: number;
  alreadyAllowed: number;
  refused: ImportRefusal[];
}

/** What a refused entry showed of itself: its id as text, cut short, or a word for what it was. */
const shown = (id: unknown): string =>
  typeof id === "string" ? id.slice(0, 64) : typeof id === "number" ? String(id) : id === undefined || id === null ? "" : typeof id;

/** An imported sender's id (a number is taken as its digits) and name, checked; or why not (another error is not ours to swallow). */
function importedSender(channel: string, id: unknown, name: unknown): { senderId: string; name: string | undefined } | { reason: string } {
  try {
    return { senderId: valid.senderIdOn(channel, typeof id === "number" ? String(id) : id), name: valid.optionalText("name", name, valid.LIMITS.name) };
  } catch (e) {
    if (isPairbotError(e)) return { reason: e.message };
    throw e;
  }
}

/**
 * Adds every valid sender to one channel account's allowlist. Invalid ids are refused one by one and
 * never stop the others; senders already allowed (also twice in the same input) are counted, not
 * touched; a pending request from a sender who is now allowed goes, as with `allowSender`.
 * A wrong channel or account refuses the whole import (it throws).
 */
export function importAllowlist(tx: Tx, input: { channel: string; account?: string | undefined; entries: readonly SenderImport[] }, actor: string): AllowlistImportResult {
  const channel = valid.channelName(input.channel);
  const account = valid.accountName(input.account);
  const result: AllowlistImportResult = { channel, account, added: 0, alreadyAllowed: 0, refused: [] };
  input.entries.forEach((item, index) => {
    const sender = importedSender(channel, item.id, item.name);
    if ("reason" in sender) {
      result.refused.push({ index, id: shown(item.id), reason: sender.reason });
      return;
    }
    const { senderId, name } = sender;
    if (tx.allowEntry(channel, account, senderId)) {
      result.alreadyAllowed++;
      return;
    }
    tx.putAllowEntry(channel, account, senderId, { ...(name ? { name } : {}), addedAt: tx.nowIso, addedBy: actor });
    const pending = tx.doc.dm.requests.find((r) => r.channel === channel && r.account === account && r.senderId === senderId);
    if (pending) {
      tx.removeDmRequest(pending.id);
      approvedEvent(tx, pending);
    }
    result.added++;
  });
  if (result.added > 0) tx.audit("allow", actor, `${channel}/${account}: ${result.added} sender${result.added === 1 ? "" : "s"} imported`);
  return result;
}

/** A pending DM pairing request kept by another system (OpenClaw's `<channel>-pairing.json`). */
export interface PendingDmImport {
  senderId: unknown;
  code?: unknown;
  createdAt: unknown;
  lastSeenAt?: unknown;
  name?: unknown;
  meta?: unknown;
}

export interface PendingDmImportResult {
  channel: string;
  account: string;
  /** Requests now pending in the store, with the code their sender must send. */
  added: { index: number; senderId: string; code: string; expiresAt: string }[];
  /** Requests whose code could not be kept (not a pairing code, or already taken): they got a new one. */
  newCodes: { index: number; senderId: string; was: string; code: string; reason: string }[];
  /** Requests not brought in because they are invalid (sender id, name, times). */
  refused: ImportRefusal[];
  /** Requests not brought in because they are over: expired, sender already allowed, or already pending. */
  skipped: ImportRefusal[];
  /** Requests pending on this account afterwards; an import may go past the cap (`cap`). */
  pending: number;
  cap: number;
}

/**
 * Brings pending DM requests into the store. A request keeps its code when that is a valid pairing code
 * no other pending request uses, else it gets a new one. The TTL counts from when the sender first asked
 * (`createdAt`): expired requests are skipped. The pending cap is not applied (the senders asked before
 * pairbot was there); the result says when the account is past it.
 */
export function importPendingDm(tx: Tx, input: { channel: string; account?: string | undefined; requests: readonly PendingDmImport[] }): PendingDmImportResult {
  const channel = valid.channelName(input.channel);
  const account = valid.accountName(input.account);
  const result: PendingDmImportResult = { channel, account, added: [], newCodes: [], refused: [], skipped: [], pending: 0, cap: tx.policy.maxPendingPerAccount };
  input.requests.forEach((item, index) => {
    const skip = (reason: string): void => void result.skipped.push({ index, id: shown(item.senderId), reason });
    const refuse = (reason: string): void => void result.refused.push({ index, id: shown(item.senderId), reason });
    const sender = importedSender(channel, item.senderId, item.name);
    if ("reason" in sender) return refuse(sender.reason);
    const { senderId, name } = sender;
    const createdAt = typeof item.createdAt === "string" ? Date.parse(item.createdAt) : NaN;
    if (!Number.isFinite(createdAt)) return refuse("it has no valid createdAt time");
    if (createdAt > tx.now) return refuse("its createdAt time is in the future");
    const expiresAt = createdAt + tx.policy.dmTtlMs;
    if (expiresAt <= tx.now) return skip(`it expired at ${new Date(expiresAt).toISOString()}`);
    if (isAllowed(tx.doc, channel, senderId, account, tx.now)) return skip("the sender is already allowed");
    if (tx.doc.dm.requests.some((r) => r.channel === channel && r.account === account && r.senderId === senderId)) {
      return skip("the sender already has a pending request here");
    }
    let meta: valid.Meta | undefined;
    try {
      meta = valid.meta(item.meta);
    } catch {
      meta = undefined; // metadata is a nicety; a request is worth more than its notes
    }
    const taken = new Set(tx.doc.dm.requests.map((r) => r.code));
    const offered = typeof item.code === "string" ? item.code.trim().toUpperCase() : "";
    let code = pairingCodeOf(offered) ?? offered;
    if (!pairingCodeOf(offered) || taken.has(code)) {
      code = newPairingCode(tx.random, taken);
      const reason = !pairingCodeOf(offered) ? "not a pairing code" : "another pending request has it";
      result.newCodes.push({ index, senderId, was: offered, code, reason });
    }
    const lastSeen = typeof item.lastSeenAt === "string" ? Date.parse(item.lastSeenAt) : NaN;
    const lastSeenAt = Number.isFinite(lastSeen) && lastSeen >= createdAt && lastSeen <= tx.now ? lastSeen : createdAt;
    const request = fileDmRequest(tx, { channel, account, senderId, name, meta, code, createdAt, lastSeenAt });
    result.added.push({ index, senderId, code, expiresAt: request.expiresAt });
  });
  result.pending = tx.doc.dm.requests.filter((r) => r.channel === channel && r.account === account).length;
  return result;
}

/** Several imports at once (all of an OpenClaw install): one change, so all of it lands or none. */
export interface ImportPlan {
  allowlists: { channel: string; account?: string | undefined; entries: readonly SenderImport[] }[];
  pending: { channel: string; account?: string | undefined; requests: readonly PendingDmImport[] }[];
}

export interface ImportPlanResult {
  allowlists: AllowlistImportResult[];
  pending: PendingDmImportResult[];
}

/** Allowlists first, so a pending request from a sender an allowlist names is skipped as allowed. */
export function importPlan(tx: Tx, plan: ImportPlan, actor: string): ImportPlanResult {
  return {
    allowlists: plan.allowlists.map((a) => importAllowlist(tx, a, actor)),
    pending: plan.pending.map((p) => importPendingDm(tx, p)),
  };
}
