import { BlockList, isIP } from "node:net";
import { PairbotError } from "./errors.js";

/** Address ranges: parsing CIDRs, matching addresses against them, and which hosts are local. */

export interface Cidr {
  /** As written back to the user: "192.168.1.0/24". */
  text: string;
  network: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** "::ffff:192.0.2.1" is IPv4 in disguise; "[::1]" (as in a URL) loses its brackets. */
export function plainAddress(address: string): string {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  return V4_MAPPED.exec(bare)?.[1] ?? bare;
}

const familyOf = (address: string): "ipv4" | "ipv6" | undefined => (isIP(address) === 4 ? "ipv4" : isIP(address) === 6 ? "ipv6" : undefined);

/** "192.168.1.0/24", "fd00::/8", or a single address (a /32 or /128). */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const [rawNetwork = "", rawPrefix, extra] = trimmed.split("/");
  const network = plainAddress(rawNetwork).toLowerCase();
  const family = familyOf(network);
  const mappedShift = family === "ipv4" && rawNetwork.includes(":") ? 96 : 0; // ::ffff:10.0.0.0/104 is 10.0.0.0/8
  const max = family === "ipv4" ? 32 : 128;
  const prefix = rawPrefix === undefined ? max : /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) - mappedShift : NaN;
  if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    throw new PairbotError("invalid_input", `Invalid address range "${trimmed}": write it like 192.168.1.0/24, fd00::/8 or 10.0.0.5`);
  }
  return { text: `${network}/${prefix}`, network, prefix, family };
}

/** The first range that holds `address` (IPv4, IPv6 or IPv4-mapped IPv6), or undefined. */
export function matchingCidr(address: string, cidrs: readonly Cidr[]): Cidr | undefined {
  const plain = plainAddress(address);
  const family = familyOf(plain);
  if (!family) return undefined;
  return cidrs.find((cidr) => {
    const list = new BlockList();
    list.addSubnet(cidr.network, cidr.prefix, cidr.family);
    return list.check(plain, family);
  });
}

const LOOPBACK = ["127.0.0.0/8", "::1/128"].map(parseCidr);
/** Private (RFC 1918), link-local, unique-local (fc00::/7) and IPv6 link-local (fe80::/10). */
const LOCAL = [...LOOPBACK, ...["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "fc00::/7", "fe80::/10"].map(parseCidr)];

/** A URL's host on this machine: localhost or a loopback address. */
export const isLoopbackHost = (host: string): boolean => host.toLowerCase() === "localhost" || matchingCidr(host, LOOPBACK) !== undefined;

/** A host on this machine or the local network: loopback, private or link-local addresses, and `.local` names. */
export const isLocalHost = (host: string): boolean =>
  isLoopbackHost(host) || matchingCidr(host, LOCAL) !== undefined || (isIP(plainAddress(host)) === 0 && /\.local\.?$/i.test(host));
