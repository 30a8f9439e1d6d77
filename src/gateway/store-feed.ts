import { watchStore, type StoreDoc, type StoreEvent } from "../store/index.js";
import type { GatewayLog } from "./log.js";

/** How often a failing feed is reported again while it keeps failing. */
const REPORT_EVERY_MS = 10_000;

/**
 * Follows the store's change feed (approvals, rejections, revocations from any process). When a read
 * fails (EMFILE under a connection flood, a busy or damaged store) the feed keeps polling and recovers
 * by itself; meanwhile the gateway says so, once and then every 10 s, instead of failing silently.
 */
export async function startStoreFeed(file: string, onEvents: (events: StoreEvent[], doc: StoreDoc) => void, log: GatewayLog): Promise<() => void> {
  let failures = 0;
  let reportedAt = 0;
  const feed = watchStore(
    file,
    (events, doc) => {
      if (failures > 0) log.info({ failures }, "store feed recovered: decisions reach waiting devices again");
      failures = 0;
      onEvents(events, doc);
    },
    {
      pollMs: 500, // revocations close sessions within a second even where folder watching fails
      onError: (e) => {
        failures += 1;
        if (failures > 1 && Date.now() - reportedAt < REPORT_EVERY_MS) return;
        reportedAt = Date.now();
        const code = (e as NodeJS.ErrnoException).code;
        const hint = code === "EMFILE" || code === "ENFILE" ? "too many open files: lower --max-connections or raise `ulimit -n`" : "the feed retries every 500 ms";
        log.error({ err: e instanceof Error ? e.message : String(e), code, failures }, `store feed failed; approvals and revocations reach devices late until it recovers (${hint})`);
      },
    },
  );
  await feed.ready;
  return () => feed.close();
}
