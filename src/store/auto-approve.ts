import { matchingCidr, parseCidr, type Cidr } from "./cidr.js";
import type { Role } from "./schema.js";

/**
 * How the gateway learned a device's address: from the socket ("direct"), from X-Forwarded-For sent by
 * a proxy it trusts ("trusted-proxy"), or not the device's own ("untrusted-proxy": a socket that sent an
 * X-Forwarded-For the gateway does not believe, or a trusted proxy that named no client; either may be a
 * reverse proxy standing in for anyone).
 */
export type AddressSource = "direct" | "trusted-proxy" | "untrusted-proxy";

export interface AutoApproveQuestion {
  role: Role;
  scopes: readonly string[];
  remoteAddress: string;
  via: AddressSource;
}

/** The decision, with the reason when it is no: a truth table in the tests, a log line in the gateway. */
export type AutoApproval = { approve: true; cidr: string } | { approve: false; why: "off" | "role" | "scopes" | "proxy" | "address" };

/** The ranges the setting names; one that does not parse is skipped (the setting refuses it when set). */
const trustedNetworks = (cidrs: readonly string[]): Cidr[] =>
  cidrs.flatMap((text) => {
    try {
      return [parseCidr(text)];
    } catch {
      return [];
    }
  });

/**
 * `device.autoApproveCidrs`: a device request is approved at once only when it asks for role node with
 * no scopes, from an address inside one of the ranges, learned directly or through a trusted proxy.
 */
export function autoApproval(question: AutoApproveQuestion, cidrs: readonly string[]): AutoApproval {
  const networks = trustedNetworks(cidrs);
  if (networks.length === 0) return { approve: false, why: "off" };
  if (question.role !== "node") return { approve: false, why: "role" };
  if (question.scopes.length > 0) return { approve: false, why: "scopes" };
  if (question.via === "untrusted-proxy") return { approve: false, why: "proxy" };
  const cidr = matchingCidr(question.remoteAddress, networks);
  return cidr ? { approve: true, cidr: cidr.text } : { approve: false, why: "address" };
}

/** The audit actor of an automatic approval. */
export const autoActor = (cidr: string): string => `auto:${cidr}`;

/** The range an automatic approval's actor names, or undefined for any other actor. */
export const autoApprovedRange = (actor: string): string | undefined => /^auto:(.+)$/.exec(actor)?.[1];
