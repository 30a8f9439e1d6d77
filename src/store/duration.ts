import { invalidInput } from "./errors.js";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "90s", "10m", "1h", "24h", "7d" into milliseconds. */
export function parseDuration(text: string, field = "duration"): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  const unit = match && UNITS[match[2]!];
  const value = match ? Number(match[1]) * unit! : 0;
  if (!match || value <= 0) {
    throw invalidInput(field, `"${text}" is not a duration; write a number and a unit, like 10m, 1h, 24h or 7d`);
  }
  return value;
}
