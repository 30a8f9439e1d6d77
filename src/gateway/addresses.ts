import { isIP } from "node:net";
import { PairbotError, type AddressSource } from "../store/index.js";

/** Where a connection comes from: the address to log, the group that limits and throttles count by, and how it was learned. */
export interface ClientAddress {
  address: string;
  group: string;
  /** The socket's address, a trusted proxy's X-Forwarded-For, or a socket that sent a header we do not believe. */
  via: AddressSource;
}

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** "::ffff:192.0.2.1" is IPv4 in disguise; everything else is left as it came. */
export const plainAddress = (address: string): string => V4_MAPPED.exec(address)?.[1] ?? address;

export const isLoopbackAddress = (address: string): boolean => {
  const plain = plainAddress(address);
  return plain === "::1" || /^127\./.test(plain);
};

/**
 * One IPv6 subscriber usually holds a whole /64, so addresses inside one /64 count as one;
 * an IPv4 address counts alone.
 */
export function addressGroup(address: string): string {
  const plain = plainAddress(address);
  if (isIP(plain) !== 6) return plain;
  const [head = "", tail = ""] = plain.split("::");
  const left = head ? head.split(":") : [];
  const right = plain.includes("::") ? (tail ? tail.split(":") : []) : [];
  const hextets = plain.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${hextets.slice(0, 4).map((h) => parseInt(h, 16).toString(16)).join(":")}::/64`;
}

/** `--trust-proxy 127.0.0.1,::1`: the reverse proxies whose X-Forwarded-For the gateway believes. */
export function parseTrustedProxies(text: string, source = "--trust-proxy"): ReadonlySet<string> {
  const proxies = new Set<string>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    if (isIP(part) === 0) throw new PairbotError("config_invalid", `Invalid ${source} entry "${part}": give the proxy's IP address, like 127.0.0.1 or ::1.`);
    proxies.add(plainAddress(part));
  }
  return proxies;
}

/**
 * The client's address: the socket's, or, when the socket is a trusted proxy, the last address in
 * X-Forwarded-For that is not itself a trusted proxy. Without trusted proxies the header is ignored.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trusted: ReadonlySet<string>): ClientAddress {
  let address = plainAddress(socketAddress ?? "unknown");
  // A header we do not believe, or a trusted proxy that names no client: the address is not the device's own.
  if ((forwardedFor !== undefined) !== trusted.has(address)) return { address, group: addressGroup(address), via: "untrusted-proxy" };
  if (forwardedFor === undefined) return { address, group: addressGroup(address), via: "direct" };
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map((h) => plainAddress(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break; // a garbled header: keep the last address we could trust
    address = hop;
    if (!trusted.has(hop)) return { address, group: addressGroup(address), via: "trusted-proxy" };
  }
  // The trusted proxies named no client (garbled, empty, or only proxies): the address is a proxy's, not the device's.
  return { address, group: addressGroup(address), via: "untrusted-proxy" };
}
