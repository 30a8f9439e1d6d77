import { parseCidr } from "./cidr.js";
import { PairbotError, invalidInput } from "./errors.js";
import type { Policy, Tx } from "./policy.js";
import { parseDuration } from "./duration.js";

/**
 * Settings every process shares, kept in the store (`settings`) and changed with an audit entry: the one
 * registry of their names, what each accepts, its default and what it does. A value is kept as text in
 * its one written form ("24h", "3", "10.0.0.0/8,fd00::/8"), so the store reads as the owner wrote it.
 */
export interface SettingDefinition {
  name: string;
  description: string;
  /** The default, written as a value would be. */
  defaultValue: string;
  /** What is allowed, for the error that refuses anything else. */
  allowed: string;
  /** The value's one written form; throws `invalid_input` for anything not allowed. */
  canonical(text: string): string;
}

const DAY = 86_400_000;

/** A duration setting: `<n>s|m|h|d` within [min, max]; with `off`, "0" turns the rule off. */
function duration(min: number, max: number, maxText: string, off = false) {
  return {
    allowed: `a duration like 10m, 1h, 24h or 7d, from ${Math.round(min / 1000)}s to ${maxText}${off ? ", or 0 (off)" : ""}`,
    canonical(text: string): string {
      const trimmed = text.trim().toLowerCase();
      if (off && /^0[smhd]?$/.test(trimmed)) return "0";
      const ms = parseDuration(trimmed);
      if (ms < min || ms > max) throw new Error("out of range");
      return trimmed.replace(/^0+(?=\d)/, "");
    },
  };
}

function wholeNumber(min: number, max: number) {
  return {
    allowed: `a whole number from ${min} to ${max}`,
    canonical(text: string): string {
      const trimmed = text.trim();
      if (!/^\d{1,6}$/.test(trimmed) || Number(trimmed) < min || Number(trimmed) > max) throw new Error("out of range");
      return String(Number(trimmed));
    },
  };
}

const cidrList = {
  allowed: "IPv4 or IPv6 networks, comma-separated, like 192.168.1.0/24,fd00::/8 (or nothing, for none)",
  canonical(text: string): string {
    const items = text.split(",").map((s) => s.trim()).filter(Boolean);
    return [...new Set(items.map((item) => parseCidr(item).text))].join(",");
  },
};

export const SETTINGS: readonly SettingDefinition[] = [
  { name: "dm.codeTtl", defaultValue: "1h", description: "how long a DM pairing code stays valid", ...duration(60_000, 30 * DAY, "30d") },
  { name: "dm.maxPending", defaultValue: "3", description: "pending DM requests per channel and account", ...wholeNumber(1, 100) },
  { name: "dm.denyCooldown", defaultValue: "24h", description: "after a plain deny, how long the same sender gets no new code or alert", ...duration(1000, 365 * DAY, "365d", true) },
  { name: "device.requestTtl", defaultValue: "10m", description: "how long a device pairing request waits for approval", ...duration(60_000, DAY, "1d") },
  { name: "device.setupCodeTtl", defaultValue: "10m", description: "how long an unused setup code stays valid", ...duration(60_000, DAY, "1d") },
  { name: "device.autoApproveCidrs", defaultValue: "", description: "networks whose devices are approved without asking (none by default)", ...cidrList },
];

const BY_NAME = new Map(SETTINGS.map((s) => [s.name, s]));

function settingDefinition(name: string): SettingDefinition {
  const definition = BY_NAME.get(name.trim());
  if (!definition) {
    throw new PairbotError("invalid_input", `There is no setting "${name}"; the settings are ${SETTINGS.map((s) => s.name).join(", ")}.`, { name });
  }
  return definition;
}

/** A value's one written form, or `invalid_input` saying what the setting allows. */
function canonicalSetting(name: string, value: string): string {
  const definition = settingDefinition(name);
  try {
    return definition.canonical(value);
  } catch {
    throw invalidInput(definition.name, `"${value}" is not allowed; it takes ${definition.allowed}`);
  }
}

/** Sets one setting (its value checked against what it allows), with an audit entry; returns it as listed. */
export function setSetting(tx: Tx, name: string, value: string, actor: string): ShownSetting {
  const definition = settingDefinition(name);
  const canonical = canonicalSetting(definition.name, value);
  if (tx.doc.settings[definition.name] !== canonical) {
    tx.putSetting(definition.name, canonical);
    tx.audit("setting", actor, `${definition.name} = ${canonical === "" ? "(none)" : canonical}`);
  }
  return shownSettings(tx.doc.settings).find((s) => s.name === definition.name)!;
}

/** A setting as a door lists it: its value, its default, and whether the store holds a value for it. */
export interface ShownSetting {
  name: string;
  value: string;
  default: string;
  set: boolean;
  description: string;
}

export const shownSettings = (stored: Readonly<Record<string, string>>): ShownSetting[] =>
  SETTINGS.map((s) => ({ name: s.name, value: stored[s.name] ?? s.defaultValue, default: s.defaultValue, set: Object.hasOwn(stored, s.name), description: s.description }));

/** A setting's value in effect: the stored one when it is (still) valid, else the default. */
function effective(stored: Readonly<Record<string, string>>, name: string): string {
  const definition = BY_NAME.get(name)!;
  const value = stored[name];
  if (value === undefined) return definition.defaultValue;
  try {
    return definition.canonical(value);
  } catch {
    return definition.defaultValue; // written by hand or by a newer pairbot: the rule still holds
  }
}

const durationMs = (text: string): number => (text === "0" ? 0 : parseDuration(text));

/** The numbers the settings decide, for the store's policy. */
export function policyFromSettings(stored: Readonly<Record<string, string>>): Partial<Policy> {
  return {
    dmTtlMs: durationMs(effective(stored, "dm.codeTtl")),
    maxPendingPerAccount: Number(effective(stored, "dm.maxPending")),
    denyCooldownMs: durationMs(effective(stored, "dm.denyCooldown")),
    deviceRequestTtlMs: durationMs(effective(stored, "device.requestTtl")),
    bootstrapTtlMs: durationMs(effective(stored, "device.setupCodeTtl")),
  };
}

/** The networks whose devices are approved without asking (`device.autoApproveCidrs`). */
export const autoApproveCidrs = (stored: Readonly<Record<string, string>>): string[] =>
  effective(stored, "device.autoApproveCidrs").split(",").filter(Boolean);
