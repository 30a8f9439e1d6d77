import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PairingStore, type Clock, type Policy, type RandomSource } from "../../src/store/index.js";

/** A manual clock for rules that depend on time: tests move it instead of sleeping. */
export class TestClock {
  constructor(public now = Date.parse("2026-11-21T12:00:00Z")) {}
  readonly fn: Clock = () => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export function tempDir(prefix = "pairbot-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  // Retries: a change still in flight when a test ends may create the lock folder while the tree is removed.
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }) };
}

/** A store in a fresh temp folder, with a manual clock; `remove()` deletes it. */
export function tempStore(options: { policy?: Partial<Policy>; random?: RandomSource } = {}) {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const file = path.join(dir, "store.json");
  const store = new PairingStore({ file, clock: clock.fn, ...options });
  return { store, clock, file, dir, remove };
}

/** Every byte the store keeps on disk (snapshot and journal): what a secret must never appear in. */
export function storeBytes(file: string): string {
  return [file, `${file}.journal`].filter((f) => existsSync(f)).map((f) => readFileSync(f, "utf8")).join("\n");
}

/** A policy whose pending caps (per account, per channel, in all) never stop a test that files `n` requests. */
export const uncapped = (n = 1_000_000): Partial<Policy> => ({ maxPendingPerAccount: n, maxPendingPerChannel: n, maxPendingTotal: n });
