import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { tempStore } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

it("temp files left by writers killed mid-write are removed by the next writer; others are kept", async () => {
  const t = tempStore();
  cleanup = t.remove;
  // pid 4194305 is above Linux's largest pid: no such process can be alive.
  writeFileSync(`${t.file}.4194305.a1b2c3d4e5f6.tmp`, '{"version":1,"half');
  writeFileSync(`${t.file}.4194305.0f0f0f0f0f0f.new`, "{}");
  writeFileSync(`${t.file}.journal.4194305.0f0f0f0f0f0f.tmp`, "");
  const live = `${t.file}.${process.pid}.feedfeedfeed.tmp`;
  writeFileSync(live, "a live writer's");
  const unrelated = path.join(t.dir, "notes.4194305.a1b2c3d4e5f6.tmp");
  writeFileSync(unrelated, "not ours");

  await t.store.setNotify(1, true);

  expect(readdirSync(t.dir).sort()).toEqual([path.basename(live), "notes.4194305.a1b2c3d4e5f6.tmp", "store.json", "store.json.journal"].sort());
  expect(existsSync(unrelated)).toBe(true);
});
