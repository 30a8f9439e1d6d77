import { storeHealth } from "../../store/health.js";
import { defineCommand } from "../define.js";
import type { Check } from "../doctor/check.js";
import { configChecks } from "../doctor/config-checks.js";
import { gatewayChecks } from "../doctor/gateway-checks.js";
import { storeChecks, storeChoiceCheck } from "../doctor/store-checks.js";
import { telegramChecks } from "../doctor/telegram-checks.js";
import { json } from "../format.js";

const MARK: Record<Check["status"], string> = { ok: "ok  ", warn: "warn", fix: "FIX ", skip: "skip" };

/** Checks what a setup needs, one line each with what to do; exit 1 when something needs doing. */
export const doctorCommand = defineCommand({
  name: "doctor",
  summary: "check the store, .env, Telegram, the gateway URL and the clock; say what to fix",
  notes: [
    "Each line: ok, warn (worth knowing; maybe chosen on purpose), FIX (needs doing) or skip (not checked here, and why).",
    "Exit 0 when nothing needs fixing, 1 when something does. Run it in the bot's folder, where its .env is.",
  ],
  examples: ["pairbot doctor", "pairbot doctor --json"],
  async run(_input, ctx) {
    const choice = ctx.storeChoice;
    const config = configChecks(ctx.env);
    const [health, telegram, gateway] = await Promise.all([
      storeHealth(choice.location),
      telegramChecks(config.config),
      gatewayChecks(config.config?.gatewayUrls.join(",") ?? ctx.env["GATEWAY_URL"]?.trim(), ctx.env),
    ]);
    const checks = [storeChoiceCheck(choice), ...storeChecks(health), ...config.checks, ...telegram, ...gateway];
    const healthy = checks.every((c) => c.status !== "fix");
    if (ctx.json) ctx.out(json({ ok: healthy, store: health.name, checks }));
    else {
      for (const c of checks) ctx.out(`${MARK[c.status]}  ${c.text}`);
      const toFix = checks.filter((c) => c.status === "fix").length;
      ctx.out("");
      ctx.out(healthy ? "Nothing needs fixing." : `${toFix} ${toFix === 1 ? "thing needs" : "things need"} fixing (FIX above).`);
    }
    return healthy ? 0 : 1;
  },
});
