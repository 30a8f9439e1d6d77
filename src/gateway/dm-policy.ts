import { PairbotError } from "../store/index.js";
import { channelName } from "../store/validate.js";

/** How a channel treats a direct message from someone it does not know. */
export const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];

/** Per-channel policies; "*" is the fallback for channels not named. */
export type DmPolicies = ReadonlyMap<string, DmPolicy>;

export const policyFor = (policies: DmPolicies, channel: string): DmPolicy => policies.get(channel) ?? policies.get("*") ?? "pairing";

/** Parses "whatsapp=pairing,slack=allowlist,*=disabled" (from --policy or GATEWAY_DM_POLICY). */
export function parseDmPolicies(text: string, source = "--policy"): Map<string, DmPolicy> {
  const policies = new Map<string, DmPolicy>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [channel, policy, extra] = part.split("=").map((s) => s.trim());
    if (!channel || !policy || extra !== undefined) {
      throw new PairbotError("config_invalid", `Invalid ${source} entry "${part}": write channel=policy, for example whatsapp=pairing,slack=allowlist`);
    }
    if (!(DM_POLICIES as readonly string[]).includes(policy)) {
      throw new PairbotError("config_invalid", `Invalid ${source} entry "${part}": the policy must be one of ${DM_POLICIES.join(", ")}`);
    }
    if (channel !== "*") {
      try {
        channelName(channel);
      } catch (e) {
        throw new PairbotError("config_invalid", `Invalid ${source} entry "${part}": ${(e as Error).message}`);
      }
    }
    policies.set(channel, policy as DmPolicy);
  }
  return policies;
}
