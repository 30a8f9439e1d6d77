import { PairbotError } from "../store/index.js";
import { channelName } from "../store/validate.js";

/**
 * Parses a per-channel setting list like "whatsapp=pairing,slack=allowlist,*=disabled" (a flag or its
 * GATEWAY_* variable); "*" names channels not listed. Each value must be one of `choices`.
 */
export function parsePerChannel(text: string, source: string, what: string, choices: readonly string[], example: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [channel, value, extra] = part.split("=").map((s) => s.trim());
    if (!channel || !value || extra !== undefined) {
      throw new PairbotError("config_invalid", `Invalid ${source} entry "${part}": write channel=${what}, for example ${example}`);
    }
    if (!choices.includes(value)) {
      throw new PairbotError("config_invalid", `Invalid ${source} entry "${part}": the ${what} must be one of ${choices.join(", ")}`);
    }
    if (channel !== "*") {
      try {
        channelName(channel);
      } catch (e) {
        throw new PairbotError("config_invalid", `Invalid ${source} entry "${part}": ${(e as Error).message}`);
      }
    }
    settings.set(channel, value);
  }
  return settings;
}
