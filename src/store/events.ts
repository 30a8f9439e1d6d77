import { applyEffect, viewOf, type Effect } from "./effects.js";
import type { JournalRecord } from "./journal.js";
import type { AuditEntry, DeviceRequest, DmRequest, PairedDevice, PairingEvent, RefusalSummary, StoreDoc } from "./schema.js";

/** What changed in the store, as every process learns it from the journal. */
export type StoreEvent =
  | { type: "dm.added"; request: DmRequest }
  | { type: "dm.removed"; request: DmRequest; outcome: AuditEntry | undefined }
  | { type: "device.added"; request: DeviceRequest }
  | { type: "device.removed"; request: DeviceRequest; outcome: AuditEntry | undefined }
  | { type: "device.approved"; device: PairedDevice }
  | { type: "device.revoked"; device: PairedDevice }
  | { type: "setup.removed"; tokenId: string; outcome: AuditEntry | undefined }
  /** A door summed up the requests it refused on a channel in one window (a flood): one alert for the owner. */
  | { type: "refusals.recorded"; summary: RefusalSummary }
  /** A pairing event was appended (what adapters follow: `PairingStore.followEvents`). */
  | { type: "pairing"; event: PairingEvent };

/** The audit entry that ended a request, from the same batch. */
function outcomeIn(fx: readonly Effect[], requestId: string): AuditEntry | undefined {
  for (let i = fx.length - 1; i >= 0; i--) {
    const e = fx[i]!;
    if (e.t === "audit" && e.add.requestId === requestId && e.add.action !== "request") return e.add;
  }
  return undefined;
}

/** Applies a record's effects one by one (through `apply`) and says what each meant. */
function eventsOf(doc: StoreDoc, record: JournalRecord, apply: (e: Effect) => void): StoreEvent[] {
  const events: StoreEvent[] = [];
  for (const e of record.fx) {
    if (e.t === "dm") {
      if ("put" in e) {
        if (!doc.dm.requests.some((r) => r.id === e.put.id)) events.push({ type: "dm.added", request: e.put });
      } else {
        const request = doc.dm.requests.find((r) => r.id === e.del);
        if (request) events.push({ type: "dm.removed", request, outcome: outcomeIn(record.fx, request.id) });
      }
    } else if (e.t === "deviceRequest") {
      if ("put" in e) {
        if (!doc.devices.requests.some((r) => r.requestId === e.put.requestId)) events.push({ type: "device.added", request: e.put });
      } else {
        const request = doc.devices.requests.find((r) => r.requestId === e.del);
        if (request) events.push({ type: "device.removed", request, outcome: outcomeIn(record.fx, request.requestId) });
      }
    } else if (e.t === "device") {
      const id = "put" in e ? e.put.deviceId : e.del;
      const before = doc.devices.paired.find((d) => d.deviceId === id);
      if ("put" in e && before?.requestId === e.put.requestId) {
        // the same approval, completed (its token handed out): not news
      } else {
        if (before) events.push({ type: "device.revoked", device: before });
        if ("put" in e) events.push({ type: "device.approved", device: e.put });
      }
    } else if (e.t === "refusal" && "put" in e) {
      events.push({ type: "refusals.recorded", summary: e.put });
    } else if (e.t === "event") {
      events.push({ type: "pairing", event: e.add });
    } else if (e.t === "token" && "del" in e) {
      if (doc.devices.bootstrapTokens.some((t) => t.id === e.del)) events.push({ type: "setup.removed", tokenId: e.del, outcome: outcomeIn(record.fx, e.del) });
    }
    apply(e);
  }
  return events;
}

/** The newest audit entry about a request that ended it (a `request` entry only started it). */
export function outcomeOf(doc: StoreDoc, requestId: string): AuditEntry | undefined {
  return doc.audit.findLast((e) => e.requestId === requestId && e.action !== "request");
}

export type StoreListener = (events: StoreEvent[], doc: StoreDoc) => void;

/** A backend's one way to take in a committed record: apply it to its state, then tell its listeners. */
export function applyRecord(doc: StoreDoc, record: JournalRecord, listeners: ReadonlySet<StoreListener>): void {
  const events = eventsOf(doc, record, (e) => applyEffect(doc, e));
  doc.seq = record.seq;
  if (events.length === 0 || listeners.size === 0) return;
  const view = viewOf(doc);
  for (const listener of listeners) listener(events, view);
}
