import { describe, expect, it } from "vitest";
import { fuzzStoreFiles, fuzzStoreInputs, summary } from "../support/stress-fuzz-store.js";

/** The short version of store-fuzz.test.ts for `npm test`. */
describe("store fuzzing (short)", () => {
  it("random store files are read or refused with a clear error, never changed by a refused write", async () => {
    const f = await fuzzStoreFiles(100);
    console.log(summary("store files", f));
    expect([...new Set(f.crashes)].slice(0, 5)).toEqual([]);
    expect([...new Set(f.halfWrites)].slice(0, 5)).toEqual([]);
  }, 60_000);

  it("random inputs to every store operation are done or refused with a PairbotError, never half written", async () => {
    const f = await fuzzStoreInputs(100);
    console.log(summary("store inputs", f));
    expect([...new Set(f.crashes)].slice(0, 5)).toEqual([]);
    expect([...new Set(f.halfWrites)].slice(0, 5)).toEqual([]);
  }, 60_000);
});
