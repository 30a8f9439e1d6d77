import path from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { PairingStore, type StoreEvent } from "../../src/store/index.js";
import { tempDir } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

it("the change feed watches a store whose folder does not exist yet, without errors", async () => {
  const { dir, remove } = tempDir();
  const file = path.join(dir, "not", "yet", "store.json");
  const errors: unknown[] = [];
  const events: StoreEvent[] = [];
  const feed = new PairingStore({ file }).watch((e) => events.push(...e), { onError: (e) => errors.push(e), pollMs: 60_000 });
  cleanup = () => {
    feed.close();
    remove();
  };
  await feed.ready;
  await new PairingStore({ file }).requestDmPairing({ channel: "signal", senderId: "+1555" });
  await vi.waitFor(() => expect(events.map((e) => e.type)).toContain("dm.added"), { timeout: 5000 });
  expect(errors).toEqual([]);
});
