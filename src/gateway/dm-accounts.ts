import { PairbotError } from "../store/index.js";
import { accountName, channelName } from "../store/validate.js";

/** The accounts each channel serves ("*" for channels not named); without any, only `default`. */
export type ChannelAccounts = ReadonlyMap<string, readonly string[]>;

export const accountsFor = (accounts: ChannelAccounts, channel: string): readonly string[] => accounts.get(channel) ?? accounts.get("*") ?? ["default"];

/** Parses "whatsapp=default,work,slack=team" (from --accounts or GATEWAY_ACCOUNTS). */
export function parseChannelAccounts(text: string, source = "--accounts"): Map<string, string[]> {
  const accounts = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [head, tail, extra] = part.split("=").map((s) => s.trim());
    const fail = (why: string) => new PairbotError("config_invalid", `Invalid ${source} entry "${part}": ${why}; write channel=account,account, for example whatsapp=default,work,slack=team`);
    if (extra !== undefined || (tail === undefined && current === undefined) || head === "" || tail === "") throw fail("it names no channel");
    try {
      if (tail !== undefined) {
        if (head !== "*") channelName(head);
        current = [];
        accounts.set(head!, current);
      }
      const account = accountName(tail ?? head);
      if (!current!.includes(account)) current!.push(account);
    } catch (e) {
      if (e instanceof PairbotError && e.code === "config_invalid") throw e;
      throw fail((e as Error).message);
    }
  }
  return accounts;
}

export const describeAccounts = (accounts: ChannelAccounts): string =>
  [...[...accounts].filter(([c]) => c !== "*").map(([c, a]) => `${c}=${a.join("+")}`), `others=${accountsFor(accounts, "*").join("+")}`].join(", ");
