import type { GatewayLog } from "./log.js";

/** Channels tracked by name; past this many, refusals are counted under "other" so memory stays bounded. */
const MAX_CHANNELS = 256;
export const WINDOW_MS = 60_000;

/**
 * Requests refused per channel (capped, unknown account): a running total, and the count for the
 * current minute, which is logged as one summary line when the minute ends. A flood becomes one
 * line (and, for the bot, one summary alert) rather than one alert per request.
 */
export class RefusalCounter {
  readonly total: Record<string, number> = {};
  private window: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly log: GatewayLog, windowMs = WINDOW_MS) {
    this.timer = setInterval(() => this.flush(windowMs), windowMs);
    this.timer.unref();
  }

  record(channel: string): void {
    const key = Object.hasOwn(this.total, channel) || Object.keys(this.total).length < MAX_CHANNELS ? channel : "other";
    this.total[key] = (this.total[key] ?? 0) + 1;
    this.window[key] = (this.window[key] ?? 0) + 1;
  }

  /** Refusals per channel in the minute so far. */
  thisMinute(): Record<string, number> {
    return { ...this.window };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private flush(windowMs: number): void {
    const span = windowMs === 60_000 ? "minute" : `${windowMs / 1000} s`;
    for (const [channel, refused] of Object.entries(this.window)) {
      this.log.warn({ channel, refused, seconds: windowMs / 1000 }, `${refused} requests on ${channel} were refused in the last ${span}`);
    }
    this.window = {};
  }
}
