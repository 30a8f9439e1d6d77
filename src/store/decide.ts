import * as devices from "./devices.js";
import * as dm from "./dm.js";
import { PairbotError } from "./errors.js";
import { outcomeOf } from "./events.js";
import type { Tx } from "./policy.js";
import { findCard, type RequestCard } from "./queries.js";
import type { AuditEntry } from "./schema.js";

/** What a decision did: the request as it was, and the audit entry that ended it. */
export interface Decided {
  card: RequestCard;
  outcome: AuditEntry | undefined;
}

/**
 * Approves or denies the pending request behind a button or an id, whichever kind it is. A request no
 * longer pending is `not_found`: a double tap decides once.
 */
export function decide(
  tx: Tx,
  target: { kind: "dm" | "device"; id: string },
  decision: "approve" | "deny",
  actor: string,
  options: { forMs?: number | undefined; block?: boolean | undefined },
): Decided {
  const card = findCard(tx.doc, target.kind, target.id);
  if (!card) throw new PairbotError("not_found", "This request was already handled or has expired.", { id: target.id });
  if (card.kind === "dm") {
    const dmTarget = { channel: card.request.channel, account: card.request.account, codeOrSender: card.request.senderId };
    if (decision === "approve") dm.approveDm(tx, dmTarget, actor, { forMs: options.forMs });
    else dm.denyDm(tx, dmTarget, actor, { block: options.block });
  } else if (decision === "approve") devices.approveDevice(tx, card.request.requestId, actor);
  else devices.rejectDevice(tx, card.request.requestId, actor);
  return { card, outcome: outcomeOf(tx.doc, target.id) };
}
