import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { loadConfig, type BotConfig } from "../../bot/config.js";
import { fix, octal, ok, skip, type Check } from "./check.js";

/** The .env here and the bot's settings from it; the settings, when valid, feed the later checks. */
export function configChecks(env: NodeJS.ProcessEnv, cwd = process.cwd()): { checks: Check[]; config: BotConfig | undefined } {
  const envFile = path.join(cwd, ".env");
  const hasEnvFile = existsSync(envFile);
  const mode = hasEnvFile ? statSync(envFile).mode & 0o777 : 0;
  const checks: Check[] = [
    !hasEnvFile
      ? skip("env.file", "No .env in this folder: run pairbot doctor in the bot's folder to check its settings, or copy .env.example to .env there.")
      : mode & 0o007 // group-readable is how a service's group shares it (README: Run as a service)
        ? fix("env.file", `Everyone on this machine may read ${envFile} (${octal(mode)}), which holds the bot token; run: chmod o-rwx ${envFile}`)
        : ok("env.file", `Settings from ${envFile} (variables set in the shell win), as npm start reads them here.`),
  ];
  if (!hasEnvFile && !env["BOT_TOKEN"]) {
    checks.push(skip("config", "No BOT_TOKEN here, so no bot to check: Telegram and gateway URL checks are skipped."));
    return { checks, config: undefined };
  }
  try {
    const config = loadConfig(env);
    const mode = config.webhook ? `a webhook at ${config.webhook.url}` : "long polling";
    checks.push(ok("config", `The bot's settings are valid: ${config.ownerIds.length} owner${config.ownerIds.length === 1 ? "" : "s"}, ${mode}.`));
    return { checks, config };
  } catch (e) {
    checks.push(fix("config", `${(e as Error).message}.`));
    return { checks, config: undefined };
  }
}
