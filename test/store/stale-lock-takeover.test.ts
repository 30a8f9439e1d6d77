import { describe, expect, it } from "vitest";
import { staleLockTakeover } from "../support/stress-stale-lock.js";

// Found by the stress suite (200 SIGKILLs lost 4 acknowledged changes): with proper-lockfile judging
// staleness, two waiters that both saw a dead process's lock stale could both take it and both write.
describe("a lock left by a killed process", () => {
  it("is taken over by one waiter at a time: six writers arriving together lose no acknowledged change", async () => {
    const result = await staleLockTakeover({ writers: 6, rounds: 5 });
    expect(result.acknowledged).toBe(6 * 3 * 5);
    expect(result.lost).toBe(0);
  }, 60_000);
});
