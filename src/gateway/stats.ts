import type { ReasonCode } from "./protocol.js";

/** Counters a gateway exposes (`gateway.stats()`): what it let in, what it refused and why. */
export interface GatewayStats {
  connections: number;
  /** Sessions open now: devices waiting for approval and devices signed in. */
  waiting: number;
  sessions: number;
  paired: number;
  authenticated: number;
  refused: Partial<Record<ReasonCode, number>>;
  /** Sockets closed at once because the gateway had too many open, in total or from one address. */
  dropped: { total: number; perAddress: number };
  /** Channel event streams (GET /channels/<channel>/events) open now. */
  eventStreams: number;
  messages: { delivered: number; pairing: number; capped: number; notAllowed: number; blocked: number; cooldown: number; disabled: number; badRequest: number; unauthorized: number; unknownAccount: number };
  /** DM requests refused per channel (capped, unknown account): since start, and in the current minute. */
  refusedRequests: Record<string, number>;
  refusedRequestsThisMinute: Record<string, number>;
}

export const emptyStats = (): GatewayStats => ({
  connections: 0,
  waiting: 0,
  sessions: 0,
  paired: 0,
  authenticated: 0,
  refused: {},
  dropped: { total: 0, perAddress: 0 },
  eventStreams: 0,
  messages: { delivered: 0, pairing: 0, capped: 0, notAllowed: 0, blocked: 0, cooldown: 0, disabled: 0, badRequest: 0, unauthorized: 0, unknownAccount: 0 },
  refusedRequests: {},
  refusedRequestsThisMinute: {},
});
