import { PairbotError, isPairbotError, pairingCodeOf, type PairingStore, type RequestCard } from "../store/index.js";
import type { PairContext } from "./context.js";
import { decisionText } from "./render/cards.js";
import { storeErrorText } from "./reply.js";

export const isGone = (e: unknown): boolean => isPairbotError(e) && e.code === "not_found";

/**
 * Whether words after "/pair approve" or "/pair deny" can name one request: at most two words, or a
 * code typed in groups ("AB3D 7X9K"), or a channel and a code or a phone number typed in groups.
 */
export function fitsDecision(args: readonly string[]): boolean {
  if (args.length <= 2) return true;
  if (args.length > 8) return false;
  const rest = args.slice(1);
  return pairingCodeOf(args.join("")) !== undefined || pairingCodeOf(rest.join("")) !== undefined || /^\+?[\d\s().-]+$/.test(rest.join(" "));
}

/**
 * A decision typed as a command: "<requestId>", "<code>" or "<channel> <code|senderId>". A code may be
 * typed in groups ("AB3D 7X9K") and a sender id with spaces ("+49 170 1234567").
 * Returns what was decided; store errors (unknown, throttled, invalid) are thrown for the caller.
 */
async function decideByArgs(store: PairingStore, args: readonly string[], decision: "approve" | "deny", actor: string): Promise<RequestCard> {
  const [first, ...rest] = args;
  if (first === undefined) throw new PairbotError("invalid_input", "Name a request id or a pairing code.");
  const alone = rest.length === 0 || pairingCodeOf(args.join("")) !== undefined;
  if (alone) {
    const device = rest.length === 0 ? await store.findCard("device", first) : undefined;
    if (device) return (await store.decide({ kind: "device", id: first }, decision, actor)).card;
    if (!pairingCodeOf(args.join(""))) throw new PairbotError("not_found", `No pending request matches ${first}`);
  }
  const target = alone ? { codeOrSender: args.join("") } : { channel: first, codeOrSender: rest.join(" ") };
  const request = decision === "approve" ? await store.approveDm(target, actor) : await store.denyDm(target, actor);
  return { kind: "dm", request };
}

/** /pair approve|deny|reject with words: decides what they name and says what that did, or why not, in one sentence. */
export async function replyToTypedDecision(ctx: PairContext, store: PairingStore, args: readonly string[], decision: "approve" | "deny"): Promise<unknown> {
  try {
    const card = await decideByArgs(store, args, decision, ctx.actor);
    return ctx.reply(decisionText(ctx.speaker, card, decision));
  } catch (e) {
    return ctx.reply(storeErrorText(ctx, e, args.join(" ")));
  }
}
