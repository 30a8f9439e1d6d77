// Only the one function: the date-fns index would load hundreds of modules on every call.
import { formatDistanceStrict } from "date-fns/formatDistanceStrict";

/** "in 57 minutes", "3 minutes ago": exact enough to tell how long a code stays valid. */
export function relative(isoTime: string, now: number): string {
  const at = Date.parse(isoTime);
  if (at <= now && now - at < 10_000) return "just now";
  return formatDistanceStrict(at, now, { addSuffix: true });
}

/** "1 setup code", "3 setup codes". */
export const count = (n: number, thing: string): string => `${n} ${thing}${n === 1 ? "" : "s"}`;

const width = (text: string): number => [...text].length;

/** Left-aligned columns two spaces apart, headed by the column names. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell + " ".repeat(Math.max(0, widths[i]! - width(cell))))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** Machine output: the same shape every time, documented in docs/cli.md. */
export const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** "Ann (+491701234567)" or just the id when there is no display name. */
export const who = (senderId: string, name?: string): string => (name ? `${name} (${senderId})` : senderId);

/** "whatsapp", or "whatsapp (account work)" for an account other than the default one. */
export const where = (channel: string, account: string): string =>
  account === "default" ? channel : `${channel} (account ${account})`;
