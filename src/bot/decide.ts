import { PairbotError, isPairbotError, looksLikePairingCode, type AuditEntry, type PairingStore } from "../store/index.js";
import type { RequestCard } from "./notifier/texts.js";

export interface DecisionTarget {
  kind: "dm" | "device";
  id: string;
}

/** What a decision did: the request as it was, and the audit entry that ended it. */
export interface Decided {
  card: RequestCard;
  outcome: AuditEntry | undefined;
}

/** The pending request behind an opaque id, or undefined when it is gone (handled, expired, unknown). */
export async function findCard(store: PairingStore, target: DecisionTarget): Promise<RequestCard | undefined> {
  const pending = await store.pending();
  if (target.kind === "dm") {
    const request = pending.dm.find((r) => r.id === target.id);
    return request && { kind: "dm", request };
  }
  const request = pending.devices.find((r) => r.requestId === target.id);
  return request && { kind: "device", request };
}

/**
 * Approves or denies a request by its opaque id, through the store's rules. A request that is no
 * longer pending is a `not_found` error and changes nothing: a double tap decides once.
 */
export async function decide(store: PairingStore, target: DecisionTarget, decision: "approve" | "deny", actor: string): Promise<Decided> {
  const card = await findCard(store, target);
  if (!card) throw new PairbotError("not_found", "This request was already handled or has expired.");
  if (card.kind === "dm") await store.decideDmById(card.request.id, decision, actor);
  else if (decision === "approve") await store.approveDevice(card.request.requestId, actor);
  else await store.rejectDevice(card.request.requestId, actor);
  return { card, outcome: await outcomeOf(store, target.id) };
}

export async function outcomeOf(store: PairingStore, requestId: string): Promise<AuditEntry | undefined> {
  return (await store.audit()).findLast((e) => e.requestId === requestId);
}

export const isGone = (e: unknown): boolean => isPairbotError(e) && e.code === "not_found";

/**
 * A decision typed as a command: "<requestId>", "<code>" or "<channel> <code|senderId>".
 * Returns what was decided; store errors (unknown, throttled, invalid) are thrown for the caller.
 */
export async function decideByArgs(store: PairingStore, args: readonly string[], decision: "approve" | "deny", actor: string): Promise<RequestCard> {
  const [first, second] = args;
  if (first === undefined) throw new PairbotError("invalid_input", "Name a request id or a pairing code.");
  if (second === undefined) {
    const device = await findCard(store, { kind: "device", id: first });
    if (device) return (await decide(store, { kind: "device", id: first }, decision, actor)).card;
    if (!looksLikePairingCode(first)) throw new PairbotError("not_found", `No pending request matches ${first}`);
  }
  const target = second === undefined ? { codeOrSender: first } : { channel: first, codeOrSender: second };
  const request = decision === "approve" ? await store.approveDm(target, actor) : await store.denyDm(target, actor);
  return { kind: "dm", request };
}
