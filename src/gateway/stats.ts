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
  messages: { delivered: number; pairing: number; capped: number; notAllowed: number; disabled: number; badRequest: number };
}

export const emptyStats = (): GatewayStats => ({
  connections: 0,
  waiting: 0,
  sessions: 0,
  paired: 0,
  authenticated: 0,
  refused: {},
  messages: { delivered: 0, pairing: 0, capped: 0, notAllowed: 0, disabled: 0, badRequest: 0 },
});
