import { z } from "zod";

/** The store's snapshot document. Version 2; see docs/store.md. Every snapshot read is validated against this. */
export const STORE_VERSION = 2;

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
});

export const AllowEntrySchema = z.object({
  name: z.string().optional(),
  addedAt: time,
  addedBy: z.string(),
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
      }
    }
  }
});

export const RoleSchema = z.enum(["node", "operator"]);
export const OPERATOR_SCOPES = ["operator.approvals", "operator.read", "operator.talk.secrets", "operator.write"] as const;
export const ScopeSchema = z.enum(OPERATOR_SCOPES);

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
  /** Absent until the gateway hands the device its token; then only the SHA-256 of it. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  tokenIssuedAt: time.optional(),
});

export const AUDIT_ACTIONS = [
  "request", "approve", "deny", "expire", "revoke", "allow", "disallow",
  "setup-code", "bind", "reject", "supersede", "pair", "token", "cleanup",
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

export const SentNotificationSchema = z.object({
  chatId: z.number(),
  messageId: z.number(),
  sentAt: time,
});

export const OwnerSettingsSchema = z.object({ notify: z.boolean(), locale: z.string().max(16).optional() });
export const CodeFailuresSchema = z.object({ count: z.number().int().positive(), since: time });

export const StoreSchema = z.object({
  version: z.literal(STORE_VERSION),
  /** The sequence number of the last journal record this snapshot includes. */
  seq: z.number().int().nonnegative(),
  dm: z.object({
    requests: z.array(DmRequestSchema),
    /** channel -> account -> senderId -> entry */
    allowlist: AllowlistSchema,
  }),
  devices: z.object({
    bootstrapTokens: z.array(BootstrapTokenSchema),
    requests: z.array(DeviceRequestSchema),
    paired: z.array(PairedDeviceSchema),
  }),
  /** "dm:<id>" or "device:<requestId>" -> owner user id -> the message that announced it */
  notifications: z.record(z.string(), z.record(z.string(), SentNotificationSchema)),
  /** Per owner: push notifications on or off, and the language last seen in their Telegram. */
  owners: z.record(z.string(), OwnerSettingsSchema),
  /** Wrong approval codes per actor, to stop guessing. */
  codeFailures: z.record(z.string(), CodeFailuresSchema),
  audit: z.array(AuditEntrySchema),
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
export type OwnerSettings = z.infer<typeof OwnerSettingsSchema>;

export const emptyStore = (): StoreDoc => ({
  version: STORE_VERSION,
  seq: 0,
  dm: { requests: [], allowlist: {} },
  devices: { bootstrapTokens: [], requests: [], paired: [] },
  notifications: {},
  owners: {},
  codeFailures: {},
  audit: [],
});

/** Upgrades older documents step by step; each entry takes version N to N+1. */
export const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 1 was one whole document rewritten per change; version 2 is a snapshot plus a journal.
  1: (doc) => ({ ...doc, version: 2, seq: 0 }),
};
