import { noteAllowChange } from "./temporary-access.js";
import type { AllowEntry, AuditEntry, BootstrapToken, DeviceRequest, DmBlock, DmRequest, OwnerSettings, PairedDevice, PairingEvent, RefusalSummary, SentNotification, StoreDoc } from "./schema.js";

/**
 * One change to one record of the store. A committed batch is a list of effects: the journal keeps
 * them, every process applies them with `applyEffect`, and the change feed reads events from them.
 * Effects are plain JSON so a reader in another language can apply them (docs/store.md).
 */
export type Effect =
  | { t: "dm"; put: DmRequest }
  | { t: "dm"; del: string }
  | { t: "allow"; put: [channel: string, account: string, senderId: string, entry: AllowEntry] }
  | { t: "allow"; del: [channel: string, account: string, senderId: string] }
  | { t: "token"; put: BootstrapToken }
  | { t: "token"; del: string }
  | { t: "deviceRequest"; put: DeviceRequest }
  | { t: "deviceRequest"; del: string }
  | { t: "device"; put: PairedDevice }
  | { t: "device"; del: string }
  | { t: "notification"; put: [key: string, ownerId: string, sent: SentNotification] }
  | { t: "notification"; del: [key: string, ownerId: string] }
  | { t: "owner"; put: [ownerId: string, settings: OwnerSettings] }
  | { t: "codeFailure"; put: [actor: string, failures: { count: number; since: string }] }
  | { t: "codeFailure"; del: string }
  | { t: "audit"; add: AuditEntry; keep: number }
  | { t: "refusal"; put: RefusalSummary }
  | { t: "refusal"; del: string }
  /** Appends a pairing event; events older than `keepMs` before it, and beyond the newest `keep`, are dropped. */
  | { t: "event"; add: PairingEvent; keep: number; keepMs: number }
  | { t: "block"; put: DmBlock }
  | { t: "block"; del: [channel: string, account: string, senderId: string] }
  | { t: "setting"; put: [name: string, value: string] }
  | { t: "setting"; del: string }
  | { t: "idForm"; put: number };

/** Replaces or removes one element of a small array, copying it: readers may still hold the old one. */
function putBy<T>(list: readonly T[], keyOf: (item: T) => string, item: T): T[] {
  const key = keyOf(item);
  const at = list.findIndex((x) => keyOf(x) === key);
  if (at < 0) return [...list, item];
  const copy = [...list];
  copy[at] = item;
  return copy;
}

const delBy = <T>(list: readonly T[], keyOf: (item: T) => string, key: string): T[] => list.filter((x) => keyOf(x) !== key);

const blockKey = (b: { channel: string; account: string; senderId: string }): string => `${b.channel}\u0000${b.account}\u0000${b.senderId}`;

/** The events kept after appending one: none older than `keepMs` before it, at most `keep`, the new one always. */
function appendEvent(list: readonly PairingEvent[], event: PairingEvent, keep: number, keepMs: number): PairingEvent[] {
  const cutoff = Date.parse(event.at) - keepMs;
  let start = Math.max(0, list.length + 1 - keep);
  while (start < list.length && Date.parse(list[start]!.at) < cutoff) start++;
  const kept = list.slice(start);
  kept.push(event);
  return kept;
}

const withKey = <V>(record: Record<string, V>, key: string, value: V): Record<string, V> => ({ ...record, [key]: value });

function withoutKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/**
 * Applies one effect to a document. Everything but the allowlist is replaced, never changed in place,
 * so a document handed to a reader stays as it was; the allowlist (the one large part) changes in place.
 */
export function applyEffect(doc: StoreDoc, e: Effect): void {
  switch (e.t) {
    case "dm":
      doc.dm.requests = "put" in e ? putBy(doc.dm.requests, (r) => r.id, e.put) : delBy(doc.dm.requests, (r) => r.id, e.del);
      return;
    case "allow":
      if ("put" in e) {
        const [channel, account, senderId, entry] = e.put;
        ((doc.dm.allowlist[channel] ??= {})[account] ??= {})[senderId] = entry;
        noteAllowChange(doc.dm.allowlist, channel, account, senderId, entry);
      } else {
        const [channel, account, senderId] = e.del;
        const senders = doc.dm.allowlist[channel]?.[account];
        if (!senders) return;
        delete senders[senderId];
        noteAllowChange(doc.dm.allowlist, channel, account, senderId, undefined);
        if (Object.keys(senders).length === 0) delete doc.dm.allowlist[channel]![account];
        if (Object.keys(doc.dm.allowlist[channel]!).length === 0) delete doc.dm.allowlist[channel];
      }
      return;
    case "token":
      doc.devices.bootstrapTokens = "put" in e ? putBy(doc.devices.bootstrapTokens, (t) => t.id, e.put) : delBy(doc.devices.bootstrapTokens, (t) => t.id, e.del);
      return;
    case "deviceRequest":
      doc.devices.requests = "put" in e ? putBy(doc.devices.requests, (r) => r.requestId, e.put) : delBy(doc.devices.requests, (r) => r.requestId, e.del);
      return;
    case "device":
      doc.devices.paired = "put" in e ? putBy(doc.devices.paired, (d) => d.deviceId, e.put) : delBy(doc.devices.paired, (d) => d.deviceId, e.del);
      return;
    case "notification": {
      const [key, ownerId] = "put" in e ? e.put : e.del;
      const byOwner = "put" in e ? withKey(doc.notifications[key] ?? {}, ownerId, e.put[2]) : withoutKey(doc.notifications[key] ?? {}, ownerId);
      doc.notifications = Object.keys(byOwner).length > 0 ? withKey(doc.notifications, key, byOwner) : withoutKey(doc.notifications, key);
      return;
    }
    case "owner":
      doc.owners = withKey(doc.owners, e.put[0], e.put[1]);
      return;
    case "codeFailure":
      doc.codeFailures = "put" in e ? withKey(doc.codeFailures, e.put[0], e.put[1]) : withoutKey(doc.codeFailures, e.del);
      return;
    case "refusal": {
      const refusals = doc.refusals ?? [];
      doc.refusals = "put" in e ? putBy(refusals, (r) => r.id, e.put) : delBy(refusals, (r) => r.id, e.del);
      return;
    }
    case "audit": {
      // One copy: the oldest entries beyond `keep` are left out of it.
      const audit = doc.audit.slice(Math.max(0, doc.audit.length + 1 - e.keep));
      audit.push(e.add);
      doc.audit = audit;
      return;
    }
    case "event":
      doc.events = appendEvent(doc.events, e.add, e.keep, e.keepMs);
      return;
    case "block":
      doc.dm.blocks = "put" in e ? putBy(doc.dm.blocks, blockKey, e.put) : delBy(doc.dm.blocks, blockKey, blockKey({ channel: e.del[0], account: e.del[1], senderId: e.del[2] }));
      return;
    case "setting":
      doc.settings = "put" in e ? withKey(doc.settings, e.put[0], e.put[1]) : withoutKey(doc.settings, e.del);
      return;
    case "idForm":
      doc.idForm = e.put;
      return;
  }
}

/** The parts of a document that effects replace; restoring them undoes every effect but the allowlist's. */
export type Replaced = Pick<StoreDoc, "notifications" | "owners" | "codeFailures" | "audit" | "events" | "settings" | "idForm" | "refusals"> & {
  dmRequests: DmRequest[];
  blocks: DmBlock[];
  tokens: BootstrapToken[];
  deviceRequests: DeviceRequest[];
  paired: PairedDevice[];
};

export const replacedParts = (doc: StoreDoc): Replaced => ({
  notifications: doc.notifications,
  owners: doc.owners,
  codeFailures: doc.codeFailures,
  audit: doc.audit,
  refusals: doc.refusals,
  events: doc.events,
  settings: doc.settings,
  idForm: doc.idForm,
  dmRequests: doc.dm.requests,
  blocks: doc.dm.blocks,
  tokens: doc.devices.bootstrapTokens,
  deviceRequests: doc.devices.requests,
  paired: doc.devices.paired,
});

export function restoreParts(doc: StoreDoc, parts: Replaced): void {
  Object.assign(doc, { notifications: parts.notifications, owners: parts.owners, codeFailures: parts.codeFailures, audit: parts.audit, events: parts.events, settings: parts.settings, idForm: parts.idForm });
  if (parts.refusals) doc.refusals = parts.refusals;
  else delete doc.refusals;
  doc.dm.requests = parts.dmRequests;
  doc.dm.blocks = parts.blocks;
  Object.assign(doc.devices, { bootstrapTokens: parts.tokens, requests: parts.deviceRequests, paired: parts.paired });
}

/** A view of a document that later effects do not change (but for the allowlist, which is shared). */
export const viewOf = (doc: StoreDoc): StoreDoc => ({ ...doc, dm: { ...doc.dm }, devices: { ...doc.devices } });
