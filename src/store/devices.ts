import { autoActor, autoApproval, type AddressSource } from "./auto-approve.js";
import { ms } from "./clock.js";
import { PairbotError, invalidInput } from "./errors.js";
import type { Policy, Tx } from "./policy.js";
import { OPERATOR_SCOPES, RoleSchema, type BootstrapToken, type DeviceRequest, type PairedDevice, type Role, type Scope, type StoreDoc } from "./schema.js";
import { deviceEventFields } from "./pairing-events.js";
import { requestKey } from "./queries.js";
import { autoApproveCidrs } from "./settings.js";
import { deviceIdFor, hashToken, newId, newToken, tokenMatches } from "./secrets.js";
import type { Access } from "./setup-code.js";
import * as valid from "./validate.js";

/** Device pairing: which devices may join the gateway, and with which role and scopes. */

export interface IssuedBootstrapToken {
  id: string;
  /** The only time the token exists in clear: it goes into the setup code and is never stored. */
  token: string;
  expiresAt: string;
  /** The role it pairs: the one asked for, or node when limited access downgraded an operator. */
  role: Role;
  access: Access;
  downgraded: boolean;
}

/** Limited access (plain ws:// across a network) pairs a node with no scopes: an operator code becomes a node code. */
export function issueBootstrapToken(tx: Tx, asked: Role, actor: string, access: Access = "full"): IssuedBootstrapToken {
  // Checked here, not only by front-ends: a bad role written to the file would make the whole store unreadable.
  if (!RoleSchema.safeParse(asked).success) throw invalidInput("role", `${JSON.stringify(asked)} is not a role; use "node" or "operator"`);
  if (access !== "full" && access !== "limited") throw invalidInput("access", `${JSON.stringify(access)} is not an access; use "full" or "limited"`);
  const role: Role = access === "limited" ? "node" : asked;
  const token = newToken(tx.random);
  const record: BootstrapToken = {
    id: newId(tx.random),
    hash: hashToken(token),
    role,
    ...(access === "limited" ? { access } : {}),
    createdAt: tx.nowIso,
    expiresAt: new Date(tx.now + tx.policy.bootstrapTtlMs).toISOString(),
    issuedBy: actor,
  };
  tx.putBootstrapToken(record);
  tx.audit("setup-code", actor, `setup code ${record.id} (${role}${access === "limited" ? ", limited" : ""})`, record.id);
  return { id: record.id, token, expiresAt: record.expiresAt, role, access, downgraded: role !== asked };
}

/** Withdraws one setup code nobody has used yet (a QR image that may have been seen but was never delivered). */
export function withdrawBootstrapToken(tx: Tx, tokenId: string, actor: string): void {
  const token = tx.doc.devices.bootstrapTokens.find((t) => t.id === tokenId);
  if (!token) return;
  for (const r of tx.doc.devices.requests.filter((r) => r.tokenId === tokenId)) {
    tx.removeDeviceRequest(r.requestId);
    tx.audit("reject", actor, `device ${r.deviceId} (${r.name}): setup code withdrawn`, r.requestId);
    tx.event("device.denied", { ...deviceEventFields(r), reason: "setup code withdrawn" });
  }
  tx.removeBootstrapToken(tokenId);
  tx.audit("cleanup", actor, `setup code ${tokenId}`, tokenId);
}

/** Looks a presented token up by hash, comparing every candidate in constant time. */
function findBootstrapToken(doc: StoreDoc, token: string): BootstrapToken | undefined {
  let found: BootstrapToken | undefined;
  for (const t of doc.devices.bootstrapTokens) if (tokenMatches(token, t.hash)) found = t;
  return found;
}

function publicKeyOf(value: unknown): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(value) || Buffer.from(value, "base64url").length !== 32) {
    throw invalidInput("public key", "it must be a raw 32-byte Ed25519 key in base64url (43 characters)");
  }
  return value;
}

/** The scopes a role may hold: a node none, an operator at most the four operator scopes. */
function checkScopes(role: Role, scopes: readonly string[]): Scope[] {
  const wanted = [...new Set(scopes)].sort();
  const allowed: readonly string[] = role === "node" ? [] : OPERATOR_SCOPES;
  const denied = wanted.filter((s) => !allowed.includes(s));
  if (denied.length > 0) {
    throw new PairbotError("scope_denied", `A ${role} may not ask for ${denied.join(", ")}; allowed: ${allowed.join(", ") || "no scopes"}`);
  }
  return wanted as Scope[];
}

export interface DeviceRequestInput {
  bootstrapToken: string;
  publicKey: string;
  name: string;
  platform: string;
  role: Role;
  scopes: readonly string[];
  remoteAddress: string;
  /** How the gateway learned the address; auto-approval never trusts an address behind an untrusted proxy. Default: untrusted. */
  via?: AddressSource;
}

export type DeviceRequestResult =
  | { status: "pending"; requestId: string; deviceId: string; created: boolean; expiresAt: string }
  /** Approved while the device was away, or at once by `device.autoApproveCidrs` (`auto` names the range): the gateway hands out its token now. */
  | { status: "approved"; deviceId: string; auto?: string };

const invalidToken = () =>
  new PairbotError("token_invalid", "This setup code is not valid (unknown, already used or cleaned up); ask the owner for a new one (/pair).");

export function requestDevice(tx: Tx, input: DeviceRequestInput): DeviceRequestResult {
  const publicKey = publicKeyOf(input.publicKey);
  const deviceId = deviceIdFor(publicKey);
  const token = findBootstrapToken(tx.doc, input.bootstrapToken);
  if (!token) throw invalidToken();
  if (token.boundKey !== undefined && token.boundKey !== publicKey) {
    throw new PairbotError("token_bound", "This setup code was already used by another device; ask the owner for a new one (/pair).");
  }
  if (token.boundKey === undefined && ms(token.expiresAt) <= tx.now) {
    throw new PairbotError("token_expired", `This setup code expired at ${token.expiresAt}; ask the owner for a new one (/pair).`);
  }
  if (token.access === "limited" && (input.role !== "node" || input.scopes.length > 0)) {
    // Refused, not downgraded: the device would otherwise believe it holds rights it does not have.
    throw new PairbotError("scope_denied", "This setup code is limited to a node with no scopes, since it was issued for plain ws:// across a network; ask the owner for a code with only wss:// addresses to pair an operator.");
  }
  if (input.role !== token.role) {
    throw new PairbotError("scope_denied", `This setup code is for a ${token.role}, not a ${input.role}`);
  }
  const scopes = checkScopes(input.role, input.scopes);
  const name = valid.cleanText("device name", input.name, valid.LIMITS.deviceName);
  const platform = valid.cleanText("platform", input.platform, valid.LIMITS.platform);
  const remoteAddress = valid.cleanText("remote address", input.remoteAddress, valid.LIMITS.remoteAddress);

  const bound = token.boundKey === undefined ? { ...token, boundKey: publicKey, boundAt: tx.nowIso } : token;
  if (bound !== token) {
    tx.putBootstrapToken(bound);
    tx.audit("bind", "gateway", `setup code ${token.id} to device ${deviceId}`, token.id);
  }
  const paired = tx.doc.devices.paired.find((d) => d.deviceId === deviceId);
  if (paired && paired.tokenHash === undefined && paired.tokenId === token.id) return { status: "approved", deviceId };

  const requests = tx.doc.devices.requests;
  const existing = requests.find((r) => r.deviceId === deviceId);
  const sameQuestion = existing && existing.role === input.role && sameScopes(existing.scopes, scopes) &&
    existing.name === name && existing.platform === platform && existing.remoteAddress === remoteAddress;
  if (existing && sameQuestion) {
    tx.putDeviceRequest({ ...existing, lastSeenAt: tx.nowIso });
    return autoApproved(tx, existing, input.via) ?? { status: "pending", requestId: existing.requestId, deviceId, created: false, expiresAt: existing.expiresAt };
  }
  if (existing) {
    // Never merge or edit: the owner judged what the old request showed; anything else is a new question.
    tx.removeDeviceRequest(existing.requestId);
    tx.audit("supersede", "gateway", `device ${deviceId}`, existing.requestId);
    tx.event("device.expired", { ...deviceEventFields(existing), reason: "superseded" });
  }
  const request: DeviceRequest = {
    requestId: newId(tx.random),
    deviceId,
    publicKey,
    name,
    platform,
    role: input.role,
    scopes,
    remoteAddress,
    tokenId: token.id,
    createdAt: tx.nowIso,
    lastSeenAt: tx.nowIso,
    // A replacing request ends when the first one through this setup code would have: no fresh lifetime.
    expiresAt: new Date(Math.min(tx.now + tx.policy.deviceRequestTtlMs, boundDeadline(bound, tx.policy))).toISOString(),
  };
  tx.putDeviceRequest(request);
  tx.event("device.requested", deviceEventFields(request));
  return autoApproved(tx, request, input.via) ?? { status: "pending", requestId: request.requestId, deviceId, created: true, expiresAt: request.expiresAt };
}

/** Approves a pending request at once when `device.autoApproveCidrs` covers it (see auto-approve.ts). */
function autoApproved(tx: Tx, request: DeviceRequest, via: AddressSource = "untrusted-proxy"): DeviceRequestResult | undefined {
  const decision = autoApproval({ ...request, via }, autoApproveCidrs(tx.doc.settings));
  if (!decision.approve) return undefined;
  approveDevice(tx, request.requestId, autoActor(decision.cidr));
  return { status: "approved", deviceId: request.deviceId, auto: decision.cidr };
}

/** When a bound setup code stops carrying requests: one request lifetime after the device bound it. */
const boundDeadline = (token: BootstrapToken, policy: Policy): number =>
  ms(token.boundAt ?? token.createdAt) + policy.deviceRequestTtlMs;

const sameScopes = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);

function takeRequest(tx: Tx, requestId: string): DeviceRequest {
  const request = tx.doc.devices.requests.find((r) => r.requestId === requestId);
  if (!request) throw new PairbotError("not_found", `No pending device request found with id: ${requestId}; it may be decided or expired already, so check the id against the pending requests.`);
  tx.removeDeviceRequest(request.requestId);
  return request;
}

export function approveDevice(tx: Tx, requestId: string, actor: string): PairedDevice {
  const request = takeRequest(tx, requestId);
  const device: PairedDevice = {
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    name: request.name,
    platform: request.platform,
    role: request.role,
    scopes: request.scopes,
    requestId: request.requestId,
    tokenId: request.tokenId,
    approvedAt: tx.nowIso,
    approvedBy: actor,
    remoteAddress: request.remoteAddress,
  };
  tx.putPairedDevice(device);
  tx.audit("approve", actor, `device ${device.deviceId} (${device.name})`, request.requestId);
  tx.event("device.approved", deviceEventFields(device));
  return device;
}

export function rejectDevice(tx: Tx, requestId: string, actor: string): DeviceRequest {
  const request = takeRequest(tx, requestId);
  tx.removeBootstrapToken(request.tokenId);
  tx.audit("reject", actor, `device ${request.deviceId} (${request.name})`, request.requestId);
  tx.event("device.denied", deviceEventFields(request));
  return request;
}

/**
 * Completes pairing: mints the device token for an approved device that proves its key and still holds
 * the bootstrap token bound to it, stores only its hash, and consumes the bootstrap token. Once only.
 */
export function issueDeviceToken(tx: Tx, input: { publicKey: string; bootstrapToken: string }): { deviceId: string; token: string } {
  const publicKey = publicKeyOf(input.publicKey);
  const deviceId = deviceIdFor(publicKey);
  const bootstrap = findBootstrapToken(tx.doc, input.bootstrapToken);
  const device = tx.doc.devices.paired.find((d) => d.deviceId === deviceId);
  if (!bootstrap || bootstrap.boundKey !== publicKey || !device || device.tokenId !== bootstrap.id || device.tokenHash !== undefined) {
    throw invalidToken();
  }
  const token = newToken(tx.random);
  tx.putPairedDevice({ ...device, tokenHash: hashToken(token), tokenIssuedAt: tx.nowIso });
  tx.removeBootstrapToken(bootstrap.id);
  tx.audit("token", "gateway", `device ${deviceId} (${device.name})`, bootstrap.id);
  return { deviceId, token };
}

/** The paired device a device token belongs to, or an error; the key must match too. */
export function verifyDeviceToken(doc: StoreDoc, publicKey: string, token: string): PairedDevice {
  const device = doc.devices.paired.find((d) => d.deviceId === deviceIdFor(publicKey));
  if (!device || device.publicKey !== publicKey || device.tokenHash === undefined || !tokenMatches(token, device.tokenHash)) {
    throw new PairbotError("token_invalid", "This device token is not valid: the device is unknown or was revoked. Pair it again.");
  }
  return device;
}

export function revokeDevice(tx: Tx, deviceId: string, actor: string): PairedDevice {
  const device = tx.doc.devices.paired.find((d) => d.deviceId === deviceId);
  if (!device) throw new PairbotError("not_found", `No paired device found with id: ${deviceId}; it may be revoked already, so check the id against the paired devices.`);
  tx.removePairedDevice(device.deviceId);
  // The alert that announced an automatic approval has done its work once the device is gone.
  const alert = requestKey.auto(device.requestId);
  for (const ownerId of Object.keys(tx.doc.notifications[alert] ?? {})) tx.removeNotification(alert, ownerId);
  tx.audit("revoke", actor, `device ${deviceId} (${device.name})`);
  tx.event("device.revoked", deviceEventFields(device));
  return device;
}

/** Invalidates every setup code not yet redeemed, and the pending requests that came through them. */
export function cleanupBootstrapTokens(tx: Tx, actor: string): number {
  const awaited = new Set(tx.doc.devices.paired.filter((d) => d.tokenHash === undefined).map((d) => d.tokenId));
  const removed = tx.doc.devices.bootstrapTokens.filter((t) => !awaited.has(t.id));
  const removedIds = new Set(removed.map((t) => t.id));
  for (const t of removed) tx.removeBootstrapToken(t.id);
  for (const r of tx.doc.devices.requests.filter((r) => removedIds.has(r.tokenId))) {
    tx.removeDeviceRequest(r.requestId);
    tx.audit("cleanup", actor, `device ${r.deviceId} (${r.name}): setup code cleaned up`, r.requestId);
    tx.event("device.denied", { ...deviceEventFields(r), reason: "setup code cleaned up" });
  }
  for (const t of removed) tx.audit("cleanup", actor, `setup code ${t.id}`, t.id);
  return removed.length;
}

export function pruneDevices(tx: Tx): void {
  const d = tx.doc.devices;
  // A request ends at its own expiry or at its setup code's deadline, whichever comes first.
  const pastDeadline = new Set(d.bootstrapTokens.filter((t) => t.boundKey !== undefined && boundDeadline(t, tx.policy) <= tx.now).map((t) => t.id));
  for (const r of d.requests.filter((r) => ms(r.expiresAt) <= tx.now || pastDeadline.has(r.tokenId))) {
    tx.removeDeviceRequest(r.requestId);
    tx.audit("expire", "clock", `device ${r.deviceId} (${r.name})`, r.requestId);
    tx.event("device.expired", deviceEventFields(r));
  }
  // A token stays while it can still complete a pairing: unexpired and unbound, or bound to a live request or approval.
  const inUse = new Set([...d.requests.map((r) => r.tokenId), ...d.paired.filter((p) => !p.tokenHash).map((p) => p.tokenId)]);
  for (const t of d.bootstrapTokens.filter((t) => !inUse.has(t.id) && (t.boundKey !== undefined || ms(t.expiresAt) <= tx.now))) {
    tx.removeBootstrapToken(t.id);
    tx.audit("expire", "clock", `setup code ${t.id}`, t.id);
  }
}
