import { Api, GrammyError, HttpError } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { PairbotError } from "../store/index.js";
import type { Logger } from "./logger.js";
import { describeError, type ApiSignal } from "./notifier/telegram-errors.js";

/** One try may take this long: an address that swallows packets would otherwise hang for minutes. */
const TRY_TIMEOUT_MS = 10_000;
const MAX_WAIT_MS = 60_000;

/**
 * Asks Telegram who the bot is, saying within seconds when it cannot (where, and why), retrying with a
 * doubling wait, and saying when it got through. Not through the bot's own Api: its auto-retry would
 * wait out the outage silently. A refused token is an error the user must fix: no retry.
 */
export async function reachTelegram(options: { token: string; apiRoot: string; logger: Logger; sleep?: (ms: number) => Promise<void> }): Promise<UserFromGetMe> {
  const api = new Api(options.token, { apiRoot: options.apiRoot });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      const me = await api.getMe(AbortSignal.timeout(TRY_TIMEOUT_MS) as unknown as ApiSignal);
      if (attempt > 0) options.logger.info({ apiRoot: options.apiRoot, attempts: attempt + 1 }, `reached Telegram at ${options.apiRoot}`);
      return me;
    } catch (e) {
      if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) {
        throw new PairbotError("config_invalid", "Telegram refused BOT_TOKEN: copy the token again from @BotFather (/mybots, API Token) into .env; if it was revoked, make a new one there.");
      }
      const waitMs = Math.min(MAX_WAIT_MS, 1000 * 2 ** attempt);
      const timedOut = e instanceof HttpError && /Abort|Timeout/.test((e.error as Error | undefined)?.name ?? "");
      const why = timedOut ? `no answer within ${TRY_TIMEOUT_MS / 1000} s` : describeError(e);
      options.logger.warn({ apiRoot: options.apiRoot, error: why, retryInSeconds: waitMs / 1000 }, `cannot reach Telegram at ${options.apiRoot} (${why}); retrying in ${waitMs / 1000} s`);
      await sleep(waitMs);
    }
  }
}
