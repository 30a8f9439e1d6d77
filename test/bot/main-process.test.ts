import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OWNER, SECOND_OWNER } from "../support/bot-harness.js";
import { PairingStore } from "../../src/store/index.js";
import { startFakeTelegram } from "../support/fake-telegram/index.js";
import { tempStore } from "../support/temp-store.js";

// Runs the compiled entry point (npm test builds first), as `npm start` does.
const MAIN = path.resolve("dist/src/bot/main.js");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? "", ...env }, cwd: path.dirname(env.STORE_PATH ?? "/") });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe("npm start (dist/src/bot/main.js)", () => {
  it("stops at once with one sentence when a variable is wrong", async () => {
    const p = run({ BOT_TOKEN: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", OWNER_IDS: "me", GATEWAY_URL: "ws://gw.local:1" });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/^pairbot: OWNER_IDS must be your numeric Telegram user id[^\n]*\n$/);
  });

  it("long-polls, answers the owner, and stops cleanly on SIGTERM without printing the token", async () => {
    const telegram = await startFakeTelegram();
    const temp = tempStore();
    cleanups.push(() => telegram.close(), () => temp.remove());
    telegram.userSends(OWNER, "/start");
    const p = run({ BOT_TOKEN: telegram.token, OWNER_IDS: String(OWNER.id), GATEWAY_URL: "ws://gw.local:1", STORE_PATH: temp.file, TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: "debug" });
    cleanups.push(() => void p.child.kill("SIGKILL"));
    expect((await telegram.waitForMessage(OWNER.id, () => true, 15_000)).text).toContain("pairing console");
    await telegram.waitForCall("setMyCommands", (c) => (c.params.scope as { type?: string } | undefined)?.type === "chat", 15_000);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain("stopped");
    expect(p.output()).not.toContain(telegram.token.split(":")[1]);
  });

  it("remembers an owner's language across a restart: alerts after it speak it", async () => {
    const telegram = await startFakeTelegram();
    const temp = tempStore();
    cleanups.push(() => telegram.close(), () => temp.remove());
    const env = { BOT_TOKEN: telegram.token, OWNER_IDS: String(SECOND_OWNER.id), GATEWAY_URL: "ws://gw.local:1", STORE_PATH: temp.file, TELEGRAM_API_ROOT: telegram.apiRoot, DEFAULT_LOCALE: "en" };
    telegram.userSends(SECOND_OWNER, "/help");
    const first = run(env);
    cleanups.push(() => void first.child.kill("SIGKILL"));
    await telegram.waitForMessage(SECOND_OWNER.id, () => true, 15_000);
    const store = new PairingStore({ file: temp.file });
    await expect.poll(async () => (await store.read()).owners[String(SECOND_OWNER.id)]?.locale, { timeout: 5000 }).toBe("de");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    await store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Jo" });
    const second = run(env);
    cleanups.push(() => void second.child.kill("SIGKILL"));
    const alert = await telegram.waitForMessage(SECOND_OWNER.id, (m) => (m.text ?? "").includes("+491701234567"), 15_000);
    expect(alert.text).toContain("Kanal");
    second.child.kill("SIGTERM");
    expect(await second.exited, second.output()).toBe(0);
  });
});
