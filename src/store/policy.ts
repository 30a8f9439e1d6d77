import type { RandomSource } from "./clock.js";
import { iso } from "./clock.js";
import { applyEffect, replacedParts, restoreParts, type Effect } from "./effects.js";
import type { AllowEntry, AuditAction, BootstrapToken, DeviceRequest, DmBlock, DmRequest, OwnerSettings, PairedDevice, PairingEvent, PairingEventType, RefusalSummary, SentNotification, StoreDoc } from "./schema.js";

/**
 * The numbers behind the rules. Defaults follow the reference system; the store's settings
 * (src/store/settings.ts) replace some of them, and a process may set any for itself.
 */
export interface Policy {
  dmTtlMs: number;
  /** Pending DM requests that may stand per channel and account, per channel across its accounts, and in all. */
  maxPendingPerAccount: number;
  maxPendingPerChannel: number;
  maxPendingTotal: number;
  bootstrapTtlMs: number;
  deviceRequestTtlMs: number;
  /** After a plain deny, how long the same sender gets no new code or alert; 0 for never. */
  denyCooldownMs: number;
  /** Wrong approval codes one actor may enter within the window before approving by code is paused. */
  codeFailureLimit: number;
  codeFailureWindowMs: number;
  auditLimit: number;
  /** Pairing events kept: at most this many, and none older than the retention before the newest. */
  eventLimit: number;
  eventRetentionMs: number;
}

export const DEFAULT_POLICY: Policy = {
  dmTtlMs: 60 * 60_000,
  maxPendingPerAccount: 3,
  maxPendingPerChannel: 10,
  maxPendingTotal: 50,
  bootstrapTtlMs: 10 * 60_000,
  deviceRequestTtlMs: 10 * 60_000,
  denyCooldownMs: 24 * 60 * 60_000,
  codeFailureLimit: 10,
  codeFailureWindowMs: 15 * 60_000,
  auditLimit: 5000,
  eventLimit: 10_000,
  eventRetentionMs: 7 * 86_400_000,
};

/** What an event says besides its sequence number, type and time; fields left undefined are left out. */
export type PairingEventFields = { [K in keyof Omit<PairingEvent, "seq" | "type" | "at">]?: PairingEvent[K] | undefined };

/**
 * One change to the store: the current document, the time, and the effects a rule makes. Rules read
 * `doc` and change it only through the methods below, which apply each effect at once (so the rule sees
 * its own changes) and record it for the journal; `undo()` takes them all back.
 */
export class Tx {
  /** Set by a rule that must keep what it wrote even though it then fails (counting a wrong code). */
  commitOnError = false;
  readonly nowIso: string;
  readonly effects: Effect[] = [];
  private readonly before;
  private readonly allowBefore: Array<[string, string, string, AllowEntry | undefined]> = [];

  constructor(
    readonly doc: StoreDoc,
    readonly now: number,
    readonly random: RandomSource,
    readonly policy: Policy,
  ) {
    this.nowIso = iso(now);
    this.before = replacedParts(doc);
  }

  get changed(): boolean {
    return this.effects.length > 0;
  }

  private apply(effect: Effect): void {
    applyEffect(this.doc, effect);
    this.effects.push(effect);
  }

  /** Takes back every effect of this change, leaving the document as the rule found it. */
  undo(): void {
    restoreParts(this.doc, this.before);
    for (const [channel, account, senderId, entry] of this.allowBefore.reverse()) {
      applyEffect(this.doc, entry ? { t: "allow", put: [channel, account, senderId, entry] } : { t: "allow", del: [channel, account, senderId] });
    }
    this.effects.length = 0;
    this.allowBefore.length = 0;
  }

  putDmRequest(request: DmRequest): void {
    this.apply({ t: "dm", put: request });
  }
  removeDmRequest(id: string): void {
    this.apply({ t: "dm", del: id });
  }
  putAllowEntry(channel: string, account: string, senderId: string, entry: AllowEntry): void {
    this.allowBefore.push([channel, account, senderId, this.allowEntry(channel, account, senderId)]);
    this.apply({ t: "allow", put: [channel, account, senderId, entry] });
  }
  removeAllowEntry(channel: string, account: string, senderId: string): void {
    this.allowBefore.push([channel, account, senderId, this.allowEntry(channel, account, senderId)]);
    this.apply({ t: "allow", del: [channel, account, senderId] });
  }
  allowEntry(channel: string, account: string, senderId: string): AllowEntry | undefined {
    const senders = this.doc.dm.allowlist[channel]?.[account];
    return senders && Object.hasOwn(senders, senderId) ? senders[senderId] : undefined;
  }
  putBlock(block: DmBlock): void {
    this.apply({ t: "block", put: block });
  }
  removeBlock(channel: string, account: string, senderId: string): void {
    this.apply({ t: "block", del: [channel, account, senderId] });
  }
  putSetting(name: string, value: string): void {
    this.apply({ t: "setting", put: [name, value] });
  }
  removeSetting(name: string): void {
    this.apply({ t: "setting", del: name });
  }
  setIdForm(form: number): void {
    this.apply({ t: "idForm", put: form });
  }
  putBootstrapToken(token: BootstrapToken): void {
    this.apply({ t: "token", put: token });
  }
  removeBootstrapToken(id: string): void {
    this.apply({ t: "token", del: id });
  }
  putDeviceRequest(request: DeviceRequest): void {
    this.apply({ t: "deviceRequest", put: request });
  }
  removeDeviceRequest(requestId: string): void {
    this.apply({ t: "deviceRequest", del: requestId });
  }
  putPairedDevice(device: PairedDevice): void {
    this.apply({ t: "device", put: device });
  }
  removePairedDevice(deviceId: string): void {
    this.apply({ t: "device", del: deviceId });
  }
  putNotification(key: string, ownerId: string, sent: SentNotification): void {
    this.apply({ t: "notification", put: [key, ownerId, sent] });
  }
  removeNotification(key: string, ownerId: string): void {
    this.apply({ t: "notification", del: [key, ownerId] });
  }
  putOwner(ownerId: string, settings: OwnerSettings): void {
    this.apply({ t: "owner", put: [ownerId, settings] });
  }
  putCodeFailures(actor: string, failures: { count: number; since: string }): void {
    this.apply({ t: "codeFailure", put: [actor, failures] });
  }
  removeCodeFailures(actor: string): void {
    this.apply({ t: "codeFailure", del: actor });
  }

  putRefusals(summary: RefusalSummary): void {
    this.apply({ t: "refusal", put: summary });
  }
  removeRefusals(id: string): void {
    this.apply({ t: "refusal", del: id });
  }

  /** Appends a pairing event with the next sequence number (the newest event is never dropped, so it is never reused). */
  event(type: PairingEventType, fields: PairingEventFields): PairingEvent {
    const event = { seq: (this.doc.events.at(-1)?.seq ?? 0) + 1, type, at: this.nowIso } as PairingEvent;
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) (event as Record<string, unknown>)[key] = value;
    this.apply({ t: "event", add: event, keep: this.policy.eventLimit, keepMs: this.policy.eventRetentionMs });
    return event;
  }

  audit(action: AuditAction, actor: string, subject: string, requestId?: string, code?: string): void {
    const entry = { at: this.nowIso, action, actor, subject, ...(requestId ? { requestId } : {}), ...(code ? { code } : {}) };
    this.apply({ t: "audit", add: entry, keep: this.policy.auditLimit });
  }
}
