import type { RandomSource } from "./clock.js";
import { iso } from "./clock.js";
import type { AuditAction, StoreDoc } from "./schema.js";

/** The numbers behind the rules. Defaults follow the reference system; each can be set per store. */
export interface Policy {
  dmTtlMs: number;
  maxPendingPerAccount: number;
  bootstrapTtlMs: number;
  deviceRequestTtlMs: number;
  /** Wrong approval codes one actor may enter within the window before approving by code is paused. */
  codeFailureLimit: number;
  codeFailureWindowMs: number;
  auditLimit: number;
}

export const DEFAULT_POLICY: Policy = {
  dmTtlMs: 60 * 60_000,
  maxPendingPerAccount: 3,
  bootstrapTtlMs: 10 * 60_000,
  deviceRequestTtlMs: 10 * 60_000,
  codeFailureLimit: 10,
  codeFailureWindowMs: 15 * 60_000,
  auditLimit: 5000,
};

/** One change to the store: the document read under the lock, the time, and what changed. */
export class Tx {
  changed = false;
  /** Set by a rule that must keep what it wrote even though it then fails (counting a wrong code). */
  commitOnError = false;
  readonly nowIso: string;

  constructor(
    readonly doc: StoreDoc,
    readonly now: number,
    readonly random: RandomSource,
    readonly policy: Policy,
  ) {
    this.nowIso = iso(now);
  }

  audit(action: AuditAction, actor: string, subject: string, requestId?: string): void {
    const entry = { at: this.nowIso, action, actor, subject, ...(requestId ? { requestId } : {}) };
    this.doc.audit.push(entry);
    const excess = this.doc.audit.length - this.policy.auditLimit;
    if (excess > 0) this.doc.audit.splice(0, excess);
    this.changed = true;
  }
}
