import { afterEach, describe, expect, it } from "vitest";
import { PairbotError } from "../../src/store/index.js";
import { tempStore, uncapped } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe("changes queued together in one process", () => {
  it("each gets its own result and all are saved", async () => {
    const t = tempStore({ policy: uncapped(1000) });
    cleanup = t.remove;
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => t.store.requestDmPairing({ channel: "signal", senderId: `s${i}` })),
    );
    expect(new Set(results.map((r) => r.code)).size).toBe(120);
    const saved = await t.readSaved();
    expect(saved.dm.requests.map((r) => r.code).sort()).toEqual(results.map((r) => r.code).sort());
  });

  it("a refused change fails alone; the others in its batch are saved", async () => {
    const t = tempStore();
    cleanup = t.remove;
    const [a, bad, b] = await Promise.allSettled([
      t.store.allowSender({ channel: "slack", senderId: "U1" }, "cli"),
      t.store.allowSender({ channel: "Not A Channel", senderId: "U2" }, "cli"),
      t.store.allowSender({ channel: "slack", senderId: "U3" }, "cli"),
    ]);
    expect(a.status).toBe("fulfilled");
    expect(b.status).toBe("fulfilled");
    expect(bad.status === "rejected" && bad.reason).toBeInstanceOf(PairbotError);
    expect(await t.store.isAllowed("slack", "U1")).toBe(true);
    expect(await t.store.isAllowed("slack", "U3")).toBe(true);
  });

  it("a change that fails half-way leaves nothing of itself behind, and the rest are saved", async () => {
    const t = tempStore();
    cleanup = t.remove;
    const halfway = t.store.change((tx) => {
      tx.putOwner("666", { notify: false });
      throw new Error("failed after writing to the document");
    });
    const [first, broken, last] = await Promise.allSettled([
      t.store.setNotify(1, false),
      halfway,
      t.store.setNotify(2, false),
    ]);
    expect([first.status, broken.status, last.status]).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const saved = await t.readSaved();
    expect(saved.owners).toEqual({ "1": { notify: false }, "2": { notify: false } });
  });
});
