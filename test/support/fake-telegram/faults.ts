import { ApiError, tooManyRequests } from "./api-error.js";

/** What an injected fault does to the next call(s) of a method. */
export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 | 504 } | { drop: true };

export type FaultOutcome = { kind: "error"; error: ApiError } | { kind: "drop" };

const SERVER_ERRORS: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Faults queued per method, each used up once. */
export class FaultPlan {
  private readonly queued = new Map<string, Fault[]>();

  add(method: string, fault: Fault, times: number): void {
    const key = method.toLowerCase();
    const list = this.queued.get(key) ?? [];
    for (let i = 0; i < times; i += 1) list.push(fault);
    this.queued.set(key, list);
  }

  take(method: string): FaultOutcome | undefined {
    const fault = this.queued.get(method.toLowerCase())?.shift();
    if (fault === undefined) return undefined;
    if ("drop" in fault) return { kind: "drop" };
    if (fault.status === 429) return { kind: "error", error: tooManyRequests(fault.retryAfter) };
    return { kind: "error", error: new ApiError(fault.status, SERVER_ERRORS[fault.status] ?? "Internal Server Error") };
  }

  clear(): void {
    this.queued.clear();
  }
}

/** Telegram's flood limits: about 1 message per second per chat and 30 per second overall. */
export interface FloodLimits {
  perChatPerSecond?: number;
  overallPerSecond?: number;
}

/** Counts sends in a sliding one-second window (real time: retry_after is waited in real time). */
export class FloodLimiter {
  private readonly perChat = new Map<number | string, number[]>();
  private readonly overall: number[] = [];
  limits: FloodLimits = {};

  /** Throws 429 if this send would exceed a limit; otherwise counts it. */
  admit(chatId: number | string, now = performance.now()): void {
    const { perChatPerSecond, overallPerSecond } = this.limits;
    if (perChatPerSecond === undefined && overallPerSecond === undefined) return;
    const chat = this.perChat.get(chatId) ?? [];
    prune(chat, now);
    prune(this.overall, now);
    const waits: number[] = [];
    if (perChatPerSecond !== undefined && chat.length >= perChatPerSecond) waits.push(waitFor(chat, perChatPerSecond, now));
    if (overallPerSecond !== undefined && this.overall.length >= overallPerSecond) {
      waits.push(waitFor(this.overall, overallPerSecond, now));
    }
    if (waits.length > 0) throw tooManyRequests(Math.max(1, Math.ceil(Math.max(...waits) / 1000)));
    chat.push(now);
    this.overall.push(now);
    this.perChat.set(chatId, chat);
  }
}

const WINDOW_MS = 1000;

function prune(times: number[], now: number): void {
  while (times.length > 0 && (times[0] as number) <= now - WINDOW_MS) times.shift();
}

function waitFor(times: number[], limit: number, now: number): number {
  const oldestThatMustExpire = times[times.length - limit] ?? now;
  return oldestThatMustExpire + WINDOW_MS - now;
}
