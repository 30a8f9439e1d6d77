import { ms } from "./clock.js";
import { PairbotError } from "./errors.js";
import type { Tx } from "./policy.js";
import type { RefusalSummary } from "./schema.js";
import { newId } from "./secrets.js";
import * as valid from "./validate.js";

/**
 * Flood summaries: a door that refuses requests (capped, unknown account) records, per channel and
 * window, how many it refused; the bot alerts each owner once per summary, so a flood is one message
 * in the owner's chat instead of a queue of alerts that would bury a real stranger's.
 */

/** A summary is news for an hour; then it goes, with the record of the alerts that told of it. */
export const REFUSAL_SUMMARY_LIFETIME_MS = 60 * 60_000;
/** At most this many stand (the oldest go first): many gateways, channels and windows cannot grow the store. */
export const MAX_REFUSAL_SUMMARIES = 100;
/** A window a door reports may end this far ahead of the store's clock (clocks of processes differ a little). */
const CLOCK_SLACK_MS = 5 * 60_000;

export const refusalKey = (id: string): `refusals:${string}` => `refusals:${id}`;

export interface RefusalInput {
  channel: string;
  refused: number;
  windowStart: string;
  windowEnd: string;
}

export function recordRefusals(tx: Tx, input: RefusalInput): RefusalSummary {
  const channel = valid.channelName(input.channel);
  if (!Number.isSafeInteger(input.refused) || input.refused < 1) throw invalidWindow(`refused must be a whole number of at least 1, not ${JSON.stringify(input.refused)}`);
  const start = Date.parse(input.windowStart);
  const end = Date.parse(input.windowEnd);
  if (!(start <= end)) throw invalidWindow("windowStart and windowEnd must be ISO times, the start not after the end");
  if (end > tx.now + CLOCK_SLACK_MS) throw invalidWindow(`the window ends in the future (${input.windowEnd})`);
  const summary = { id: newId(tx.random), channel, refused: input.refused, windowStart: new Date(start).toISOString(), windowEnd: new Date(end).toISOString() };
  tx.putRefusals(summary);
  const standing = tx.doc.refusals ?? [];
  for (const old of standing.slice(0, Math.max(0, standing.length - MAX_REFUSAL_SUMMARIES))) removeSummary(tx, old.id);
  return summary;
}

const invalidWindow = (why: string) => new PairbotError("invalid_input", `Invalid refusal summary: ${why}.`);

function removeSummary(tx: Tx, id: string): void {
  tx.removeRefusals(id);
  const key = refusalKey(id);
  for (const ownerId of Object.keys(tx.doc.notifications[key] ?? {})) tx.removeNotification(key, ownerId);
}

export function pruneRefusals(tx: Tx): void {
  for (const r of tx.doc.refusals ?? []) if (tx.now - ms(r.windowEnd) >= REFUSAL_SUMMARY_LIFETIME_MS) removeSummary(tx, r.id);
}
