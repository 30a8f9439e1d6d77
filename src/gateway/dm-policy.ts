import { PairbotError } from "../store/index.js";
import { parsePerChannel } from "./channel-settings.js";

/** How a channel treats a direct message from someone it does not know. */
export const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];

/** Per-channel policies; "*" is the fallback for channels not named. */
export type DmPolicies = ReadonlyMap<string, DmPolicy>;

export const policyFor = (policies: DmPolicies, channel: string): DmPolicy => policies.get(channel) ?? policies.get("*") ?? "pairing";

/**
 * Parses "whatsapp=pairing,slack=allowlist,*=disabled" (from --policy or GATEWAY_DM_POLICY). `open` lets
 * anyone in unasked, so it must be written `open!`; a plain `open` is refused, saying so.
 */
export function parseDmPolicies(text: string, source = "--policy"): Map<string, DmPolicy> {
  const parsed = parsePerChannel(text, source, "policy", [...DM_POLICIES, "open!"], "whatsapp=pairing,slack=allowlist");
  const policies = new Map<string, DmPolicy>();
  for (const [channel, value] of parsed) {
    if (value === "open") {
      const who = channel === "*" ? "every channel not named" : channel;
      throw new PairbotError("config_invalid", `Invalid ${source} entry "${channel}=open": open lets anyone on ${who} talk to the assistant without the owner's approval; write ${channel}=open! to confirm.`);
    }
    policies.set(channel, (value === "open!" ? "open" : value) as DmPolicy);
  }
  return policies;
}

/** The channels anyone may write to unasked ("*" for channels not named), for the warning at every start. */
export const openChannels = (policies: DmPolicies): string[] => [...policies].filter(([, p]) => p === "open").map(([c]) => c);
