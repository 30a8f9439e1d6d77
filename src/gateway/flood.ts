import type { RefusalInput } from "../store/index.js";
import type { GatewayLog } from "./log.js";

/** Channels tracked by name; past this many, refusals are counted under "other" so memory stays bounded. */
const MAX_CHANNELS = 256;
export const WINDOW_MS = 60_000;

/**
 * Requests refused per channel (capped, unknown account): a running total, and the count for the
 * current window (a minute from the first refusal). When the window ends, each channel's count is
 * logged and recorded in the store as one summary, which the bot sends the owner as one alert: a flood
 * becomes one message rather than one alert per request.
 */
export class RefusalCounter {
  readonly total: Record<string, number> = {};
  private window: Record<string, number> = {};
  private windowStart = 0;
  /** Runs from the first refusal of a window to its summary; nothing runs while all is quiet. */
  private timer: NodeJS.Timeout | undefined;
  private readonly saving = new Set<Promise<unknown>>();

  constructor(
    private readonly log: GatewayLog,
    private readonly record: (summary: RefusalInput) => Promise<unknown>,
    /** The store's clock: the summary's window is in the store's time. */
    private readonly clock: () => number,
    private readonly windowMs = WINDOW_MS,
  ) {}

  count(channel: string): void {
    const key = Object.hasOwn(this.total, channel) || Object.keys(this.total).length < MAX_CHANNELS ? channel : "other";
    this.total[key] = (this.total[key] ?? 0) + 1;
    this.window[key] = (this.window[key] ?? 0) + 1;
    if (!this.timer) {
      this.windowStart = this.clock();
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref();
    }
  }

  /** Refusals per channel in the current window. */
  thisMinute(): Record<string, number> {
    return { ...this.window };
  }

  /** Stops the window; summaries already on their way to the store are waited for. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.allSettled([...this.saving]);
  }

  private flush(): void {
    this.timer = undefined;
    const span = this.windowMs === 60_000 ? "minute" : `${this.windowMs / 1000} s`;
    const windowStart = new Date(this.windowStart).toISOString();
    const windowEnd = new Date(this.clock()).toISOString();
    for (const [channel, refused] of Object.entries(this.window)) {
      this.log.warn({ channel, refused, seconds: this.windowMs / 1000 }, `${refused} requests on ${channel} were refused in the last ${span}`);
      const saving = this.record({ channel, refused, windowStart, windowEnd }).catch((e: unknown) => {
        this.log.error({ channel, refused, err: e instanceof Error ? e.message : String(e) }, "could not record the refusal summary in the store; the owner gets no alert for it");
      });
      this.saving.add(saving);
      void saving.finally(() => this.saving.delete(saving));
    }
    this.window = {};
  }
}
