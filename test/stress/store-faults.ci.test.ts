import { afterEach, describe, expect, it } from "vitest";
import { crashPoints, crashSummary, damageSummary, damagedStores, migrationSummary, migrations } from "../support/stress-store-files.js";
import { killSummary, killsMidCompaction, pauseSummary, pausedLockHolders } from "../support/stress-disruptions.js";
import { stopLeftoverProcesses } from "../support/store-processes.js";

afterEach(stopLeftoverProcesses);

/** The short version of store-faults.test.ts for `npm test`. */
describe("store v2 under pauses, kills, crashes and damage (short)", () => {
  it("a lock holder stopped past the stale time, 4 times, while others write: 0 acknowledged changes lost or undone", async () => {
    const f = await pausedLockHolders({ rounds: 4, writers: 3, pad: 6000, budgetMs: 30_000 });
    console.log(pauseSummary(f));
    expect(f.failures).toEqual([]);
    expect({ lost: f.lost, undone: f.undone, diverged: f.diverged, finalSaved: f.finalSaved }).toEqual({ lost: 0, undone: 0, diverged: 0, finalSaved: true });
    expect(f.insidePauses).toBe(2);
  }, 90_000);

  it("12 SIGKILLs mid-append and mid-compaction: acknowledged changes stay", async () => {
    const f = await killsMidCompaction({ kills: 12, writers: 3, pad: 12_000, budgetMs: 20_000 });
    console.log(killSummary(f));
    expect(f.failures).toEqual([]);
    expect({ lost: f.lost, undone: f.undone, diverged: f.diverged, finalSaved: f.finalSaved }).toEqual({ lost: 0, undone: 0, diverged: 0, finalSaved: true });
  }, 90_000);

  it("torn records and each crash point of compaction: every committed change is read, the next writer repairs", async () => {
    const f = await crashPoints(10);
    console.log(crashSummary(f));
    expect(f.problems).toEqual([]);
  }, 60_000);

  it("damaged journals and snapshots: refused by every operation, no byte changed", async () => {
    const f = await damagedStores(15);
    console.log(damageSummary(f));
    expect(f.accepted.slice(0, 5)).toEqual([]);
    expect(f.changedFiles).toBe(0);
  }, 60_000);

  it("v1 stores of every shape, a full audit of 5,000 entries, migrated by two processes that both read v1", async () => {
    const f = await migrations({ bulk: 500, auditEntries: 5000 });
    console.log(migrationSummary(f));
    expect(f.problems).toEqual([]);
    expect(f.kept).toBe(f.items);
  }, 60_000);
});
