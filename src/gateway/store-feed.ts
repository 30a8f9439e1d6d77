import type { GatewayLog } from "./log.js";

/** How often a failing feed is reported again while it keeps failing. */
const REPORT_EVERY_MS = 10_000;

/**
 * The store change feed's error handler. The feed brings approvals, rejections and revocations from
 * every process; when its read fails (EMFILE under a connection flood, a busy or damaged store) it keeps
 * polling every 500 ms and recovers by itself. Meanwhile the gateway says so with the cause and a hint,
 * once and then every 10 s, instead of failing silently or flooding its log.
 */
export function feedErrorReporter(log: GatewayLog, now: () => number = Date.now): (error: unknown) => void {
  let reportedAt = -Infinity;
  let unreported = 0;
  return (e) => {
    unreported += 1;
    if (now() - reportedAt < REPORT_EVERY_MS) return;
    reportedAt = now();
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === "EMFILE" || code === "ENFILE" ? "too many open files: lower --max-connections or raise `ulimit -n`" : "it retries every 500 ms";
    log.error({ err: e instanceof Error ? e.message : String(e), code, failures: unreported }, `store feed failed; approvals and revocations reach devices late until it recovers (${hint})`);
    unreported = 0;
  };
}
