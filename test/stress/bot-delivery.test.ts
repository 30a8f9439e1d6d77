import { describe, expect, it } from "vitest";
import { botKills, deliverySummary, telegramFaults } from "../support/stress-bot-faults.js";

describe("notifications survive faults", () => {
  it("Telegram answering with 429 (retry_after), 5xx and dropped connections: every alert arrives exactly once", async () => {
    const f = await telegramFaults({ requests: 40, faultRate: 0.3, maxFaults: 12 });
    console.log(deliverySummary("telegram faults", f));
    expect({ unannounced: f.unannounced, duplicated: f.duplicated }).toEqual({ unannounced: 0, duplicated: 0 });
  });

  it("the bot killed with SIGKILL while sending alerts, then restarted: no request left unannounced", async () => {
    const f = await botKills({ requests: 30, kills: 6 });
    console.log(deliverySummary("bot kills", f));
    expect(f.unannounced).toBe(0);
    // At-least-once: a kill between Telegram's answer and the record repeats at most that one alert.
    expect(f.duplicated).toBeLessThanOrEqual(f.kills);
  });
});
