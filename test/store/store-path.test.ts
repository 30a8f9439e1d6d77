import { existsSync, lstatSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PairingStore, readStoreFiles } from "../../src/store/index.js";
import { tempDir } from "../support/temp-store.js";

let remove: () => void = () => undefined;
afterEach(() => remove());

function folder(): string {
  const d = tempDir();
  remove = d.remove;
  return d.dir;
}

describe("the store's path", () => {
  it("a symlink is followed: the lock and the journal sit beside its target, and the link stays a link", async () => {
    const dir = folder();
    mkdirSync(path.join(dir, "real"));
    const target = path.join(dir, "real", "store.json");
    const link = path.join(dir, "store.json");
    await new PairingStore({ file: target }).allowSender({ channel: "signal", senderId: "a" }, "cli");
    symlinkSync(target, link);
    await new PairingStore({ file: link }).allowSender({ channel: "signal", senderId: "b" }, "cli");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(existsSync(`${link}.journal`)).toBe(false);
    expect(Object.keys((await readStoreFiles(target)).dm.allowlist["signal"]!["default"]!).sort()).toEqual(["a", "b"]);
  });

  it("a plain file where the lock folder belongs gets one sentence, not ENOTDIR", async () => {
    const dir = folder();
    const file = path.join(dir, "store.json");
    await new PairingStore({ file }).allowSender({ channel: "signal", senderId: "a" }, "cli");
    writeFileSync(`${file}.lock`, "not a folder");
    await expect(new PairingStore({ file }).allowSender({ channel: "signal", senderId: "b" }, "cli")).rejects.toMatchObject({
      code: "store_busy",
      message: `${file}.lock is a file, but pairbot uses that name for its lock folder. If no pairbot process is running, remove it and try again.`,
    });
  });

  it("a lock folder touched in the future counts as stale and is taken over", async () => {
    const dir = folder();
    const file = path.join(dir, "store.json");
    await new PairingStore({ file }).allowSender({ channel: "signal", senderId: "a" }, "cli");
    mkdirSync(`${file}.lock`);
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(`${file}.lock`, future, future);
    await new PairingStore({ file }).allowSender({ channel: "signal", senderId: "b" }, "cli");
    expect(Object.keys((await readStoreFiles(file)).dm.allowlist["signal"]!["default"]!).sort()).toEqual(["a", "b"]);
  });
});
