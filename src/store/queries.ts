import { autoApprovedRange } from "./auto-approve.js";
import { isAllowed, isCurrent } from "./allowlist.js";
import { outcomeOf } from "./events.js";
import { refusalKey } from "./refusals.js";
import { temporaryEntries } from "./temporary-access.js";
import type { AllowEntry, AuditEntry, BootstrapToken, DeviceRequest, DmRequest, NotifiedRequest, OwnerSettings, PairedDevice, RefusalSummary, SentNotification, StoreDoc } from "./schema.js";

/** The read models doors ask for: each door shows these, never the raw document. */

/** A pending request the owner decides on: a DM pairing request or a device pairing request. */
export type RequestCard = { kind: "dm"; request: DmRequest } | { kind: "device"; request: DeviceRequest };

/** Key under which notifications about a request or a setup code are recorded. */
export type RequestKey = `dm:${string}` | `device:${string}` | `setup:${string}` | `auto:${string}` | `refusals:${string}`;

/** The id a pending request goes by: a DM request's `id`, a device request's `requestId`. */
export const requestIdOf = (card: RequestCard): string => (card.kind === "dm" ? card.request.id : card.request.requestId);

export const requestKey = {
  setup: (tokenId: string): RequestKey => `setup:${tokenId}`,
  /** The alert that a device was approved automatically (device.autoApproveCidrs), by its request id. */
  auto: (requestId: string): RequestKey => `auto:${requestId}`,
  of: (card: RequestCard): RequestKey => `${card.kind}:${requestIdOf(card)}`,
  /** The kind and id a key names, or undefined for a key of no known kind. */
  parse(key: string): { kind: "dm" | "device" | "setup"; id: string } | undefined {
    const match = /^(dm|device|setup):(.+)$/.exec(key); // auto: keys are kept apart (autoApprovalAlerts)
    return match ? { kind: match[1] as "dm" | "device" | "setup", id: match[2]! } : undefined;
  },
};

export const pendingCards = (doc: StoreDoc): RequestCard[] => [
  ...doc.dm.requests.map((request): RequestCard => ({ kind: "dm", request })),
  ...doc.devices.requests.map((request): RequestCard => ({ kind: "device", request })),
];

export function findCard(doc: StoreDoc, kind: "dm" | "device", id: string): RequestCard | undefined {
  if (kind === "dm") {
    const request = doc.dm.requests.find((r) => r.id === id);
    return request && { kind, request };
  }
  const request = doc.devices.requests.find((r) => r.requestId === id);
  return request && { kind, request };
}

/** What an alert's record keeps of its request, for the owner to recognise it once it has ended. */
export const notifiedRequest = (card: RequestCard): NotifiedRequest =>
  card.kind === "dm"
    ? { channel: card.request.channel, account: card.request.account, senderId: card.request.senderId, ...(card.request.name !== undefined ? { name: card.request.name } : {}) }
    : { name: card.request.name, platform: card.request.platform, role: card.request.role, remoteAddress: card.request.remoteAddress };

export const isPending = (doc: StoreDoc, key: string): boolean => {
  const parsed = requestKey.parse(key);
  return parsed !== undefined && parsed.kind !== "setup" && findCard(doc, parsed.kind, parsed.id) !== undefined;
};

/** Where a device request stands, as the gateway must know it to answer a waiting device. */
export type DeviceRequestState =
  | { state: "pending"; request: DeviceRequest }
  /** Approved; the device has yet to collect its token (once). */
  | { state: "awaiting-token"; device: PairedDevice }
  | { state: "paired"; device: PairedDevice }
  /** Gone: rejected, expired, superseded, cleaned up; `outcome` says which when the audit still knows. */
  | { state: "ended"; outcome: AuditEntry | undefined };

export function deviceRequestState(doc: StoreDoc, requestId: string): DeviceRequestState {
  const request = doc.devices.requests.find((r) => r.requestId === requestId);
  if (request) return { state: "pending", request };
  const device = doc.devices.paired.find((d) => d.requestId === requestId);
  if (device) return { state: isAwaitingToken(device) ? "awaiting-token" : "paired", device };
  return { state: "ended", outcome: outcomeOf(doc, requestId) };
}

/** An approved device whose token the gateway has not handed out yet. */
const isAwaitingToken = (device: PairedDevice): boolean => device.tokenHash === undefined;

/** Paired devices as a listing shows them: the token's hash stays in the store. */
export type ShownDevice = Omit<PairedDevice, "tokenHash"> & { tokenIssued: boolean };
export const shownDevice = ({ tokenHash, ...device }: PairedDevice): ShownDevice => ({ ...device, tokenIssued: tokenHash !== undefined });
export const pairedDevices = (doc: StoreDoc): ShownDevice[] => doc.devices.paired.map(shownDevice);

export const findPairedDevice = (doc: StoreDoc, deviceId: string): ShownDevice | undefined =>
  pairedDevices(doc).find((d) => d.deviceId === deviceId);

/** Setup codes still out there, without their hashes. */
export type ShownSetupCode = Omit<BootstrapToken, "hash">;
export const openSetupCodes = (doc: StoreDoc): ShownSetupCode[] => doc.devices.bootstrapTokens.map(({ hash: _hash, ...token }) => token);

export type AllowlistEntry = { channel: string; account: string; senderId: string } & AllowEntry;

/** The allowlist as flat rows in a stable order, optionally of one channel and account; temporary access that ended is left out. */
export function allowlistEntries(doc: StoreDoc, now: number, filter: { channel?: string | undefined; account?: string | undefined } = {}): AllowlistEntry[] {
  const entries: AllowlistEntry[] = [];
  for (const [channel, accounts] of Object.entries(doc.dm.allowlist)) {
    if (filter.channel !== undefined && channel !== filter.channel) continue;
    for (const [account, senders] of Object.entries(accounts)) {
      if (filter.account !== undefined && account !== filter.account) continue;
      for (const [senderId, entry] of Object.entries(senders)) if (isCurrent(entry, now)) entries.push({ channel, account, senderId, ...entry });
    }
  }
  const key = (e: AllowlistEntry) => `${e.channel}\u0000${e.account}\u0000${e.senderId}`;
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The accounts of a channel on which a sender (its id in the one form) is allowed at `now`. */
export const accountsAllowing = (doc: StoreDoc, channel: string, senderId: string, now: number): string[] =>
  Object.keys(doc.dm.allowlist[channel] ?? {}).filter((account) => isAllowed(doc, channel, senderId, account, now));

export const ownerSettings = (doc: StoreDoc, ownerId: number): OwnerSettings => doc.owners[String(ownerId)] ?? { notify: true };

/** Whether an owner should get an alert for a request: it is pending, none was sent, and their notifications are on (or it is their one-shot). */
export const needsAlert = (doc: StoreDoc, key: string, ownerId: number): boolean =>
  isPending(doc, key) && !doc.notifications[key]?.[String(ownerId)] && (ownerSettings(doc, ownerId).notify || oneShotKey(doc, ownerId) === key);

/** Flood summaries an owner with notifications on has not been told of, oldest first. */
export const refusalsToAlert = (doc: StoreDoc, ownerId: number): RefusalSummary[] =>
  ownerSettings(doc, ownerId).notify ? (doc.refusals ?? []).filter((r) => !doc.notifications[refusalKey(r.id)]?.[String(ownerId)]) : [];

/** The request an owner's `/pair notify once` announces: the earliest pending one filed since it was armed. */
export function oneShotKey(doc: StoreDoc, ownerId: number): RequestKey | undefined {
  const since = ownerSettings(doc, ownerId).notifyOnce;
  if (since === undefined) return undefined;
  const filedSince = pendingCards(doc).filter((c) => c.request.createdAt >= since);
  filedSince.sort((a, b) => (a.request.createdAt < b.request.createdAt ? -1 : a.request.createdAt > b.request.createdAt ? 1 : 0));
  return filedSince[0] && requestKey.of(filedSince[0]);
}

/** What `/pair notify status` says: every request, none, or the next one only. */
export function notifyMode(doc: StoreDoc, ownerId: number): "on" | "off" | "once" {
  const settings = ownerSettings(doc, ownerId);
  return settings.notify ? "on" : settings.notifyOnce !== undefined ? "once" : "off";
}

/** A message announcing a request or a setup code that has since ended: the bot edits it to the outcome. */
export interface EndedNotification {
  key: string;
  kind: "dm" | "device" | "setup";
  id: string;
  ownerId: number;
  sent: SentNotification;
  outcome: AuditEntry | undefined;
}

/** Every recorded notification whose request left the pending list, or whose setup code is gone. */
export function endedNotifications(doc: StoreDoc): EndedNotification[] {
  const liveTokens = new Set(doc.devices.bootstrapTokens.map((t) => t.id));
  const ended: EndedNotification[] = [];
  for (const [key, byOwner] of Object.entries(doc.notifications)) {
    const parsed = requestKey.parse(key);
    if (!parsed) continue;
    const { kind, id } = parsed;
    if (kind === "setup" ? liveTokens.has(id) : findCard(doc, kind, id)) continue;
    const outcome = outcomeOf(doc, id);
    for (const [owner, sent] of Object.entries(byOwner)) ended.push({ key, kind, id, ownerId: Number(owner), sent, outcome });
  }
  return ended;
}

/** When the store next has something to expire: a pending request, an unused setup code or temporary access. */
export function nextExpiry(doc: StoreDoc): number | undefined {
  const times = [
    ...doc.dm.requests.map((r) => r.expiresAt),
    ...temporaryEntries(doc.dm.allowlist).map((e) => e.until),
    ...doc.devices.requests.map((r) => r.expiresAt),
    ...doc.devices.bootstrapTokens.filter((t) => t.boundKey === undefined).map((t) => t.expiresAt),
  ].map((t) => Date.parse(t));
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** A message the bot sent an owner about requests (an alert, or a digest of several), request by request. */
export interface SentMessage {
  chatId: number;
  messageId: number;
  sentAt: string;
  /** `about`: what the record kept of the request (absent in records written before it was kept). */
  requests: { key: RequestKey; kind: "dm" | "device"; id: string; pending: RequestCard | undefined; outcome: AuditEntry | undefined; about: NotifiedRequest | undefined }[];
}

/** The messages about requests recorded for an owner, oldest first, each with where its requests stand now. */
export function sentMessages(doc: StoreDoc, ownerId: number): SentMessage[] {
  const byMessage = new Map<number, SentMessage>();
  for (const [key, byOwner] of Object.entries(doc.notifications)) {
    const sent = byOwner[String(ownerId)];
    const parsed = requestKey.parse(key);
    if (!sent || !parsed || parsed.kind === "setup") continue;
    const { kind, id } = parsed;
    const message = byMessage.get(sent.messageId) ?? { chatId: sent.chatId, messageId: sent.messageId, sentAt: sent.sentAt, requests: [] };
    const pending = findCard(doc, kind, id);
    message.requests.push({ key: key as RequestKey, kind, id, pending, outcome: pending ? undefined : outcomeOf(doc, id), about: sent.about });
    byMessage.set(sent.messageId, message);
  }
  return [...byMessage.values()].sort((a, b) => a.messageId - b.messageId);
}

/** A device `device.autoApproveCidrs` approved, which an owner has not been told of yet. */
export interface AutoApprovalAlert {
  key: RequestKey;
  device: ShownDevice;
  /** The range that let it in: "192.168.1.0/24". */
  cidr: string;
}

/** How long after an automatic approval an owner who has not heard of it still gets the alert (a bot down a while). */
const AUTO_ALERT_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Devices approved automatically within the last day that `ownerId` has no alert about. Sent whatever
 * the owner's notify setting: nobody else was asked. The store drops the record when the device goes.
 */
export function autoApprovalAlerts(doc: StoreDoc, ownerId: number, now: number): AutoApprovalAlert[] {
  return doc.devices.paired.flatMap((device) => {
    const cidr = autoApprovedRange(device.approvedBy);
    const key = requestKey.auto(device.requestId);
    if (!cidr || Date.parse(device.approvedAt) < now - AUTO_ALERT_WINDOW_MS || doc.notifications[key]?.[String(ownerId)]) return [];
    return [{ key, device: shownDevice(device), cidr }];
  });
}

/** The last alert the bot sent, and to whom (for /pair status). */
export function lastAlert(doc: StoreDoc): { ownerId: number; at: string } | undefined {
  let last: { ownerId: number; at: string } | undefined;
  for (const [ownerId, settings] of Object.entries(doc.owners)) {
    if (settings.lastAlertAt && (!last || settings.lastAlertAt > last.at)) last = { ownerId: Number(ownerId), at: settings.lastAlertAt };
  }
  return last;
}
