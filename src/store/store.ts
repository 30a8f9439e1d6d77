import os from "node:os";
import path from "node:path";
import { Low } from "lowdb";
import { cryptoRandom, systemClock, type Clock, type RandomSource } from "./clock.js";
import * as devices from "./devices.js";
import * as dm from "./dm.js";
import { PairbotError } from "./errors.js";
import { DEFAULT_POLICY, Tx, type Policy } from "./policy.js";
import type { AuditEntry, DeviceRequest, DmRequest, PairedDevice, Role, SentNotification, StoreDoc } from "./schema.js";
import { encodeSetupCode, gatewayUrl } from "./setup-code.js";
import { StoreFile, syncFolder, withStoreLock } from "./file.js";
import { emptyStore } from "./schema.js";

/** How many queued rules one write may carry. */
const MAX_BATCH = 100;

interface QueuedRule {
  rule: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export const defaultStorePath = (): string => path.join(os.homedir(), ".pairbot", "store.json");

export interface StoreOptions {
  file: string;
  clock?: Clock;
  random?: RandomSource;
  policy?: Partial<Policy>;
}

export interface Pending {
  dm: DmRequest[];
  devices: DeviceRequest[];
}

/** Key under which notifications about a request are recorded. */
export type RequestKey = `dm:${string}` | `device:${string}` | `setup:${string}`;

/**
 * The pairing store: every rule, behind one door. Each change takes the lock, re-reads the file,
 * prunes what expired, applies one rule and writes the file back; reads need no lock.
 */
export class PairingStore {
  readonly file: string;
  readonly clock: Clock;
  readonly policy: Policy;
  private readonly random: RandomSource;
  private readonly adapter: StoreFile;
  private readonly db: Low<StoreDoc>;
  private readonly queue: QueuedRule[] = [];
  private draining = false;

  constructor(options: StoreOptions) {
    this.file = path.resolve(options.file);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? cryptoRandom;
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.adapter = new StoreFile(this.file);
    this.db = new Low(this.adapter, emptyStore());
  }

  /** A validated snapshot of the whole store, pruned of what expired (in memory only). */
  async read(): Promise<StoreDoc> {
    const shared = await this.adapter.read();
    // Pruning replaces these parts; copying them leaves the shared document as it was.
    const doc = { ...shared, dm: { ...shared.dm }, devices: { ...shared.devices }, codeFailures: { ...shared.codeFailures }, audit: [...shared.audit] };
    const tx = new Tx(doc, this.clock(), this.random, this.policy);
    dm.pruneDm(tx);
    devices.pruneDevices(tx);
    return doc;
  }

  /**
   * Runs one rule under the lock and saves what it changed; the rule sees a freshly read document.
   * Rules queued in this process while the lock is busy are applied together and saved in one write
   * (group commit); each still gets its own result or error.
   */
  change<T>(rule: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ rule, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const { wrote, outcomes } = await withStoreLock(this.file, (stillHeld) => this.applyBatch(batch, stillHeld));
          if (wrote) await syncFolder(path.dirname(this.file));
          for (const entry of batch) {
            const outcome = outcomes.get(entry)!;
            if (outcome.ok) entry.resolve(outcome.value);
            else entry.reject(outcome.error);
          }
        } catch (e) {
          for (const entry of batch) entry.reject(e);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async applyBatch(batch: readonly QueuedRule[], stillHeld: () => boolean): Promise<{ wrote: boolean; outcomes: Map<QueuedRule, Outcome> }> {
    const outcomes = new Map<QueuedRule, Outcome>();
    let todo = batch;
    try {
      for (;;) {
        this.db.data = await this.adapter.readForChange();
        const prune = new Tx(this.db.data, this.clock(), this.random, this.policy);
        dm.pruneDm(prune);
        devices.pruneDevices(prune);
        let changed = prune.changed;
        let halfApplied: QueuedRule | undefined;
        for (const entry of todo) {
          const tx = new Tx(this.db.data, this.clock(), this.random, this.policy);
          try {
            outcomes.set(entry, { ok: true, value: entry.rule(tx) });
            changed ||= tx.changed;
          } catch (error) {
            outcomes.set(entry, { ok: false, error });
            if (tx.commitOnError) changed = true;
            else if (tx.changed) halfApplied = entry;
            if (halfApplied) break;
          }
        }
        if (halfApplied) {
          // A rule failed after changing the document: start again from the file without it.
          this.adapter.forget();
          todo = todo.filter((e) => e !== halfApplied);
          continue;
        }
        if (changed) await this.save(stillHeld);
        return { wrote: changed, outcomes };
      }
    } catch (e) {
      this.adapter.forget(); // the cached document may hold a half-applied change
      throw e;
    }
  }

  private async save(stillHeld: () => boolean): Promise<void> {
    if (!stillHeld()) {
      throw new PairbotError("store_busy", `Lost the lock on ${this.file} while changing it; nothing was saved. Try again.`);
    }
    await this.db.write();
  }

  /** Removes what expired; the bot calls it when the next request is due to expire. */
  prune(): Promise<void> {
    return this.change(() => undefined);
  }

  // DM pairing

  requestDmPairing(input: dm.DmRequestInput): Promise<dm.DmRequestResult> {
    return this.change((tx) => dm.requestDm(tx, input));
  }

  approveDm(target: dm.DmTarget, actor: string): Promise<DmRequest> {
    return this.change((tx) => dm.approveDm(tx, target, actor));
  }

  denyDm(target: dm.DmTarget, actor: string): Promise<DmRequest> {
    return this.change((tx) => dm.denyDm(tx, target, actor));
  }

  /** Approves or denies the request behind a button: by its opaque id, re-read from the store. */
  decideDmById(id: string, decision: "approve" | "deny", actor: string): Promise<DmRequest> {
    return this.change((tx) => {
      const request = dm.dmRequestById(tx.doc, id);
      if (!request) throw new PairbotError("not_found", "This request was already handled or has expired.");
      const target = { channel: request.channel, account: request.account, codeOrSender: request.senderId };
      return decision === "approve" ? dm.approveDm(tx, target, actor) : dm.denyDm(tx, target, actor);
    });
  }

  allowSender(input: Parameters<typeof dm.allowSender>[1], actor: string): Promise<void> {
    return this.change((tx) => dm.allowSender(tx, input, actor));
  }

  revokeSender(input: Parameters<typeof dm.removeSender>[1], actor: string): Promise<void> {
    return this.change((tx) => dm.removeSender(tx, input, actor, "revoke"));
  }

  disallowSender(input: Parameters<typeof dm.removeSender>[1], actor: string): Promise<void> {
    return this.change((tx) => dm.removeSender(tx, input, actor, "disallow"));
  }

  async isAllowed(channel: string, senderId: string, account = "default"): Promise<boolean> {
    return dm.isAllowed(await this.adapter.read(), channel, senderId, account);
  }

  async pending(): Promise<Pending> {
    const doc = await this.read();
    return { dm: doc.dm.requests, devices: doc.devices.requests };
  }

  // Device pairing

  /** Issues a bootstrap token and wraps it with the gateway URL into a setup code. */
  async createSetupCode(input: { url: string; role?: Role }, actor: string): Promise<{ setupCode: string; url: string; expiresAt: string; tokenId: string }> {
    const url = gatewayUrl(input.url);
    const issued = await this.change((tx) => devices.issueBootstrapToken(tx, input.role ?? "node", actor));
    return { setupCode: encodeSetupCode({ url, bootstrapToken: issued.token, expiresAt: issued.expiresAt }), url, expiresAt: issued.expiresAt, tokenId: issued.id };
  }

  requestDevicePairing(input: devices.DeviceRequestInput): Promise<devices.DeviceRequestResult> {
    return this.change((tx) => devices.requestDevice(tx, input));
  }

  approveDevice(requestId: string, actor: string): Promise<PairedDevice> {
    return this.change((tx) => devices.approveDevice(tx, requestId, actor));
  }

  rejectDevice(requestId: string, actor: string): Promise<DeviceRequest> {
    return this.change((tx) => devices.rejectDevice(tx, requestId, actor));
  }

  issueDeviceToken(input: { publicKey: string; bootstrapToken: string }): Promise<{ deviceId: string; token: string }> {
    return this.change((tx) => devices.issueDeviceToken(tx, input));
  }

  async verifyDeviceToken(publicKey: string, token: string): Promise<PairedDevice> {
    return devices.verifyDeviceToken(await this.adapter.read(), publicKey, token);
  }

  revokeDevice(deviceId: string, actor: string): Promise<PairedDevice> {
    return this.change((tx) => devices.revokeDevice(tx, deviceId, actor));
  }

  cleanupSetupCodes(actor: string): Promise<number> {
    return this.change((tx) => devices.cleanupBootstrapTokens(tx, actor));
  }

  // Owners and notifications

  setNotify(ownerId: number, on: boolean): Promise<void> {
    return this.change((tx) => {
      const owner = tx.doc.owners[String(ownerId)];
      tx.doc.owners[String(ownerId)] = { ...owner, notify: on };
      tx.changed = true;
    });
  }

  /** Remembers an owner's language, so alerts after a restart speak it too. */
  setOwnerLocale(ownerId: number, locale: string): Promise<void> {
    return this.change((tx) => {
      const owner = tx.doc.owners[String(ownerId)];
      if (owner?.locale === locale) return;
      tx.doc.owners[String(ownerId)] = { notify: owner?.notify ?? true, locale };
      tx.changed = true;
    });
  }

  recordNotification(key: RequestKey, ownerId: number, sent: SentNotification): Promise<void> {
    return this.change((tx) => {
      (tx.doc.notifications[key] ??= {})[String(ownerId)] = sent;
      tx.changed = true;
    });
  }

  forgetNotification(key: RequestKey, ownerId: number): Promise<void> {
    return this.change((tx) => {
      const sent = tx.doc.notifications[key];
      if (!sent || !(String(ownerId) in sent)) return;
      delete sent[String(ownerId)];
      if (Object.keys(sent).length === 0) delete tx.doc.notifications[key];
      tx.changed = true;
    });
  }

  async audit(): Promise<AuditEntry[]> {
    return (await this.adapter.read()).audit;
  }
}

export const notifyEnabled = (doc: StoreDoc, ownerId: number): boolean => doc.owners[String(ownerId)]?.notify ?? true;
