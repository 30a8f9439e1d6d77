import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, expect, it } from "vitest";
import { PairingStore } from "../../src/store/index.js";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "./run-pairbot.js";

beforeAll(assertBuilt);
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

it("reads STORE_PATH from the .env in the current folder, like npm start; a variable already set wins", async () => {
  const { dir, remove } = tempDir();
  cleanup = remove;
  const fromEnvFile = path.join(dir, "bot-store.json");
  const fromShell = path.join(dir, "shell-store.json");
  writeFileSync(path.join(dir, ".env"), `STORE_PATH=${fromEnvFile}\n`);
  await new PairingStore({ file: fromEnvFile }).requestDmPairing({ channel: "signal", senderId: "+1555", name: "Env" });

  const viaEnvFile = await pairbot(["pairing", "list", "--json"], { cwd: dir });
  expect(viaEnvFile.code).toBe(0);
  expect(JSON.parse(viaEnvFile.stdout)).toEqual([expect.objectContaining({ senderId: "+1555" })]);

  const viaShell = await pairbot(["pairing", "list", "--json"], { cwd: dir, env: { STORE_PATH: fromShell } });
  expect(JSON.parse(viaShell.stdout)).toEqual([]);
}, SPAWNS_TIMEOUT);
