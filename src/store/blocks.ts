import { ms } from "./clock.js";
import { PairbotError } from "./errors.js";
import { dmEventFields } from "./pairing-events.js";
import type { Tx } from "./policy.js";
import type { DmBlock, DmRequest, StoreDoc } from "./schema.js";
import * as valid from "./validate.js";

/** Senders kept from asking: blocked by the owner, or cooling down after a plain deny. */

export interface SenderRef {
  channel: string;
  account?: string | undefined;
  senderId: string;
}

/** How the audit names a sender: "whatsapp/default/+4917…". */
export const subjectOf = (r: { channel: string; account: string; senderId: string }): string => `${r.channel}/${r.account}/${r.senderId}`;

/** The block that stands for a sender now, if any (one whose `until` passed no longer counts). */
export function activeBlock(doc: StoreDoc, channel: string, account: string, senderId: string, now: number): DmBlock | undefined {
  const block = doc.dm.blocks.find((b) => b.channel === channel && b.account === account && b.senderId === senderId);
  return block && (block.until === undefined || ms(block.until) > now) ? block : undefined;
}

/**
 * Blocks a sender: no code and no alert from now on, until unblocked. A pending request from them ends
 * (`request`, when the block is how the owner answered it), and so does their access, if they had it.
 */
export function blockSender(tx: Tx, input: SenderRef, actor: string, request?: DmRequest): DmBlock {
  const channel = valid.channelName(input.channel);
  const account = valid.accountName(input.account);
  const senderId = valid.senderIdOn(channel, input.senderId);
  const pending = request ?? tx.doc.dm.requests.find((r) => r.channel === channel && r.account === account && r.senderId === senderId);
  if (pending) tx.removeDmRequest(pending.id);
  const allowed = tx.allowEntry(channel, account, senderId);
  if (allowed) tx.removeAllowEntry(channel, account, senderId);
  const block: DmBlock = { channel, account, senderId, reason: "block", at: tx.nowIso, by: actor };
  tx.putBlock(block);
  tx.audit("block", actor, subjectOf(block), pending?.id, pending?.code);
  tx.event("dm.blocked", { ...(pending ? dmEventFields(pending) : { channel, account, senderId, name: allowed?.name }), ...(allowed ? { reason: "access ended" } : {}) });
  return block;
}

export function unblockSender(tx: Tx, input: SenderRef, actor: string): DmBlock {
  const channel = valid.channelName(input.channel);
  const account = valid.accountName(input.account);
  const senderId = valid.senderIdOn(channel, input.senderId);
  const block = activeBlock(tx.doc, channel, account, senderId, tx.now);
  if (!block) {
    throw new PairbotError("not_found", `Sender ${senderId} is not blocked on ${channel}${account === "default" ? "" : ` (account ${account})`}, so there is nothing to unblock; check the channel and the sender id.`);
  }
  tx.removeBlock(channel, account, senderId);
  tx.audit("unblock", actor, subjectOf(block));
  return block;
}

/** After a plain deny the sender waits `denyCooldownMs` (0: not at all) before asking again. */
export function coolDown(tx: Tx, request: DmRequest, actor: string): void {
  const wait = tx.policy.denyCooldownMs;
  if (wait <= 0) return;
  const { channel, account, senderId } = request;
  if (tx.doc.dm.blocks.some((b) => b.channel === channel && b.account === account && b.senderId === senderId && b.reason === "block")) return;
  tx.putBlock({ channel, account, senderId, reason: "deny", at: tx.nowIso, by: actor, until: new Date(tx.now + wait).toISOString() });
}

/** The owner let the sender in: whatever kept them from asking goes. */
export function liftBlock(tx: Tx, channel: string, account: string, senderId: string): void {
  if (tx.doc.dm.blocks.some((b) => b.channel === channel && b.account === account && b.senderId === senderId)) tx.removeBlock(channel, account, senderId);
}

/** Blocks and cool-downs whose end has come go without a word; they kept nobody in. */
export function pruneBlocks(tx: Tx): void {
  for (const b of tx.doc.dm.blocks) if (b.until !== undefined && ms(b.until) <= tx.now) tx.removeBlock(b.channel, b.account, b.senderId);
}
