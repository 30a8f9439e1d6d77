import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, expect, it } from "vitest";
import { PairingStore } from "../../src/store/index.js";
import { startGatewayProcess } from "../support/gateway-process.js";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "./run-pairbot.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

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

it("names the store it used when it is not the one the .env here gives; --help always names it", async () => {
  const { dir, remove } = tempDir();
  cleanup = remove;
  const botStore = path.join(dir, "bot-store.json");
  const other = path.join(dir, "other-store.json");
  writeFileSync(path.join(dir, ".env"), `STORE_PATH=${botStore}\n`);

  const same = await pairbot(["pairing", "list"], { cwd: dir });
  expect(same).toMatchObject({ code: 0, stdout: "No pending pairing requests.\n", stderr: "" });
  expect((await pairbot(["--help"], { cwd: dir })).stdout).toContain(`\nStore: ${botStore} (.env), the same as the bot started here.\n`);

  const fromShell = await pairbot(["pairing", "list"], { cwd: dir, env: { STORE_PATH: other } });
  expect(fromShell.stderr).toBe(`Store: ${other} (STORE_PATH in the environment); the .env here gives ${botStore}, so the bot started here uses that one.\n`);
  const fromFlag = await pairbot(["allowlist", "list", "--store", other], { cwd: dir });
  expect(fromFlag.stderr).toBe(`Store: ${other} (--store); the .env here gives ${botStore}, so the bot started here uses that one.\n`);
  expect((await pairbot(["allowlist", "list", "--store", other, "--json"], { cwd: dir })).stderr).toBe("");

  // Another folder, no .env: the default store in the user's home, said so.
  const elsewhere = path.join(dir, "elsewhere");
  mkdirSync(elsewhere);
  const home = await pairbot(["audit"], { cwd: elsewhere, env: { HOME: dir } });
  const defaultStore = path.join(dir, ".pairbot", "store.json");
  expect(home.stderr).toBe(`Store: ${defaultStore} (the default); there is no .env here, so the bot may use another store.\n`);
  expect((await pairbot(["--help"], { cwd: elsewhere, env: { HOME: dir } })).stdout).toContain(`\nStore: ${defaultStore} (the default); there is no .env here`);
}, SPAWNS_TIMEOUT);

it("the shipped .env.example, copied as .env, leaves its empty variables at their defaults", async () => {
  const { dir, remove } = tempDir();
  cleanup = remove;
  copyFileSync(path.join(repoRoot, ".env.example"), path.join(dir, ".env"));
  // PAIRBOT_NODE_STATE= is empty there: the node keeps its state in the default file, not in "".
  const connect = await pairbot(["node", "connect"], { cwd: dir, env: { HOME: dir } });
  expect(connect).toMatchObject({ code: 1, stdout: "" });
  expect(connect.stderr).toContain(path.join(dir, ".pairbot", "node.json"));

  const gateway = await startGatewayProcess([], { GATEWAY_LOCALE: "", LOG_LEVEL: "" });
  try {
    expect(gateway.output()).not.toContain("GATEWAY_LOCALE");
  } finally {
    await gateway.stop();
  }
}, SPAWNS_TIMEOUT);
