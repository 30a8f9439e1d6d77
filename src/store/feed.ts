import { mkdirSync, watch, promises as fs, type FSWatcher } from "node:fs";
import path from "node:path";
import { StoreFile } from "./file.js";
import type { AuditEntry, DeviceRequest, DmRequest, PairedDevice, StoreDoc } from "./schema.js";

/** What changed in the store, as seen by a process that did not make the change. */
export type StoreEvent =
  | { type: "dm.added"; request: DmRequest }
  | { type: "dm.removed"; request: DmRequest; outcome: AuditEntry | undefined }
  | { type: "device.added"; request: DeviceRequest }
  | { type: "device.removed"; request: DeviceRequest; outcome: AuditEntry | undefined }
  | { type: "device.approved"; device: PairedDevice }
  | { type: "device.revoked"; device: PairedDevice }
  | { type: "setup.removed"; tokenId: string; outcome: AuditEntry | undefined };

export interface FeedOptions {
  /** A safety net beside the folder watch, and the only source where watching fails. */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export interface StoreFeed {
  /** Resolves once the first snapshot is read: events after it are changes to it. */
  ready: Promise<StoreDoc>;
  close(): void;
}

/**
 * Watches the store's folder (a write is a rename into it) and turns each new version of the file
 * into events. Reads coalesce: a burst of writes costs one read per settled version, never a lost one.
 */
export function watchStore(file: string, listener: (events: StoreEvent[], doc: StoreDoc) => void, options: FeedOptions = {}): StoreFeed {
  const adapter = new StoreFile(file);
  const onError = options.onError ?? (() => undefined);
  let previous: StoreDoc | undefined;
  let lastKey = "";
  let running = false;
  let again = false;
  let closed = false;

  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const key = await fileKey(file);
        if (key === lastKey) continue;
        const doc = await adapter.read();
        lastKey = key;
        if (closed) return;
        const events = previous ? diff(previous, doc) : [];
        previous = doc;
        if (events.length > 0) listener(events, doc);
      } while (again && !closed);
    } catch (e) {
      if (!closed) onError(e);
    } finally {
      running = false;
    }
  };

  let watcher: FSWatcher | undefined;
  const dir = path.dirname(file);
  const base = path.basename(file);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // a folder that appears later would never be watched
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name === base) void refresh();
    });
    watcher.on("error", (e) => onError(e));
  } catch (e) {
    onError(e);
  }
  const poll = setInterval(() => void refresh(), options.pollMs ?? (watcher ? 2000 : 500));
  poll.unref();

  const ready = (async () => {
    lastKey = await fileKey(file);
    previous = await adapter.read();
    return previous;
  })();
  ready.catch(onError);

  return {
    ready,
    close() {
      closed = true;
      watcher?.close();
      clearInterval(poll);
    },
  };
}

async function fileKey(file: string): Promise<string> {
  const stat = await fs.stat(file, { bigint: true }).catch(() => undefined);
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : "missing";
}

export function outcomeOf(doc: StoreDoc, requestId: string): AuditEntry | undefined {
  for (let i = doc.audit.length - 1; i >= 0; i--) if (doc.audit[i]!.requestId === requestId) return doc.audit[i];
  return undefined;
}

export function diff(before: StoreDoc, after: StoreDoc): StoreEvent[] {
  const events: StoreEvent[] = [];
  const dmBefore = new Map(before.dm.requests.map((r) => [r.id, r]));
  const dmAfter = new Set(after.dm.requests.map((r) => r.id));
  for (const r of after.dm.requests) if (!dmBefore.has(r.id)) events.push({ type: "dm.added", request: r });
  for (const r of before.dm.requests) if (!dmAfter.has(r.id)) events.push({ type: "dm.removed", request: r, outcome: outcomeOf(after, r.id) });

  const devBefore = new Map(before.devices.requests.map((r) => [r.requestId, r]));
  const devAfter = new Set(after.devices.requests.map((r) => r.requestId));
  for (const r of after.devices.requests) if (!devBefore.has(r.requestId)) events.push({ type: "device.added", request: r });
  for (const r of before.devices.requests) {
    if (!devAfter.has(r.requestId)) events.push({ type: "device.removed", request: r, outcome: outcomeOf(after, r.requestId) });
  }

  const pairedBefore = new Map(before.devices.paired.map((d) => [d.deviceId, d]));
  const pairedAfter = new Map(after.devices.paired.map((d) => [d.deviceId, d]));
  for (const d of after.devices.paired) {
    if (pairedBefore.get(d.deviceId)?.requestId !== d.requestId) events.push({ type: "device.approved", device: d });
  }
  for (const d of before.devices.paired) {
    if (pairedAfter.get(d.deviceId)?.requestId !== d.requestId) events.push({ type: "device.revoked", device: d });
  }

  const tokensAfter = new Set(after.devices.bootstrapTokens.map((t) => t.id));
  for (const t of before.devices.bootstrapTokens) {
    if (!tokensAfter.has(t.id)) events.push({ type: "setup.removed", tokenId: t.id, outcome: outcomeOf(after, t.id) });
  }
  return events;
}
