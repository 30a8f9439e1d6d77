import { ms } from "./clock.js";
import { PairbotError } from "./errors.js";
import type { Tx } from "./policy.js";
import type { AuditAction, AuditEntry, DmRequest } from "./schema.js";
import { isAllowed, untilOf } from "./allowlist.js";
import { activeBlock, blockSender, coolDown, pruneBlocks, subjectOf } from "./blocks.js";
import { pruneRefusals } from "./refusals.js";
import { approvedEvent, dmEventFields } from "./pairing-events.js";
import { newId, newPairingCode, pairingCodeOf } from "./secrets.js";
import * as valid from "./validate.js";

/** DM pairing requests: a stranger asks, gets a code, and the owner approves or denies; the allowlist is in allowlist.ts. */

export interface DmRequestInput {
  channel: string;
  account?: string | undefined;
  senderId: string;
  name?: string | undefined;
  meta?: unknown;
  /** The sender's language, as the channel knows it ("de", "pt-BR"): outcome events carry it. */
  locale?: string | undefined;
  /** What the sender wrote: held with the request for the owner, handed back on approval. */
  message?: string | undefined;
  /** Who filed it, for the audit: the gateway's adapter (`adapter:whatsapp`), `cli:<user>`; else `unknown`. */
  actor?: string | undefined;
}

export interface DmRequestResult {
  /** The code to send back to the sender; null when capped, blocked, cooling down or already allowed. */
  code: string | null;
  created: boolean;
  capped: boolean;
  allowed: boolean;
  /** Blocked by the owner: no code, no alert. */
  blocked: boolean;
  /** Denied lately: no new code or alert until then (dm.denyCooldown). */
  cooldownUntil: string | null;
  expiresAt: string | null;
  id: string | null;
}

export interface DmTarget {
  channel?: string | undefined;
  account?: string | undefined;
  /** A pairing code (any case) or a sender id. */
  codeOrSender: string;
}

export function requestDm(tx: Tx, input: DmRequestInput): DmRequestResult {
  const channel = valid.channelName(input.channel);
  const account = valid.accountName(input.account);
  const senderId = valid.senderIdOn(channel, input.senderId);
  const name = valid.optionalText("name", input.name, valid.LIMITS.name);
  const meta = valid.meta(input.meta);
  const locale = valid.locale(input.locale);
  const message = valid.heldMessage(input.message);
  const none = { code: null, created: false, capped: false, allowed: false, blocked: false, cooldownUntil: null, expiresAt: null, id: null };
  if (isAllowed(tx.doc, channel, senderId, account, tx.now)) return { ...none, allowed: true };
  const block = activeBlock(tx.doc, channel, account, senderId, tx.now);
  if (block?.reason === "block") return { ...none, blocked: true };
  if (block) return { ...none, cooldownUntil: block.until ?? null };

  const requests = tx.doc.dm.requests;
  const existing = requests.find((r) => r.channel === channel && r.account === account && r.senderId === senderId);
  if (existing) {
    tx.putDmRequest(seenAgain(existing, tx.nowIso, { name, locale, message }));
    return { ...none, code: existing.code, expiresAt: existing.expiresAt, id: existing.id };
  }
  if (isCapped(tx, channel, account)) return { ...none, capped: true };

  const code = newPairingCode(tx.random, new Set(requests.map((r) => r.code)));
  const request = fileDmRequest(tx, { channel, account, senderId, name, meta, locale, message, code, createdAt: tx.now, lastSeenAt: tx.now });
  tx.audit("request", valid.optionalText("actor", input.actor, valid.LIMITS.name) ?? "unknown", subjectOf(request), request.id);
  return { ...none, code: request.code, created: true, expiresAt: request.expiresAt, id: request.id };
}

/** A pending request asked again: seen now; the name and language as last given; the first message kept, the latest beside it. */
function seenAgain(r: DmRequest, nowIso: string, given: { name: string | undefined; locale: string | undefined; message: string | undefined }): DmRequest {
  const { lastMessage: _previous, ...rest } = r;
  const updated: DmRequest = { ...rest, lastSeenAt: nowIso, ...(given.name ? { name: given.name } : {}), ...(given.locale ? { locale: given.locale } : {}) };
  if (given.message === undefined) return r.lastMessage ? { ...updated, lastMessage: r.lastMessage } : updated;
  if (updated.message === undefined) return { ...updated, message: given.message };
  return given.message === updated.message ? updated : { ...updated, lastMessage: given.message };
}

/** Files a new pending request; it lives the DM TTL from when the sender first asked. */
export function fileDmRequest(
  tx: Tx,
  r: {
    channel: string; account: string; senderId: string; name: string | undefined; meta: valid.Meta | undefined;
    locale?: string | undefined; message?: string | undefined; code: string; createdAt: number; lastSeenAt: number;
  },
): DmRequest {
  const request: DmRequest = {
    id: newId(tx.random),
    channel: r.channel,
    account: r.account,
    senderId: r.senderId,
    ...(r.name ? { name: r.name } : {}),
    ...(r.meta ? { meta: r.meta } : {}),
    code: r.code,
    createdAt: new Date(r.createdAt).toISOString(),
    lastSeenAt: new Date(r.lastSeenAt).toISOString(),
    expiresAt: new Date(r.createdAt + tx.policy.dmTtlMs).toISOString(),
    ...(r.locale ? { locale: r.locale } : {}),
    ...(r.message ? { message: r.message } : {}),
  };
  tx.putDmRequest(request);
  tx.event("dm.requested", dmEventFields(request));
  return request;
}

/** Whether a new sender must wait: its account, its channel (whatever account a poster names) or the store is full. */
function isCapped(tx: Tx, channel: string, account: string): boolean {
  const { maxPendingPerAccount, maxPendingPerChannel, maxPendingTotal } = tx.policy;
  const requests = tx.doc.dm.requests;
  if (requests.length >= maxPendingTotal) return true;
  const inChannel = requests.filter((r) => r.channel === channel);
  return inChannel.length >= maxPendingPerChannel || inChannel.filter((r) => r.account === account).length >= maxPendingPerAccount;
}

/** Finds the one pending request a target names; counts wrong codes per actor to stop guessing. */
function findRequest(tx: Tx, target: DmTarget, actor: string): DmRequest {
  const channel = target.channel === undefined ? undefined : valid.channelName(target.channel);
  const account = target.account === undefined ? undefined : valid.accountName(target.account);
  const raw = valid.cleanText("code or sender id", target.codeOrSender, valid.LIMITS.senderId);
  const inScope = (r: DmRequest) => (!channel || r.channel === channel) && (!account || r.account === account);
  const requests = tx.doc.dm.requests;
  const code = pairingCodeOf(raw);

  if (code) {
    const byCode = requests.find((r) => r.code === code && inScope(r));
    if (byCode) return byCode;
    if (!channel) unknownCode(tx, code, actor);
  } else if (!channel) {
    throw new PairbotError("invalid_input", `"${raw}" is not a pairing code (8 letters and digits); to use a sender id, name the channel too`);
  }
  const sender = valid.senderIdOn(channel!, raw);
  const bySender = requests.filter((r) => r.senderId === sender && inScope(r));
  if (bySender.length === 1) return bySender[0]!;
  if (bySender.length > 1) {
    const accounts = bySender.map((r) => r.account);
    throw new PairbotError("ambiguous_account", `Sender ${sender} has pending requests on several accounts of ${channel} (${accounts.join(", ")}); name the account.`, { senderId: sender, channel: channel!, accounts });
  }
  if (code) unknownCode(tx, code, actor);
  throw new PairbotError("not_found", `No pending pairing request from sender ${sender} on ${channel}; check the channel and the sender id (or give the code) against the pending requests.`);
}

const HANDLED: Partial<Record<AuditAction, string>> = { approve: "approved", allow: "approved", deny: "denied", block: "denied and blocked", expire: "expired" };

/** The entry that ended the request with this code, if that was within the wrong-code window. */
function recentlyHandled(tx: Tx, code: string): AuditEntry | undefined {
  const audit = tx.doc.audit;
  for (let i = audit.length - 1; i >= 0; i--) {
    const entry = audit[i]!;
    if (tx.now - ms(entry.at) >= tx.policy.codeFailureWindowMs) return undefined;
    if (entry.code === code && HANDLED[entry.action]) return entry;
  }
  return undefined;
}

/** A code with no pending request: one handled lately lost a race (not a guess); any other counts as one. */
function unknownCode(tx: Tx, code: string, actor: string): never {
  const handled = recentlyHandled(tx, code);
  if (handled) {
    const outcome = HANDLED[handled.action]!;
    throw new PairbotError("not_found", `The pairing request with code ${code} was already ${outcome} (${handled.at}); there is nothing left to approve or deny.`, { pairingCode: code, outcome });
  }
  guardCodeGuessing(tx, actor);
  throw new PairbotError("not_found", `No pending pairing request found for code: ${code}; it may be used or expired already, so check the code against the pending requests.`, { pairingCode: code });
}

function guardCodeGuessing(tx: Tx, actor: string): void {
  const { codeFailureLimit, codeFailureWindowMs } = tx.policy;
  const prior = tx.doc.codeFailures[actor];
  const fresh = prior && tx.now - ms(prior.since) < codeFailureWindowMs;
  const entry = fresh ? { count: prior.count + 1, since: prior.since } : { count: 1, since: tx.nowIso };
  tx.putCodeFailures(actor, entry);
  tx.commitOnError = true;
  if (entry.count > codeFailureLimit) {
    const minutes = Math.ceil((ms(entry.since) + codeFailureWindowMs - tx.now) / 60_000);
    throw new PairbotError("throttled", `Too many wrong pairing codes; approving by code is paused for ${minutes} more minute(s). Approving by sender id still works.`);
  }
}

function checkNotThrottled(tx: Tx, actor: string): void {
  const prior = tx.doc.codeFailures[actor];
  if (prior && prior.count > tx.policy.codeFailureLimit && tx.now - ms(prior.since) < tx.policy.codeFailureWindowMs) {
    throw new PairbotError("throttled", "Too many wrong pairing codes; approving by code is paused. Wait, or approve by sender id.");
  }
}

const removeRequest = (tx: Tx, request: DmRequest): void => tx.removeDmRequest(request.id);

/** Approves: the sender joins the allowlist (for `forMs`, when given) and the request goes, in the same write. */
export function approveDm(tx: Tx, target: DmTarget, actor: string, options: { forMs?: number | undefined } = {}): DmRequest {
  if (pairingCodeOf(target.codeOrSender)) checkNotThrottled(tx, actor);
  const until = untilOf(tx, options.forMs);
  const request = findRequest(tx, target, actor);
  const entry = { ...(request.name ? { name: request.name } : {}), addedAt: tx.nowIso, addedBy: actor, ...(until ? { until } : {}) };
  tx.putAllowEntry(request.channel, request.account, request.senderId, entry);
  removeRequest(tx, request);
  tx.audit("approve", actor, subjectOf(request), request.id, request.code);
  approvedEvent(tx, request, until);
  return request;
}

/** Denies: the request goes, and the sender cools down (dm.denyCooldown); with `block`, they are blocked instead. */
export function denyDm(tx: Tx, target: DmTarget, actor: string, options: { block?: boolean | undefined } = {}): DmRequest {
  if (pairingCodeOf(target.codeOrSender)) checkNotThrottled(tx, actor);
  const request = findRequest(tx, target, actor);
  if (options.block) {
    blockSender(tx, request, actor, request);
    return request;
  }
  removeRequest(tx, request);
  tx.audit("deny", actor, subjectOf(request), request.id, request.code);
  tx.event("dm.denied", dmEventFields(request));
  coolDown(tx, request, actor);
  return request;
}

export function pruneDm(tx: Tx): void {
  pruneBlocks(tx);
  pruneRefusals(tx);
  for (const [actor, f] of Object.entries(tx.doc.codeFailures)) {
    if (tx.now - ms(f.since) >= tx.policy.codeFailureWindowMs) tx.removeCodeFailures(actor);
  }
  for (const r of tx.doc.dm.requests.filter((r) => ms(r.expiresAt) <= tx.now)) {
    removeRequest(tx, r);
    tx.audit("expire", "clock", subjectOf(r), r.id, r.code);
    tx.event("dm.expired", dmEventFields(r));
  }
}
