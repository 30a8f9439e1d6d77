/**
 * Relative times against `now`: "in 57 minutes", "3 minutes ago", exact enough to tell how long a code
 * stays valid. date-fns (just the one function) is loaded here, so empty lists and JSON never pay for it.
 */
export async function relativeTo(now: number): Promise<(isoTime: string) => string> {
  const { formatDistanceStrict } = await import("date-fns/formatDistanceStrict");
  return (isoTime) => {
    const at = Date.parse(isoTime);
    if (at <= now && now - at < 10_000) return "just now";
    return formatDistanceStrict(at, now, { addSuffix: true });
  };
}

/** "1 setup code", "3 setup codes". */
export const count = (n: number, thing: string): string => `${n} ${thing}${n === 1 ? "" : "s"}`;

// Control characters and bidi overrides: a store written by another program could hold them in a name.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the store, made safe to print on a terminal (no escape sequences, no reordering). */
export const printable = (text: string): string => text.replace(UNPRINTABLE, "?");

const width = (text: string): number => [...text].length;

/** Left-aligned columns two spaces apart, headed by the column names. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cells = rows.map((row) => row.map(printable));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ""))));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell + " ".repeat(Math.max(0, widths[i]! - width(cell))))
      .join("  ")
      .trimEnd();
  return [line(headers), ...cells.map(line)];
}

/** Machine output: the same shape every time, documented in docs/cli.md. */
export const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** "Ann (+491701234567)" or just the id when there is no display name. */
export const who = (senderId: string, name?: string): string => printable(name ? `${name} (${senderId})` : senderId);

/** "whatsapp", or "whatsapp (account work)" for an account other than the default one. */
export const where = (channel: string, account: string): string =>
  printable(account === "default" ? channel : `${channel} (account ${account})`);
