import { checkTimeZone } from "../store/index.js";

/** The server's own zone: what TIMEZONE defaults to. */
export const serverTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The canonical spelling of an IANA zone name ("europe/berlin" -> "Europe/Berlin"), or undefined if unknown. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return checkTimeZone(name);
  } catch {
    return undefined;
  }
}

/** "13:05 GMT+1": a clock time with its zone, so an owner never reads a server's time as theirs. */
export function clockTime(isoTime: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone, timeZoneName: "short" }).format(new Date(isoTime));
}
