import { PairbotError, isPairbotError, looksLikePairingCode, type AuditEntry, type PairingStore, type RequestCard } from "../store/index.js";

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
export const findCard = (store: PairingStore, target: DecisionTarget): Promise<RequestCard | undefined> => store.findCard(target.kind, target.id);

/**
 * Approves or denies a request by its opaque id, through the store's rules, in one change. A request
 * that is no longer pending is a `not_found` error and changes nothing: a double tap decides once.
 */
export const decide = (store: PairingStore, target: DecisionTarget, decision: "approve" | "deny", actor: string): Promise<Decided> =>
  store.decide(target, decision, actor);

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
