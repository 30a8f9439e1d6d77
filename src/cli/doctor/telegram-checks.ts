import type { BotConfig } from "../../bot/config.js";
import { fix, ok, skip, warn, type Check } from "./check.js";

const TIMEOUT_MS = 5000;
/** Beyond this, setup codes and request expiries are off by enough for an owner to notice. */
const CLOCK_SKEW_MS = 30_000;

interface Answer {
  ok: boolean;
  result?: unknown;
  description?: string;
  error_code?: number;
  /** Telegram's clock, from the reply's Date header (whole seconds). */
  date: number | undefined;
}

/** Calls the Bot API as the bot would; errors never carry the token. */
async function callBotApi(config: BotConfig, method: string): Promise<Answer> {
  const response = await fetch(`${config.apiRoot}/bot${config.botToken}/${method}`, { method: "POST", signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await response.json().catch(() => ({ ok: false, description: `HTTP ${response.status}` }))) as Omit<Answer, "date">;
  const date = Date.parse(response.headers.get("date") ?? "");
  return { ...body, date: Number.isNaN(date) ? undefined : date };
}

/**
 * What a failed fetch means, in the words other checks use: the system's code (ECONNREFUSED), "port not
 * allowed" for ports fetch refuses outright, or a timeout; fetch's own TypeError says only "fetch failed".
 */
function whyFetchFailed(e: unknown, botToken: string): string {
  if ((e as Error).name === "TimeoutError") return `no answer in ${TIMEOUT_MS / 1000} s`;
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  const why = typeof cause?.message === "string" ? cause.message : (e as Error).message;
  // A URL fetch cannot parse is quoted whole, bot token included.
  return why === "bad port" ? "port not allowed" : why.split(botToken).join("<token>");
}

interface WebhookInfo {
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

/** getMe, getWebhookInfo and the clock against Telegram's. */
export async function telegramChecks(config: BotConfig | undefined, now = Date.now): Promise<Check[]> {
  if (!config) return [skip("telegram", "Telegram not checked: there are no valid bot settings here (see config above).")];
  let me: Answer;
  try {
    me = await callBotApi(config, "getMe");
  } catch (e) {
    const cause = whyFetchFailed(e, config.botToken);
    return [fix("telegram.reach", `Cannot reach Telegram at ${config.apiRoot} (${cause}): check this machine's network, proxy and firewall${config.apiRoot === "https://api.telegram.org" ? "" : ", or TELEGRAM_API_ROOT"}.`)];
  }
  const checks: Check[] = [clockCheck(me.date, now())];
  if (!me.ok) {
    const refused = me.error_code === 401 || me.error_code === 404;
    checks.unshift(fix("telegram.token", refused ? "Telegram refuses BOT_TOKEN (Unauthorized): copy the token again from @BotFather (/mybots, API Token) into .env." : `Telegram answered getMe with an error: ${me.description ?? "no description"}.`));
    return checks;
  }
  const bot = me.result as { username?: string; id: number };
  checks.unshift(ok("telegram.token", `BOT_TOKEN belongs to @${bot.username ?? bot.id}.`));
  const hook = await callBotApi(config, "getWebhookInfo").catch(() => undefined);
  checks.splice(1, 0, hook?.ok ? webhookCheck(config, hook.result as WebhookInfo) : fix("telegram.webhook", "Telegram did not answer getWebhookInfo; run pairbot doctor again."));
  return checks;
}

function webhookCheck(config: BotConfig, info: WebhookInfo): Check {
  if (!config.webhook) {
    return info.url
      ? warn("telegram.webhook", `Telegram sends this bot's updates to the webhook ${info.url}, but .env sets no WEBHOOK_URL: the bot started here removes it and polls. If another install uses that webhook, the two take turns; set WEBHOOK_URL to it, or stop the other.`)
      : ok("telegram.webhook", "No webhook is set: the bot receives updates by long polling.");
  }
  if (info.url !== config.webhook.url) {
    const now = info.url ? `Telegram has ${info.url}` : "Telegram has no webhook yet";
    return warn("telegram.webhook", `${now}, .env says ${config.webhook.url}: starting the bot sets it (with WEBHOOK_SECRET).`);
  }
  if (info.last_error_message) {
    const when = info.last_error_date ? ` at ${new Date(info.last_error_date * 1000).toISOString()}` : "";
    return fix("telegram.webhook", `Telegram's last delivery to ${info.url} failed${when}: ${info.last_error_message}; make sure that URL reaches this bot's PORT ${config.webhook.port} and the bot runs (${info.pending_update_count} updates wait).`);
  }
  if (config.webhook.secret.length < 16) {
    return warn("telegram.webhook", `WEBHOOK_SECRET is only ${config.webhook.secret.length} characters; make a longer one with: openssl rand -hex 32`);
  }
  return ok("telegram.webhook", `Telegram delivers to ${info.url} with a secret token (${info.pending_update_count} updates waiting).`);
}

/** The clock: codes and requests expire by it, and the owner reads times from it. */
export function clockCheck(telegramDate: number | undefined, localNow: number): Check {
  if (telegramDate === undefined) return skip("clock", "The clock was not checked: Telegram's reply carried no date.");
  const skew = localNow - telegramDate;
  // The Date header has whole seconds: up to a second of difference is no difference.
  if (Math.abs(skew) <= CLOCK_SKEW_MS) return ok("clock", "This machine's clock agrees with Telegram's.");
  const seconds = Math.round(Math.abs(skew) / 1000);
  return fix("clock", `This machine's clock is ${seconds} s ${skew > 0 ? "ahead of" : "behind"} Telegram's: codes would expire at the wrong time; turn on time sync (timedatectl set-ntp true).`);
}
