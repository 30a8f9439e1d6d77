import { describe, expect, it } from "vitest";
import { writerKills, writerRounds } from "../support/stress-store.js";

describe("store under many writer processes", () => {
  it("8 writers x 200 changes, 10 rounds: nothing lost, nothing doubled, the file always parses", async () => {
    const f = await writerRounds({ writers: 8, changes: 200, rounds: 10 });
    console.log(`store rounds: runs ${f.runs}, changes ${f.changes}, lost ${f.lost}, duplicated ${f.duplicated}, reads ${f.reads}, unparseable ${f.parseFailures}, ${f.seconds.toFixed(1)} s`);
    expect(f.failureReasons).toEqual([]);
    expect({ lost: f.lost, duplicated: f.duplicated, parseFailures: f.parseFailures, changes: f.changes }).toEqual({ lost: 0, duplicated: 0, parseFailures: 0, changes: 16_000 });
  }, 600_000); // 16,000 durable changes: about 2 minutes on a quiet machine, 5 on a busy one

  it("200 SIGKILLs of writers mid-write: the file parses, acknowledged changes stay, stale locks are recovered", async () => {
    const f = await writerKills({ kills: 200, writers: 4, minGapMs: 20, maxGapMs: 400 });
    console.log(`store kills: runs 1, kills ${f.kills}, acknowledged ${f.acknowledged}, lost ${f.lost}, duplicated 0, reads ${f.reads}, unparseable ${f.parseFailures}, stale-lock waits ${f.staleLockWaits}, temp files left ${f.leftoverTempFiles}, ${f.seconds.toFixed(1)} s`);
    expect(f.failureReasons).toEqual([]);
    expect({ lost: f.lost, parseFailures: f.parseFailures, kills: f.kills }).toEqual({ lost: 0, parseFailures: 0, kills: 200 });
    expect(f.acknowledged).toBeGreaterThan(0);
  }, 600_000); // about 2.5 minutes on a quiet 2-core machine: a kill inside the lock costs up to 3 s
});
