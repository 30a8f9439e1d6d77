import { afterEach, describe, expect, it } from "vitest";
import { crashPoints, crashSummary, damageSummary, damagedStores, migrationSummary, migrations } from "../support/stress-store-files.js";
import { killSummary, killsMidCompaction, pauseSummary, pausedLockHolders } from "../support/stress-disruptions.js";
import { stopLeftoverProcesses } from "../support/store-processes.js";

afterEach(stopLeftoverProcesses);

describe("store v2 under pauses, kills, crashes and damage", () => {
  it("a lock holder stopped past the stale time, 40 times, while others write: 0 acknowledged changes lost or undone", async () => {
    const f = await pausedLockHolders({ rounds: 40, writers: 4, pad: 6000, budgetMs: 480_000 });
    console.log(pauseSummary(f));
    expect(f.failures).toEqual([]);
    expect({ lost: f.lost, undone: f.undone, diverged: f.diverged, finalSaved: f.finalSaved }).toEqual({ lost: 0, undone: 0, diverged: 0, finalSaved: true });
    expect(f.insidePauses).toBe(20);
    expect(f.writesWhilePaused).toBeGreaterThan(0);
  }, 600_000);

  it("200 SIGKILLs mid-append and mid-compaction: acknowledged changes stay, the last writer gets through", async () => {
    const f = await killsMidCompaction({ kills: 200, writers: 4, pad: 12_000, budgetMs: 420_000 });
    console.log(killSummary(f));
    expect(f.failures).toEqual([]);
    expect({ lost: f.lost, undone: f.undone, diverged: f.diverged, finalSaved: f.finalSaved }).toEqual({ lost: 0, undone: 0, diverged: 0, finalSaved: true });
    expect(f.killsMidCompaction).toBeGreaterThan(0);
  }, 600_000);

  it("torn records at 200 lengths and each crash point of compaction: every committed change is read, the next writer repairs", async () => {
    const f = await crashPoints(200);
    console.log(crashSummary(f));
    expect(f.problems).toEqual([]);
  }, 300_000);

  it("300 damaged journals and snapshots: refused by every operation, no byte changed", async () => {
    const f = await damagedStores(300);
    console.log(damageSummary(f));
    expect(f.accepted.slice(0, 5)).toEqual([]);
    expect(f.changedFiles).toBe(0);
  }, 300_000);

  it("v1 stores of every shape, with 10,000 allowlist entries and a full audit, migrated by two processes that both read v1", async () => {
    const f = await migrations({ bulk: 10_000, auditEntries: 5000 });
    console.log(migrationSummary(f));
    expect(f.problems).toEqual([]);
    expect(f.kept).toBe(f.items);
  }, 300_000);
});
