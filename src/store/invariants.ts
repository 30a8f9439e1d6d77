import { subjectOf } from "./blocks.js";
import type { StoreDoc } from "./schema.js";

/** The longest lifetimes any setting allows; a longer one was not written by a rule. */
const MAX_LIFETIME_MS = { dmRequest: 30 * 86_400_000, deviceRequest: 86_400_000, setupCode: 86_400_000 };
/** Clocks of the processes sharing a store may differ a little; a counter further ahead was not written by a rule. */
const CLOCK_SLACK_MS = 5 * 60_000;

function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

const lifetime = (r: { createdAt: string; expiresAt: string }) => Date.parse(r.expiresAt) - Date.parse(r.createdAt);

/**
 * What no rule can produce, though each field on its own is well formed: duplicates, counters from the
 * future, lifetimes past any setting. Returns the first problem found, or undefined.
 */
export function invariantProblem(doc: StoreDoc, now = Date.now()): string | undefined {
  const checks: Array<[string, string | undefined]> = [
    ["two DM requests have the id", firstDuplicate(doc.dm.requests.map((r) => r.id))],
    ["two DM requests have the code", firstDuplicate(doc.dm.requests.map((r) => r.code))],
    ["a sender has two DM requests", firstDuplicate(doc.dm.requests.map(subjectOf))],
    ["two setup codes have the id", firstDuplicate(doc.devices.bootstrapTokens.map((t) => t.id))],
    ["two setup codes have the hash", firstDuplicate(doc.devices.bootstrapTokens.map((t) => t.hash))],
    ["two device requests have the id", firstDuplicate(doc.devices.requests.map((r) => r.requestId))],
    ["a device has two pending requests", firstDuplicate(doc.devices.requests.map((r) => r.deviceId))],
    ["two paired devices have the id", firstDuplicate(doc.devices.paired.map((d) => d.deviceId))],
    ["a sender is blocked twice", firstDuplicate(doc.dm.blocks.map(subjectOf))],
    ["two paired devices have one token hash", firstDuplicate(doc.devices.paired.flatMap((d) => (d.tokenHash ? [d.tokenHash] : [])))],
  ];
  for (const [what, value] of checks) if (value !== undefined) return `${what} ${JSON.stringify(value)}`;
  const disorder = doc.events.findIndex((e, i) => i > 0 && e.seq <= doc.events[i - 1]!.seq);
  if (disorder > 0) return `pairing event ${doc.events[disorder]!.seq} follows event ${doc.events[disorder - 1]!.seq}`;
  for (const [actor, f] of Object.entries(doc.codeFailures)) {
    if (Date.parse(f.since) > now + CLOCK_SLACK_MS) return `the wrong-code counter of ${JSON.stringify(actor)} starts in the future (${f.since})`;
  }
  const long = [
    ...doc.dm.requests.filter((r) => lifetime(r) > MAX_LIFETIME_MS.dmRequest || lifetime(r) < 0).map((r) => `DM request ${r.id}`),
    ...doc.devices.requests.filter((r) => lifetime(r) > MAX_LIFETIME_MS.deviceRequest || lifetime(r) < 0).map((r) => `device request ${r.requestId}`),
    ...doc.devices.bootstrapTokens.filter((t) => lifetime(t) > MAX_LIFETIME_MS.setupCode || lifetime(t) < 0).map((t) => `setup code ${t.id}`),
  ];
  if (long.length > 0) return `${long[0]} expires longer after it was made than any setting allows, or before it was made`;
  return undefined;
}
