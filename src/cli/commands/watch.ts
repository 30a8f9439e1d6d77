import { storeEventFollower, type AdapterEvent } from "../../gateway/channel-events-feed.js";
import { loadReplies } from "../../gateway/replies.js";
import { isPairbotError, PairbotError } from "../../store/index.js";
import { defineCommand } from "../define.js";
import { printable, where, who } from "../format.js";
import { usageLine } from "../help.js";
import { UsageError } from "../parse.js";

/**
 * `pairbot watch`: one line per pairing event, from now on or after `--since`, until SIGINT or SIGTERM.
 * Adapters on the store's host pipe `--json` into their own code; each line is written whole and at once.
 */
export const watchCommand = defineCommand({
  name: "watch",
  summary: "follow pairing events, one line each (outcomes carry the notice for the sender)",
  flags: {
    since: { type: "string", value: "SEQ", description: "first print the kept events after this seq (0: all kept), then follow; without it, from now on" },
  },
  notes: [
    "Runs until Ctrl-C (SIGINT) or SIGTERM. With --json, one JSON object a line: seq, type, at, channel, account, senderId, ..., notice (DM outcomes), message (approvals).",
    "Notices are in the sender's language, else $GATEWAY_LOCALE, else English, from locales/gateway/ or $GATEWAY_REPLIES_FILE. Every field: docs/gateway-protocol.md.",
  ],
  examples: ["pairbot watch", "pairbot watch --json --since 42"],
  async run({ flags }, ctx) {
    const after = flags.since === undefined ? undefined : sinceOf(flags.since);
    const store = ctx.store();
    // The same texts as the gateway on this machine: its replies file and default language.
    const follower = storeEventFollower(store, loadReplies(undefined, ctx.env["GATEWAY_REPLIES_FILE"] || undefined), ctx.env["GATEWAY_LOCALE"] || "en");
    const print = ctx.json ? (event: AdapterEvent) => ctx.out(JSON.stringify(event)) : (event: AdapterEvent) => ctx.out(eventLine(event));
    const stopped = stopSignal();
    try {
      const follow = await follower(
        { after },
        { onEvent: print, onGap: (error) => stopped.fail(error), onStoreError: storeErrorReporter(ctx.err) },
      );
      ctx.err(`Following pairing events in ${ctx.storeName} after event ${follow.after}; Ctrl-C stops.`);
      try {
        await stopped.promise;
      } finally {
        follow.stop();
      }
    } finally {
      stopped.dispose();
      await store.close();
    }
    return 0;
  },
});

function sinceOf(text: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new UsageError(`Invalid --since "${text}": give the seq of the last event you have, a whole number like 42 (0 for every event kept).`, [usageLine(["watch"], watchCommand)]);
  }
  return Number(text);
}

/** Resolves at SIGINT or SIGTERM, rejects when events were lost; until then it keeps the process alive (a follow alone does not). */
function stopSignal() {
  let stop = () => undefined as void;
  let fail = (_error: PairbotError) => undefined as void;
  const promise = new Promise<void>((resolve, reject) => {
    stop = resolve;
    fail = reject;
  });
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const onSignal = () => stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    promise,
    fail: (error: PairbotError) => fail(isPairbotError(error) ? error : new PairbotError("events_pruned", String(error))),
    dispose() {
      clearInterval(keepAlive);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** A store read that fails (busy, briefly unreachable) is retried by the follow; say so at most every 10 s. */
function storeErrorReporter(err: (line: string) => void, now: () => number = Date.now): (error: unknown) => void {
  let saidAt = -Infinity;
  return (error) => {
    if (now() - saidAt < 10_000) return;
    saidAt = now();
    err(`Reading the store failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
  };
}

const quoted = (text: string): string => printable(JSON.stringify(text));

/** `2026-12-02 07:11:00  #13  dm.approved  whatsapp  Ann (+491701234567)  notice: "..."  message: "..."` */
export function eventLine(event: AdapterEvent): string {
  const parts = [event.at.slice(0, 19).replace("T", " "), `#${event.seq}`, event.type];
  if (event.channel !== undefined) parts.push(where(event.channel, event.account ?? "default"));
  if (event.senderId !== undefined) parts.push(who(event.senderId, event.name));
  else if (event.deviceId !== undefined) parts.push(printable(`${event.name ? `${event.name}, ` : ""}device ${event.deviceId}${event.role ? ` (${event.role})` : ""}`));
  if (event.until !== undefined) parts.push(`until ${event.until.slice(0, 19).replace("T", " ")} UTC`);
  if (event.reason !== undefined) parts.push(`reason: ${printable(event.reason)}`);
  if (event.notice !== undefined) parts.push(`notice: ${quoted(event.notice)}`);
  if (event.message !== undefined) parts.push(`message: ${quoted(event.message)}`);
  if (event.lastMessage !== undefined) parts.push(`latest: ${quoted(event.lastMessage)}`);
  return parts.join("  ");
}
