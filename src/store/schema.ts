import { z } from "zod";

/** The store's snapshot document. Version 2; see docs/store.md. Every snapshot read is validated against this. */
export const STORE_VERSION = 3;

const time = z.iso.datetime({ offset: true });
const metaValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const DmRequestSchema = z.object({
  id: z.string().min(1),
  channel: z.string().min(1),
  account: z.string().min(1),
  senderId: z.string().min(1),
  name: z.string().optional(),
  meta: z.record(z.string(), metaValue).optional(),
  code: z.string().length(8),
  createdAt: time,
  lastSeenAt: time,
  expiresAt: time,
  /** The sender's language, as the channel reported it: outcome events carry it for the notice. */
  locale: z.string().max(35).optional(),
  /** The sender's first message and their latest (when it differs), held for the owner and handed back on approval. */
  message: z.string().optional(),
  lastMessage: z.string().optional(),
});

export const AllowEntrySchema = z.object({
  name: z.string().optional(),
  addedAt: time,
  addedBy: z.string(),
  /** Temporary access: the sender is allowed until then, and the entry is pruned after. */
  until: time.optional(),
});

export type Allowlist = Record<string, Record<string, Record<string, z.infer<typeof AllowEntrySchema>>>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const isTime = (v: unknown): boolean => typeof v === "string" && ISO_TIME.test(v);

/**
 * channel -> account -> senderId -> entry. The largest part of a big store, so it is checked by hand:
 * the same rules as AllowEntrySchema at a fraction of the cost (about 1 ms per 10,000 entries).
 */
const AllowlistSchema = z.custom<Allowlist>().superRefine((value, ctx) => {
  const problem = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (!isRecord(value)) return problem([], "expected an object of channels");
  for (const [channel, accounts] of Object.entries(value)) {
    if (!isRecord(accounts)) return problem([channel], "expected an object of accounts");
    for (const [account, senders] of Object.entries(accounts)) {
      if (!isRecord(senders)) return problem([channel, account], "expected an object of senders");
      for (const [sender, entry] of Object.entries(senders)) {
        const at = [channel, account, sender];
        if (!isRecord(entry)) return problem(at, "expected an allowlist entry");
        if (!isTime(entry.addedAt)) return problem([...at, "addedAt"], "expected an ISO time");
        if (typeof entry.addedBy !== "string") return problem([...at, "addedBy"], "expected a string");
        if (entry.name !== undefined && typeof entry.name !== "string") return problem([...at, "name"], "expected a string");
        if (entry.until !== undefined && !isTime(entry.until)) return problem([...at, "until"], "expected an ISO time");
      }
    }
  }
});

export const RoleSchema = z.enum(["node", "operator"]);
export const OPERATOR_SCOPES = ["operator.approvals", "operator.read", "operator.talk.secrets", "operator.write"] as const;
const ScopeSchema = z.enum(OPERATOR_SCOPES);

export const BootstrapTokenSchema = z.object({
  id: z.string().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  role: RoleSchema,
  /** "limited" when a setup code's URLs include plain ws:// across a network: a node with no scopes only. Absent: full. */
  access: z.enum(["full", "limited"]).optional(),
  createdAt: time,
  expiresAt: time,
  issuedBy: z.string(),
  boundKey: z.string().optional(),
  boundAt: time.optional(),
  consumedAt: time.optional(),
});

/** Who a device is and what it may do: the same in its request and once paired. */
const deviceIdentity = {
  deviceId: z.string().min(1),
  publicKey: z.string().min(1),
  name: z.string(),
  platform: z.string(),
  role: RoleSchema,
  scopes: z.array(ScopeSchema),
};

export const DeviceRequestSchema = z.object({
  requestId: z.string().min(1),
  ...deviceIdentity,
  remoteAddress: z.string(),
  tokenId: z.string(),
  createdAt: time,
  lastSeenAt: time,
  expiresAt: time,
});

export const PairedDeviceSchema = z.object({
  ...deviceIdentity,
  requestId: z.string(),
  tokenId: z.string(),
  approvedAt: time,
  approvedBy: z.string(),
  /** The address its approved request came from (absent in stores written before). */
  remoteAddress: z.string().optional(),
  /** Absent until the gateway hands the device its token; then only the SHA-256 of it. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  tokenIssuedAt: time.optional(),
});

const AUDIT_ACTIONS = [
  "request", "approve", "deny", "expire", "revoke", "allow", "disallow",
  "setup-code", "bind", "reject", "supersede", "pair", "token", "cleanup", "block", "unblock", "setting",
] as const;

export const AuditEntrySchema = z.object({
  at: time,
  action: z.enum(AUDIT_ACTIONS),
  actor: z.string(),
  /** What was acted on: "whatsapp/default/+4917…", "device 3fa…", "request Xy…". */
  subject: z.string(),
  /** The request id, when the action ended a request: notifications use it to show the outcome. */
  requestId: z.string().optional(),
  /** The DM pairing code a request had, on the entry that ended it: a code handled lately is no guess. */
  code: z.string().optional(),
});

/** What an owner needs to recognise a request once it has ended: a DM sender, or a device. */
const NotifiedRequestSchema = z.union([
  z.object({ channel: z.string(), account: z.string(), senderId: z.string(), name: z.string().optional() }),
  z.object({ name: z.string(), platform: z.string(), role: RoleSchema, remoteAddress: z.string() }),
]);

export const SentNotificationSchema = z.object({
  chatId: z.number(),
  messageId: z.number(),
  sentAt: time,
  /** The request as its alert showed it, so the edit to its outcome keeps it after a restart (absent in stores written before). */
  about: NotifiedRequestSchema.optional(),
});

export const OwnerSettingsSchema = z.object({
  notify: z.boolean(),
  locale: z.string().max(16).optional(),
  timeZone: z.string().max(64).optional(),
  /** `/pair notify once`: with notifications off, the first request filed from this time on is announced; then it clears. */
  notifyOnce: time.optional(),
  /** When the bot last sent this owner an alert (for /pair status). */
  lastAlertAt: time.optional(),
});
export const CodeFailuresSchema = z.object({ count: z.number().int().positive(), since: time });

/** Requests a door refused on one channel in one window (capped, unknown account): one alert for the owner, not one per request. */
export const RefusalSummarySchema = z.object({
  id: z.string().min(1),
  channel: z.string().min(1),
  refused: z.number().int().positive(),
  windowStart: time,
  windowEnd: time,
});

/** A sender kept from asking: blocked by the owner (`block`), or cooling down after a deny (`deny`, with `until`). */
export const DmBlockSchema = z.object({
  channel: z.string().min(1),
  account: z.string().min(1),
  senderId: z.string().min(1),
  reason: z.enum(["block", "deny"]),
  at: time,
  by: z.string(),
  until: time.optional(),
});

const PAIRING_EVENT_TYPES = [
  "dm.requested", "dm.approved", "dm.denied", "dm.revoked", "dm.expired", "dm.blocked",
  "device.requested", "device.approved", "device.denied", "device.revoked", "device.expired",
] as const;

/** What happened to a pairing, in the order it happened: what channel adapters follow (docs/store.md "Pairing events"). */
export const PairingEventSchema = z.object({
  seq: z.number().int().positive(),
  type: z.enum(PAIRING_EVENT_TYPES),
  at: time,
  channel: z.string().optional(),
  account: z.string().optional(),
  senderId: z.string().optional(),
  name: z.string().optional(),
  locale: z.string().optional(),
  /** On dm.approved: the sender's first held message; `lastMessage` their latest, when it differs. */
  message: z.string().optional(),
  lastMessage: z.string().optional(),
  reason: z.string().optional(),
  until: time.optional(),
  requestId: z.string().optional(),
  deviceId: z.string().optional(),
  role: RoleSchema.optional(),
});

export const StoreSchema = z.object({
  version: z.literal(STORE_VERSION),
  /** The sequence number of the last journal record this snapshot includes. */
  seq: z.number().int().nonnegative(),
  dm: z.object({
    requests: z.array(DmRequestSchema),
    /** channel -> account -> senderId -> entry */
    allowlist: AllowlistSchema,
    blocks: z.array(DmBlockSchema),
  }),
  devices: z.object({
    bootstrapTokens: z.array(BootstrapTokenSchema),
    requests: z.array(DeviceRequestSchema),
    paired: z.array(PairedDeviceSchema),
  }),
  /** "dm:<id>" or "device:<requestId>" -> owner user id -> the message that announced it */
  notifications: z.record(z.string(), z.record(z.string(), SentNotificationSchema)),
  /** Per owner: push notifications on or off, the language last seen in their Telegram, their time zone. */
  owners: z.record(z.string(), OwnerSettingsSchema),
  /** Wrong approval codes per actor, to stop guessing. */
  codeFailures: z.record(z.string(), CodeFailuresSchema),
  audit: z.array(AuditEntrySchema),
  /** Flood summaries, oldest first, pruned after an hour (src/store/refusals.ts); absent until the first. */
  refusals: z.array(RefusalSummarySchema).optional(),
  /** Pairing events, oldest first, each with the next `seq`; the newest is always kept. */
  events: z.array(PairingEventSchema),
  /** Settings every process shares (src/store/settings.ts): name -> value as written. */
  settings: z.record(z.string(), z.string()),
  /** The form sender ids are kept in: 0 as written (stores before version 3), 1 normalised per channel. */
  idForm: z.number().int().nonnegative(),
});

export type StoreDoc = z.infer<typeof StoreSchema>;
export type DmRequest = z.infer<typeof DmRequestSchema>;
export type AllowEntry = z.infer<typeof AllowEntrySchema>;
export type Role = z.infer<typeof RoleSchema>;
export type Scope = z.infer<typeof ScopeSchema>;
export type BootstrapToken = z.infer<typeof BootstrapTokenSchema>;
export type DeviceRequest = z.infer<typeof DeviceRequestSchema>;
export type PairedDevice = z.infer<typeof PairedDeviceSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditAction = AuditEntry["action"];
export type SentNotification = z.infer<typeof SentNotificationSchema>;
export type NotifiedRequest = z.infer<typeof NotifiedRequestSchema>;
export type OwnerSettings = z.infer<typeof OwnerSettingsSchema>;
export type RefusalSummary = z.infer<typeof RefusalSummarySchema>;
export type DmBlock = z.infer<typeof DmBlockSchema>;
export type PairingEvent = z.infer<typeof PairingEventSchema>;
export type PairingEventType = PairingEvent["type"];

/** The form of sender ids this pairbot writes (src/store/sender-ids.ts); a store in an older form is normalised by its first change. */
export const ID_FORM = 1;

export const emptyStore = (): StoreDoc => ({
  version: STORE_VERSION,
  seq: 0,
  dm: { requests: [], allowlist: {}, blocks: [] },
  devices: { bootstrapTokens: [], requests: [], paired: [] },
  notifications: {},
  owners: {},
  codeFailures: {},
  audit: [],
  events: [],
  settings: {},
  idForm: ID_FORM,
});

/** Upgrades older documents step by step; each entry takes version N to N+1. */
export const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 1 was one whole document rewritten per change; version 2 is a snapshot plus a journal.
  1: (doc) => ({ ...doc, version: 2, seq: 0 }),
  // Version 3 adds blocks, pairing events and settings; its ids are normalised by the first change (idForm 0).
  2: (doc) => ({ ...doc, version: 3, dm: { ...(doc["dm"] as object), blocks: [] }, events: [], settings: {}, idForm: 0 }),
};
