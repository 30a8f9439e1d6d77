import type { Clock } from "../store/index.js";

export interface ThrottleOptions {
  /** Failures an address may make before it has to wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An address with no failure for this long starts afresh. */
  forgetAfterMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  forgetAfterMs: 15 * 60_000,
};

interface Record {
  failures: number;
  lastAt: number;
  blockedUntil: number;
}

/** Slows down an address that keeps failing: after a few free failures, an exponentially growing wait. */
export class AddressThrottle {
  private readonly byAddress = new Map<string, Record>();

  constructor(
    private readonly clock: Clock,
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
  ) {}

  /** Milliseconds the address must still wait before it may try again; 0 when it may. */
  waitFor(address: string): number {
    const r = this.current(address);
    return r ? Math.max(0, r.blockedUntil - this.clock()) : 0;
  }

  fail(address: string): void {
    const now = this.clock();
    const r = this.current(address) ?? { failures: 0, lastAt: now, blockedUntil: 0 };
    r.failures += 1;
    r.lastAt = now;
    const over = r.failures - this.options.freeFailures;
    if (over > 0) r.blockedUntil = now + Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(over - 1, 30));
    this.byAddress.set(address, r);
    if (this.byAddress.size > 10_000) this.sweep(now);
  }

  /** A device that proved itself clears its address's record. */
  succeed(address: string): void {
    this.byAddress.delete(address);
  }

  private current(address: string): Record | undefined {
    const r = this.byAddress.get(address);
    if (r && this.clock() - r.lastAt >= this.options.forgetAfterMs && this.clock() >= r.blockedUntil) {
      this.byAddress.delete(address);
      return undefined;
    }
    return r;
  }

  private sweep(now: number): void {
    for (const [address, r] of this.byAddress) {
      if (now - r.lastAt >= this.options.forgetAfterMs && now >= r.blockedUntil) this.byAddress.delete(address);
    }
  }
}
