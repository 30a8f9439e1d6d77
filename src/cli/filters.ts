import * as valid from "../store/validate.js";

/** A filter is spelt like the names it matches: a typo ("WhatsApp") is an error, not an empty list. */
export function checkFilters(channel: string | undefined, account: string | undefined): void {
  if (channel !== undefined) valid.channelName(channel);
  if (account !== undefined) valid.accountName(account);
}
