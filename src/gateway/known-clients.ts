import type { Clock } from "../store/index.js";
import { addressGroup, isLoopbackAddress, plainAddress } from "./addresses.js";

/** How long an address stays known after a client from it last proved a token. */
const KNOWN_FOR_MS = 60 * 60_000;
/** Addresses remembered at most (the least recently seen goes first): strangers cannot grow it, and it stays small. */
const MAX_KNOWN = 1024;

/**
 * The clients that may use the connections held in reserve once strangers fill the rest: this machine
 * (loopback), and addresses (IPv6: their /64) from which a device or a channel adapter proved its token
 * within the last hour. A trusted proxy is neither: it also carries strangers.
 */
export class KnownClients {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly trustedProxies: ReadonlySet<string>,
  ) {}

  /** A client on this socket address proved a device token or an adapter token. */
  vouch(socketAddress: string | undefined): void {
    const address = plainAddress(socketAddress ?? "unknown");
    if (this.trustedProxies.has(address) || isLoopbackAddress(address)) return;
    const group = addressGroup(address);
    this.seen.delete(group); // re-inserted last: the Map's order is the order of last use
    this.seen.set(group, this.clock());
    if (this.seen.size > MAX_KNOWN) this.seen.delete(this.seen.keys().next().value!);
  }

  /** Whether a new socket from this address may take a reserved connection. */
  mayUseReserve(socketAddress: string): boolean {
    const address = plainAddress(socketAddress);
    if (this.trustedProxies.has(address)) return false;
    if (isLoopbackAddress(address)) return true;
    const group = addressGroup(address);
    const at = this.seen.get(group);
    if (at === undefined) return false;
    if (this.clock() - at < KNOWN_FOR_MS) return true;
    this.seen.delete(group);
    return false;
  }
}
