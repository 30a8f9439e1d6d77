import type { GatewayLog } from "./log.js";

/** Channels tracked by name; past this many, refusals are counted under "other" so memory stays bounded. */
const MAX_CHANNELS = 256;
export const WINDOW_MS = 60_000;

/**
 * Requests refused per channel (capped, unknown account): a running total, and the count for the
 * current window (a minute from the first refusal), logged as one summary line when it ends. A flood becomes one
 * line (and, for the bot, one summary alert) rather than one alert per request.
 */
export class RefusalCounter {
  readonly total: Record<string, number> = {};
  private window: Record<string, number> = {};
  /** Runs from the first refusal of a window to its summary; nothing runs while all is quiet. */
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: GatewayLog,
    private readonly windowMs = WINDOW_MS,
  ) {}

  record(channel: string): void {
    const key = Object.hasOwn(this.total, channel) || Object.keys(this.total).length < MAX_CHANNELS ? channel : "other";
    this.total[key] = (this.total[key] ?? 0) + 1;
    this.window[key] = (this.window[key] ?? 0) + 1;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref();
    }
  }

  /** Refusals per channel in the current window. */
  thisMinute(): Record<string, number> {
    return { ...this.window };
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private flush(): void {
    this.timer = undefined;
    const span = this.windowMs === 60_000 ? "minute" : `${this.windowMs / 1000} s`;
    for (const [channel, refused] of Object.entries(this.window)) {
      this.log.warn({ channel, refused, seconds: this.windowMs / 1000 }, `${refused} requests on ${channel} were refused in the last ${span}`);
    }
    this.window = {};
  }
}
