import { describe, expect, it } from "vitest";
import { botKills, deliverySummary, telegramFaults } from "../support/stress-bot-faults.js";

/** The short version of bot-delivery.test.ts for `npm test`. */
describe("notifications survive faults (short)", () => {
  it("Telegram answering with 429 (retry_after), 5xx and dropped connections: every alert arrives exactly once", async () => {
    const f = await telegramFaults({ requests: 10, faultRate: 0.5, maxFaults: 4 });
    console.log(deliverySummary("telegram faults", f));
    expect({ unannounced: f.unannounced, duplicated: f.duplicated }).toEqual({ unannounced: 0, duplicated: 0 });
  }, 120_000);

  it("the bot killed with SIGKILL while sending alerts, then restarted: no request left unannounced", async () => {
    const f = await botKills({ requests: 8, kills: 2 });
    console.log(deliverySummary("bot kills", f));
    expect(f.unannounced).toBe(0);
    expect(f.duplicated).toBeLessThanOrEqual(f.kills);
  }, 120_000);
});
