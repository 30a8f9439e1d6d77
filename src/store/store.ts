import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { StoreBackend } from "./backend.js";
import { cryptoRandom, systemClock, type Clock, type RandomSource } from "./clock.js";
import * as devices from "./devices.js";
import * as blocks from "./blocks.js";
import { decide, type Decided } from "./decide.js";
import * as allowlist from "./allowlist.js";
import * as dm from "./dm.js";
import { viewOf } from "./effects.js";
import { outcomeOf, type StoreEvent } from "./events.js";
import { watchStore, type FeedOptions, type StoreFeed } from "./feed.js";
import { FileBackend } from "./file-backend.js";
import { normalizeStoredIds } from "./id-migration.js";
import * as imports from "./import.js";
import * as refusals from "./refusals.js";
import { eventCursor, eventsSince, lastEventSeq, type PairingEventFilter } from "./pairing-events.js";
import { DEFAULT_POLICY, Tx, type Policy } from "./policy.js";
import { ID_FORM, type AuditEntry, type DmBlock, type DeviceRequest, type DmRequest, type OwnerSettings, type PairedDevice, type PairingEvent, type RefusalSummary, type Role, type SentNotification, type StoreDoc } from "./schema.js";
import { accessOf, encodeSetupCode, gatewayUrls, type Access } from "./setup-code.js";
import * as valid from "./validate.js";
import { policyFromSettings, setSetting, shownSettings, type ShownSetting } from "./settings.js";
import * as owners from "./owners.js";
import * as queries from "./queries.js";
import type { RequestCard, RequestKey } from "./queries.js";

/** How many queued rules one commit may carry. */
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
  /** Where the store is kept; by default the file backend this process shares for `file`. */
  backend?: StoreBackend;
}

export interface CreatedSetupCode {
  setupCode: string;
  /** The first of `urls`. */
  url: string;
  urls: string[];
  access: Access;
  role: Role;
  /** An operator was asked for, but limited access allows only a node. */
  downgraded: boolean;
  expiresAt: string;
  tokenId: string;
}

export interface Pending {
  dm: DmRequest[];
  devices: DeviceRequest[];
}


/** One file backend per store file in a process: every reader and writer shares its state. */
const fileBackends = new Map<string, FileBackend>();

/** The store file a path names: a symlink is followed, so the lock and the journal sit beside the target. */
export function resolveStoreFile(file: string): string {
  const absolute = path.resolve(file);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute; // not there yet: created on the first change
  }
}

function fileBackendFor(file: string): FileBackend {
  let backend = fileBackends.get(file);
  if (!backend) fileBackends.set(file, (backend = new FileBackend(file)));
  return backend;
}

/** What every change does before its rule: ids in their one form, then what expired goes. */
function beforeRule(tx: Tx): void {
  normalizeStoredIds(tx);
  dm.pruneDm(tx);
  allowlist.pruneAccess(tx);
  devices.pruneDevices(tx);
}

/**
 * The pairing store: every rule, behind one door. Each change runs its rule on the current state,
 * with what expired pruned first, and the backend saves the effects as one atomic, durable commit.
 */
export class PairingStore {
  readonly file: string;
  readonly clock: Clock;
  /** This process's numbers before the store's settings apply (the defaults and what it was given). */
  readonly policy: Policy;
  private readonly explicitPolicy: Partial<Policy>;
  private settingsPolicy: { settings: StoreDoc["settings"]; policy: Policy } | undefined;
  private readonly random: RandomSource;
  private readonly backend: StoreBackend;
  private readonly queue: QueuedRule[] = [];
  private draining = false;
  /** The running drain, so close() lets changes already asked for finish first. */
  private drained: Promise<void> = Promise.resolve();

  constructor(options: StoreOptions) {
    // A backend given (PostgreSQL) names the store itself; `file` is then only its description.
    this.file = options.backend ? options.backend.description : resolveStoreFile(options.file);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? cryptoRandom;
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.explicitPolicy = { ...options.policy };
    this.backend = options.backend ?? fileBackendFor(this.file);
  }

  /** The numbers the rules use on this state: the defaults, then the store's settings, then what this process was given. */
  private policyOf(doc: StoreDoc): Policy {
    if (this.settingsPolicy?.settings !== doc.settings) {
      this.settingsPolicy = { settings: doc.settings, policy: { ...DEFAULT_POLICY, ...policyFromSettings(doc.settings), ...this.explicitPolicy } };
    }
    return this.settingsPolicy.policy;
  }

  /** What to name in messages: the file, or the database URL without its password. */
  get description(): string {
    return this.backend.description;
  }

  /** Releases what the backend holds (a PostgreSQL pool); a file store keeps its shared backend open. */
  async close(): Promise<void> {
    await this.drained;
    if (!fileBackends.has(this.file) || fileBackends.get(this.file) !== this.backend) await this.backend.close();
  }

  /** A snapshot of the whole store, pruned of what expired (in memory only). Read-only. */
  async read(): Promise<StoreDoc> {
    const view = viewOf(await this.backend.current());
    const tx = new Tx(view, this.clock(), this.random, this.policyOf(view));
    dm.pruneDm(tx);
    devices.pruneDevices(tx);
    return view;
  }

  /** Follows every change to the store, from any process. */
  watch(listener: (events: StoreEvent[], doc: StoreDoc) => void, options?: FeedOptions): StoreFeed {
    return watchStore(this.backend, listener, { clock: this.clock, ...options });
  }

  /**
   * The pairing events after `seq`, oldest first (`events_pruned` when some of them are no longer kept).
   * Only saved events: an expiry is an event once a change (the bot's prune at each expiry) saved it.
   */
  async eventsSince(seq: number, filter?: PairingEventFilter): Promise<PairingEvent[]> {
    return eventsSince(await this.backend.current(), seq, filter);
  }

  /** The newest pairing event's number (0 before the first): where a follower that wants only what comes next starts. */
  async lastEventSeq(): Promise<number> {
    return lastEventSeq(await this.backend.current());
  }

  /**
   * Delivers every pairing event after `afterSeq`, each once and in order, first those kept and then
   * each as it is saved, by any process, across compactions. `onError` hears of events dropped before
   * they could be delivered (`events_pruned`, after which delivery goes on) and of a failing store.
   */
  followEvents(afterSeq: number, listener: (event: PairingEvent) => void, options: FeedOptions & { filter?: PairingEventFilter } = {}): () => void {
    const onError = options.onError ?? (() => undefined);
    const take = eventCursor(afterSeq, options.filter ?? {}, listener, onError);
    const feed = this.watch((_events, doc) => take(doc), options);
    feed.ready.then(take, () => undefined);
    return () => feed.close();
  }

  /**
   * Runs one rule on the current state and saves what it changed. Rules queued in this process while
   * a commit is under way are applied together and saved in one commit (group commit); each still
   * gets its own result or error.
   */
  change<T>(rule: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ rule, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) this.drained = this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const outcomes = new Map<QueuedRule, Outcome>();
        try {
          await this.backend.commit((doc) => this.applyBatch(doc, batch, outcomes));
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

  /** Runs each rule in its own Tx after pruning; a rule that fails takes its own effects back. */
  private applyBatch(doc: StoreDoc, batch: readonly QueuedRule[], outcomes: Map<QueuedRule, Outcome>) {
    outcomes.clear();
    const done: Tx[] = [];
    for (const entry of batch) {
      const tx = new Tx(doc, this.clock(), this.random, this.policyOf(doc));
      try {
        beforeRule(tx);
        outcomes.set(entry, { ok: true, value: entry.rule(tx) });
        done.push(tx);
      } catch (error) {
        outcomes.set(entry, { ok: false, error });
        if (tx.commitOnError) done.push(tx);
        else tx.undo();
      }
    }
    return {
      effects: done.flatMap((tx) => tx.effects),
      undo: () => {
        for (const tx of done.reverse()) tx.undo();
      },
    };
  }

  /** Removes what expired; the bot calls it when the next request is due to expire. */
  prune(): Promise<void> {
    return this.change(() => undefined);
  }

  // DM pairing

  requestDmPairing(input: dm.DmRequestInput): Promise<dm.DmRequestResult> {
    return this.change((tx) => dm.requestDm(tx, input));
  }

  /** Approves a DM request; with `forMs`, the access ends by itself that long from now. */
  approveDm(target: dm.DmTarget, actor: string, options: { forMs?: number | undefined } = {}): Promise<DmRequest> {
    return this.change((tx) => dm.approveDm(tx, target, actor, options));
  }

  /** Denies a DM request (the sender then cools down); with `block`, blocks the sender too. */
  denyDm(target: dm.DmTarget, actor: string, options: { block?: boolean | undefined } = {}): Promise<DmRequest> {
    return this.change((tx) => dm.denyDm(tx, target, actor, options));
  }

  /** Blocks a sender: no code, no alert, no access, until unblocked. */
  blockSender(sender: blocks.SenderRef, actor: string): Promise<DmBlock> {
    return this.change((tx) => blocks.blockSender(tx, sender, actor));
  }

  unblockSender(sender: blocks.SenderRef, actor: string): Promise<DmBlock> {
    return this.change((tx) => blocks.unblockSender(tx, sender, actor));
  }

  /**
   * Approves or denies the request behind a button or an id, in one change: the request as it was and
   * the audit entry that ended it. A request no longer pending is `not_found`: a double tap decides once.
   */
  decide(
    target: { kind: "dm" | "device"; id: string },
    decision: "approve" | "deny",
    actor: string,
    options: { forMs?: number | undefined; block?: boolean | undefined } = {},
  ): Promise<Decided> {
    return this.change((tx) => decide(tx, target, decision, actor, options));
  }

  /** A door's count of requests it refused on a channel in one window: the owner gets one alert for it. */
  recordRefusals(input: refusals.RefusalInput): Promise<RefusalSummary> {
    return this.change((tx) => refusals.recordRefusals(tx, input));
  }

  /** Flood summaries an owner has not been alerted to yet. */
  async refusalsToAlert(ownerId: number): Promise<RefusalSummary[]> {
    return queries.refusalsToAlert(await this.read(), ownerId);
  }

  allowSender(input: Parameters<typeof allowlist.allowSender>[1], actor: string): Promise<allowlist.AllowedSender> {
    return this.change((tx) => allowlist.allowSender(tx, input, actor));
  }

  revokeSender(input: Parameters<typeof allowlist.removeSender>[1], actor: string): Promise<allowlist.AllowedSender> {
    return this.change((tx) => allowlist.removeSender(tx, input, actor, "revoke"));
  }

  disallowSender(input: Parameters<typeof allowlist.removeSender>[1], actor: string): Promise<allowlist.AllowedSender> {
    return this.change((tx) => allowlist.removeSender(tx, input, actor, "disallow"));
  }

  /** Adds many senders to one allowlist in one change; invalid ids are refused one by one. */
  importSenders(channel: string, account: string | undefined, entries: readonly imports.SenderImport[], actor: string): Promise<imports.AllowlistImportResult> {
    return this.change((tx) => imports.importAllowlist(tx, { channel, account, entries }, actor));
  }

  /** Brings pending DM requests kept elsewhere into the store, in one change. */
  importPendingDm(channel: string, account: string | undefined, requests: readonly imports.PendingDmImport[]): Promise<imports.PendingDmImportResult> {
    return this.change((tx) => imports.importPendingDm(tx, { channel, account, requests }));
  }

  /** Several allowlists and pending lists in one change; with `dryRun`, works out the result and saves nothing. */
  importPlan(plan: imports.ImportPlan, actor: string, options: { dryRun?: boolean } = {}): Promise<imports.ImportPlanResult> {
    const rule = (tx: Tx) => imports.importPlan(tx, plan, actor);
    return options.dryRun ? this.preview(rule) : this.change(rule);
  }

  /** Runs a rule on the current state as `change` would, then takes every effect back: nothing is saved. */
  async preview<T>(rule: (tx: Tx) => T): Promise<T> {
    const view = viewOf(await this.backend.current());
    const tx = new Tx(view, this.clock(), this.random, this.policyOf(view));
    // Synchronous from here to undo(): the allowlist a view shares with the backend is restored before anyone looks.
    try {
      beforeRule(tx);
      return rule(tx);
    } finally {
      tx.undo();
    }
  }

  /**
   * Whether a sender may message the assistant, whatever form of its id is given; the input is checked
   * like any other (a gateway passes it on from strangers).
   */
  async isAllowed(channel: string, senderId: string, account = "default"): Promise<boolean> {
    const name = valid.channelName(channel);
    const sender = valid.senderIdOn(name, senderId);
    const accountName = valid.accountName(account);
    const doc = await this.backend.current();
    const now = this.clock();
    if (allowlist.isAllowed(doc, name, sender, accountName, now)) return true;
    // A store whose ids are not normalised yet (until its first change) holds them as written.
    return doc.idForm < ID_FORM && allowlist.isAllowed(doc, name, valid.senderId(senderId), accountName, now);
  }

  async pending(): Promise<Pending> {
    const doc = await this.read();
    return { dm: doc.dm.requests, devices: doc.devices.requests };
  }

  // Read models: what the doors show

  async pendingCards(): Promise<RequestCard[]> {
    return queries.pendingCards(await this.read());
  }

  async findCard(kind: "dm" | "device", id: string): Promise<RequestCard | undefined> {
    return queries.findCard(await this.read(), kind, id);
  }

  async deviceRequestState(requestId: string): Promise<queries.DeviceRequestState> {
    return queries.deviceRequestState(await this.read(), requestId);
  }

  async pairedDevices(): Promise<queries.ShownDevice[]> {
    return queries.pairedDevices(await this.backend.current());
  }

  async findPairedDevice(deviceId: string): Promise<queries.ShownDevice | undefined> {
    return queries.findPairedDevice(await this.backend.current(), deviceId);
  }

  async openSetupCodes(): Promise<queries.ShownSetupCode[]> {
    return queries.openSetupCodes(await this.read());
  }

  async allowlist(filter: PlaceFilter = {}): Promise<queries.AllowlistEntry[]> {
    return queries.allowlistEntries(await this.backend.current(), this.clock(), checkedFilter(filter));
  }

  /** Pending DM requests, oldest first, on one channel or account when asked. */
  async pendingDm(filter: PlaceFilter = {}): Promise<DmRequest[]> {
    const { channel, account } = checkedFilter(filter);
    return (await this.read()).dm.requests.filter((r) => (!channel || r.channel === channel) && (!account || r.account === account));
  }

  /** The accounts of a channel on which a sender is allowed (any account when the door does not know it). */
  async accountsAllowing(channel: string, senderId: string): Promise<string[]> {
    const name = valid.channelName(channel);
    return queries.accountsAllowing(await this.backend.current(), name, valid.senderIdOn(name, senderId), this.clock());
  }

  async ownerSettings(ownerId: number): Promise<OwnerSettings> {
    return queries.ownerSettings(await this.backend.current(), ownerId);
  }

  /** The audit entry that ended a request, if the audit still holds it. */
  async outcomeOf(requestId: string): Promise<AuditEntry | undefined> {
    return outcomeOf(await this.backend.current(), requestId);
  }

  // Device pairing

  /**
   * Issues a bootstrap token and wraps it with the gateway's URLs (one, a list, or "a,b") into a setup
   * code. URLs with plain ws:// across a network make it limited: a node with no scopes (`downgraded`
   * when an operator was asked for).
   */
  async createSetupCode(input: { url: string | readonly string[]; role?: Role }, actor: string): Promise<CreatedSetupCode> {
    const urls = gatewayUrls(input.url);
    const access = accessOf(urls);
    const issued = await this.change((tx) => devices.issueBootstrapToken(tx, input.role ?? "node", actor, access));
    const setupCode = encodeSetupCode({ urls, bootstrapToken: issued.token, expiresAt: issued.expiresAt, access });
    return { setupCode, url: urls[0]!, urls, access, role: issued.role, downgraded: issued.downgraded, expiresAt: issued.expiresAt, tokenId: issued.id };
  }

  /** Withdraws one unused setup code (and any request made with it), e.g. when its QR image may have leaked undelivered. */
  withdrawSetupCode(tokenId: string, actor: string): Promise<void> {
    return this.change((tx) => devices.withdrawBootstrapToken(tx, tokenId, actor));
  }

  requestDevicePairing(input: devices.DeviceRequestInput): Promise<devices.DeviceRequestResult> {
    return this.change((tx) => devices.requestDevice(tx, input));
  }

  approveDevice(requestId: string, actor: string): Promise<queries.ShownDevice> {
    return this.change((tx) => queries.shownDevice(devices.approveDevice(tx, requestId, actor)));
  }

  rejectDevice(requestId: string, actor: string): Promise<DeviceRequest> {
    return this.change((tx) => devices.rejectDevice(tx, requestId, actor));
  }

  issueDeviceToken(input: { publicKey: string; bootstrapToken: string }): Promise<{ deviceId: string; token: string }> {
    return this.change((tx) => devices.issueDeviceToken(tx, input));
  }

  async verifyDeviceToken(publicKey: string, token: string): Promise<PairedDevice> {
    return devices.verifyDeviceToken(await this.backend.current(), publicKey, token);
  }

  revokeDevice(deviceId: string, actor: string): Promise<queries.ShownDevice> {
    return this.change((tx) => queries.shownDevice(devices.revokeDevice(tx, deviceId, actor)));
  }

  cleanupSetupCodes(actor: string): Promise<number> {
    return this.change((tx) => devices.cleanupBootstrapTokens(tx, actor));
  }

  // Owners and notifications

  /** `/pair notify on|off`: every request announced, or none; either ends a one-shot. */
  setNotify(ownerId: number, on: boolean): Promise<void> {
    return this.change((tx) => owners.setNotify(tx, ownerId, on));
  }

  /**
   * `/pair notify once`: with notifications off, announces the next request filed from now on, then
   * clears. Answers "on" (nothing to arm: every request is announced) or "once".
   */
  armNotifyOnce(ownerId: number): Promise<"on" | "once"> {
    return this.change((tx) => owners.armNotifyOnce(tx, ownerId));
  }

  /** The last alert the bot sent, and to whom. */
  async lastAlert(): Promise<{ ownerId: number; at: string } | undefined> {
    return queries.lastAlert(await this.backend.current());
  }

  async notifyMode(ownerId: number): Promise<"on" | "off" | "once"> {
    return queries.notifyMode(await this.backend.current(), ownerId);
  }

  /** Remembers an owner's language, so alerts after a restart speak it too. */
  setOwnerLocale(ownerId: number, locale: string): Promise<void> {
    return this.change((tx) => owners.setOwnerPreference(tx, ownerId, { locale }));
  }

  /** Keeps the zone an owner reads times in (an IANA name); returns its canonical spelling. */
  async setOwnerTimeZone(ownerId: number, zone: string): Promise<string> {
    const timeZone = valid.timeZone(zone);
    await this.change((tx) => owners.setOwnerPreference(tx, ownerId, { timeZone }));
    return timeZone;
  }

  /**
   * Records the message a request's alert (or a setup code) went out in, with what identifies the request
   * (`about`), so its edit to the outcome can show it after a restart. An alert also notes when the owner
   * was last alerted, and uses up their one-shot (`/pair notify once`) if it was that.
   */
  recordNotification(key: RequestKey, ownerId: number, sent: Omit<SentNotification, "about">): Promise<void> {
    return this.change((tx) => owners.recordNotification(tx, key, ownerId, sent));
  }

  /** Forgets the alerts of one message at once: a message half forgotten would be edited to its rest. */
  forgetNotification(keys: RequestKey | readonly RequestKey[], ownerId: number): Promise<void> {
    return this.change((tx) => owners.forgetNotification(tx, typeof keys === "string" ? [keys] : keys, ownerId));
  }

  // Settings every process shares

  async settings(): Promise<ShownSetting[]> {
    return shownSettings((await this.backend.current()).settings);
  }

  /** Sets one setting (its value checked against what it allows), with an audit entry; returns it as listed. */
  setSetting(name: string, value: string, actor: string): Promise<ShownSetting> {
    return this.change((tx) => setSetting(tx, name, value, actor));
  }

  async audit(): Promise<AuditEntry[]> {
    return (await this.backend.current()).audit;
  }
}

/** Which channel or account a listing is limited to. */
export interface PlaceFilter {
  channel?: string | undefined;
  account?: string | undefined;
}

/** A filter is spelt like the names it matches: a typo ("WhatsApp") is an error, not an empty list. */
function checkedFilter({ channel, account }: PlaceFilter): PlaceFilter {
  return { channel: channel === undefined ? undefined : valid.channelName(channel), account: account === undefined ? undefined : valid.accountName(account) };
}
