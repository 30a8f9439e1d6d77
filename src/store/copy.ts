import { existsSync } from "node:fs";
import { PairbotError } from "./errors.js";
import { describeLocation, locationOf, readWholeStore, writeWholeStore, type StoreLocation } from "./open.js";
import type { StoreDoc } from "./schema.js";

/** How many of each part a store holds: what `pairbot store copy` compares after copying. */
export function storeCounts(doc: StoreDoc): Record<string, number> {
  const senders = Object.values(doc.dm.allowlist).flatMap((accounts) => Object.values(accounts)).reduce((n, senders) => n + Object.keys(senders).length, 0);
  return {
    "pending DM requests": doc.dm.requests.length,
    "allowed senders": senders,
    "setup codes": doc.devices.bootstrapTokens.length,
    "pending device requests": doc.devices.requests.length,
    "paired devices": doc.devices.paired.length,
    "sent notifications": Object.values(doc.notifications).reduce((n, byOwner) => n + Object.keys(byOwner).length, 0),
    owners: Object.keys(doc.owners).length,
    "code failure counters": Object.keys(doc.codeFailures).length,
    "audit entries": doc.audit.length,
    "refusal summaries": doc.refusals?.length ?? 0,
    "blocked senders": doc.dm.blocks.length,
    "pairing events": doc.events.length,
    settings: Object.keys(doc.settings).length,
  };
}

const isEmpty = (counts: Record<string, number>) => Object.values(counts).every((n) => n === 0);

/**
 * Copies a whole store (file to PostgreSQL, or back), then reads the target as a new process would
 * and checks every part's count. Refuses a target that holds anything unless `force`.
 */
export async function copyStore(fromValue: string | StoreLocation, toValue: string | StoreLocation, options: { force?: boolean } = {}): Promise<Record<string, number>> {
  const from = typeof fromValue === "string" ? locationOf(fromValue) : fromValue;
  const to = typeof toValue === "string" ? locationOf(toValue) : toValue;
  if (describeLocation(from) === describeLocation(to)) throw new PairbotError("invalid_input", "The source and the target of a copy are the same store: name two different ones.");
  // A mistyped source path would otherwise read as an empty store and copy nothing, "successfully".
  if (from.kind === "file" && !existsSync(from.file) && !existsSync(`${from.file}.journal`)) {
    throw new PairbotError("not_found", `There is no store at ${from.file}: check the path of the store to copy.`);
  }
  const doc = await readWholeStore(from);
  const expected = storeCounts(doc);
  const before = await readWholeStore(to);
  if (!options.force && (before.seq > 0 || !isEmpty(storeCounts(before)))) {
    throw new PairbotError("invalid_input", `The target ${describeLocation(to)} already holds a store (change ${before.seq}): copy into an empty one, or add --force to replace it.`);
  }
  // The copy continues after both stores' last change, so a process still following the target notices.
  await writeWholeStore(to, { ...doc, seq: Math.max(doc.seq, before.seq) });
  const copied = storeCounts(await readWholeStore(to));
  const wrong = Object.keys(expected).filter((part) => expected[part] !== copied[part]);
  if (wrong.length > 0) {
    throw new PairbotError("store_corrupt", `The copy in ${describeLocation(to)} does not match its source (${wrong.map((p) => `${p}: ${copied[p]} of ${expected[p]}`).join("; ")}); copy again with --force.`);
  }
  return expected;
}
