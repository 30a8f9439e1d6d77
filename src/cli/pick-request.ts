import type { DeviceRequest, DmRequest } from "../store/index.js";
import type { CliContext } from "./context.js";
import { printable, where, who } from "./format.js";
import { UsageError } from "./parse.js";

/**
 * `pairbot pairing approve` and `devices approve` without arguments: on a terminal, the owner picks a
 * pending request with the arrow keys and confirms; without one, a usage error says what to pass.
 */

/** What the owner sees for each pending DM request: sender first, as they know them. */
export const dmChoice = (r: DmRequest, when: (iso: string) => string) => ({
  value: r,
  label: `${who(r.senderId, r.name)} on ${where(r.channel, r.account)}`,
  hint: `code ${r.code}, asked ${when(r.createdAt)}`,
});

export const deviceChoice = (r: DeviceRequest, when: (iso: string) => string) => ({
  value: r,
  label: printable(`${r.name} (${r.platform}, ${r.role})`),
  hint: printable(`from ${r.remoteAddress}, asked ${when(r.createdAt)}`),
});

/**
 * The request the owner picked and confirmed; "none" when nothing is pending (said so), "cancelled"
 * when the owner said no. Without a terminal (or with --json) it throws `noTerminal` before reading.
 */
export async function pickRequest<T>(
  ctx: CliContext,
  ask: {
    load: () => Promise<readonly T[]>;
    choice: (r: T) => { value: T; label: string; hint: string };
    none: string;
    question: string;
    confirm: (r: T) => string;
    noTerminal: UsageError;
  },
): Promise<T | "none" | "cancelled"> {
  if (!ctx.prompter || ctx.json) throw ask.noTerminal;
  const requests = await ask.load();
  if (requests.length === 0) {
    ctx.out(ask.none);
    return "none";
  }
  const picked = await ctx.prompter.choose(ask.question, requests.map(ask.choice));
  if (picked === undefined || !(await ctx.prompter.confirm(ask.confirm(picked)))) {
    ctx.out("Nothing approved.");
    return "cancelled";
  }
  return picked;
}
