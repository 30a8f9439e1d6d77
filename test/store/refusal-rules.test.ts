import { afterEach, describe, expect, it } from "vitest";
import { MAX_REFUSAL_SUMMARIES, REFUSAL_SUMMARY_LIFETIME_MS, refusalKey, type StoreEvent } from "../../src/store/index.js";
import { tempStore } from "../support/temp-store.js";

/** Flood summaries: what a door refused on a channel in one window, alerted to each owner once. */
let t: ReturnType<typeof tempStore>;
afterEach(() => t?.remove());

const OWNER = 42;
const sent = { chatId: OWNER, messageId: 7, sentAt: "2026-01-01T00:00:00.000Z" };
const windowOf = (end: number) => ({ windowStart: new Date(end - 60_000).toISOString(), windowEnd: new Date(end).toISOString() });

describe("refusal summaries", () => {
  it("are kept per channel and window until each owner was alerted once; an owner with alerts off gets none", async () => {
    t = tempStore();
    const summary = await t.store.recordRefusals({ channel: "whatsapp", refused: 27, ...windowOf(t.clock.now) });
    expect(summary).toMatchObject({ channel: "whatsapp", refused: 27 });
    expect(await t.store.refusalsToAlert(OWNER)).toEqual([summary]);
    await t.store.recordNotification(refusalKey(summary.id), OWNER, sent);
    expect(await t.store.refusalsToAlert(OWNER)).toEqual([]);
    expect(await t.store.refusalsToAlert(43)).toEqual([summary]); // another owner still is to be told
    await t.store.setNotify(43, false);
    expect(await t.store.refusalsToAlert(43)).toEqual([]);
    expect(await t.open({ clock: t.clock.fn }).refusalsToAlert(44)).toEqual([summary]); // what another process reads
  });

  it("go after an hour, with the record of the alerts that told of them", async () => {
    t = tempStore();
    const summary = await t.store.recordRefusals({ channel: "whatsapp", refused: 3, ...windowOf(t.clock.now) });
    await t.store.recordNotification(refusalKey(summary.id), OWNER, sent);
    t.clock.now += REFUSAL_SUMMARY_LIFETIME_MS;
    await t.store.prune();
    const doc = await t.readSaved();
    expect(doc.refusals).toEqual([]);
    expect(doc.notifications).toEqual({});
  });

  it("stand at most a fixed number, the oldest going first", async () => {
    t = tempStore();
    const first = await t.store.recordRefusals({ channel: "c0", refused: 1, ...windowOf(t.clock.now) });
    await t.store.recordNotification(refusalKey(first.id), OWNER, sent);
    await Promise.all(Array.from({ length: MAX_REFUSAL_SUMMARIES }, (_, i) => t.store.recordRefusals({ channel: `c${i + 1}`, refused: 1, ...windowOf(t.clock.now) })));
    const doc = await t.readSaved();
    expect(doc.refusals).toHaveLength(MAX_REFUSAL_SUMMARIES);
    expect(doc.refusals!.map((r) => r.channel)).not.toContain("c0");
    expect(doc.notifications).toEqual({});
  });

  it("refuse what no door counts: nothing refused, a window that ends in the future or runs backwards, a bad channel", async () => {
    t = tempStore();
    await expect(t.store.recordRefusals({ channel: "whatsapp", refused: 0, ...windowOf(t.clock.now) })).rejects.toThrow(/refused must be a whole number of at least 1/);
    await expect(t.store.recordRefusals({ channel: "whatsapp", refused: 1, ...windowOf(t.clock.now + 3_600_000) })).rejects.toThrow(/ends in the future/);
    const { windowStart, windowEnd } = windowOf(t.clock.now);
    await expect(t.store.recordRefusals({ channel: "whatsapp", refused: 1, windowStart: windowEnd, windowEnd: windowStart })).rejects.toThrow(/the start not after the end/);
    await expect(t.store.recordRefusals({ channel: "Whats App", refused: 1, windowStart, windowEnd })).rejects.toMatchObject({ code: "invalid_input" });
    expect((await t.readSaved()).refusals).toBeUndefined();
  });

  it("reach the change feed as refusals.recorded", async () => {
    t = tempStore();
    const seen: StoreEvent[] = [];
    const feed = t.open().watch((events) => seen.push(...events));
    await feed.ready;
    const summary = await t.store.recordRefusals({ channel: "whatsapp", refused: 5, ...windowOf(t.clock.now) });
    await expect.poll(() => seen).toEqual([{ type: "refusals.recorded", summary }]);
    feed.close();
  });
});
