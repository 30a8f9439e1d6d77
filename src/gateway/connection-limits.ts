import { readFileSync } from "node:fs";

export interface ConnectionLimitOptions {
  /** Open sockets in total (devices, channel posts, half-sent headers alike). */
  maxConnections: number;
  /** Open sockets from one address (an IPv6 /64 counts as one); trusted proxies are exempt. */
  maxConnectionsPerAddress: number;
  /** Connections from one address that got a challenge and have not said hello yet. */
  maxHandshakesPerAddress: number;
  /** Of `maxConnections`, held back for known clients (this machine, devices and adapters that proved a token). */
  reservedConnections: number;
}

/**
 * Below the process's open-file limit, with room left for the store, its lock and the change feed:
 * a flood of sockets must never take the descriptors that approvals and revocations need.
 */
export function defaultMaxConnections(): number {
  const soft = openFileLimit();
  return soft === undefined ? 512 : Math.max(16, Math.min(4096, Math.floor(soft / 2) - 64));
}

function openFileLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined; // not Linux: the fixed default
  }
}

/** An eighth of the total, at least 2 and at most 64: room for the owner's own clients in a flood, little taken from strangers. */
export const defaultReserve = (maxConnections: number): number => Math.min(64, Math.max(2, Math.floor(maxConnections / 8)));

/** The defaults, with `options` over them; the reserve follows the total unless given. */
export function connectionLimits(options: Partial<ConnectionLimitOptions> = {}): ConnectionLimitOptions {
  const maxConnections = options.maxConnections ?? defaultMaxConnections();
  return {
    maxConnectionsPerAddress: 32,
    maxHandshakesPerAddress: 8,
    ...options,
    maxConnections,
    reservedConnections: Math.min(maxConnections - 1, options.reservedConnections ?? defaultReserve(maxConnections)),
  };
}

export type Admission = "admitted" | "total" | "per_address";

/** Counts open sockets, in total and per address group, and says whether one more may stay. */
export class ConnectionLimits {
  private total = 0;
  private readonly byGroup = new Map<string, number>();

  constructor(private readonly options: ConnectionLimitOptions) {}

  /** `exempt`: no per-address limit (a trusted proxy); `known`: may take the reserved connections. */
  admit(group: string, { exempt, known }: { exempt: boolean; known: boolean }): Admission {
    const ceiling = known ? this.options.maxConnections : this.options.maxConnections - this.options.reservedConnections;
    if (this.total >= ceiling) return "total";
    const here = this.byGroup.get(group) ?? 0;
    if (!exempt && here >= this.options.maxConnectionsPerAddress) return "per_address";
    this.total += 1;
    this.byGroup.set(group, here + 1);
    return "admitted";
  }

  release(group: string): void {
    this.total -= 1;
    const here = (this.byGroup.get(group) ?? 1) - 1;
    if (here > 0) this.byGroup.set(group, here);
    else this.byGroup.delete(group);
  }

  get open(): number {
    return this.total;
  }
}
