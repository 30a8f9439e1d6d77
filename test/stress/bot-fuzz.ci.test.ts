import { describe, expect, it } from "vitest";
import { fuzzBotUpdates } from "../support/stress-bot-fuzz.js";

/** The short version of bot-fuzz.test.ts for `npm test`. */
describe("the bot under generated updates from strangers and forged buttons (short)", () => {
  it("1,000 updates change nothing in the store and leak nothing", async () => {
    const f = await fuzzBotUpdates(1_000);
    console.log(`bot fuzz: runs 1, updates ${f.updates} (stranger messages ${f.strangerMessages}, forged presses ${f.forgedPresses}), bot calls to strangers ${f.botCallsToStrangers}, leaks ${f.leaks.length}, store changed ${f.storeChanged}, ${f.seconds.toFixed(1)} s`);
    expect(f.leaks.slice(0, 5)).toEqual([]);
    expect(f.storeChanged).toBe(false);
  }, 120_000);
});
