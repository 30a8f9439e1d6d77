import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clockCheck } from "../../src/cli/doctor/telegram-checks.js";
import { PairingStore } from "../../src/store/index.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot, parsed } from "./run-pairbot.js";

let folder: ReturnType<typeof tempDir>;
let telegram: FakeTelegram;
let gateway: net.Server;
let gatewayPort: number;

beforeAll(async () => {
  assertBuilt();
  folder = tempDir("pairbot-doctor-");
  telegram = await startFakeTelegram();
  // Stands in for a running gateway: doctor only checks that something answers at GATEWAY_URL.
  gateway = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  gatewayPort = (gateway.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await telegram.close();
  await new Promise((resolve) => gateway.close(resolve));
  folder.remove();
});

/** A bot folder: .env (mode 0600) and a store with one request in it. */
async function botFolder(name: string, env: Record<string, string>): Promise<{ dir: string; store: string }> {
  const dir = path.join(folder.dir, name);
  mkdirSync(dir, { mode: 0o700 });
  const store = path.join(dir, "data", "store.json");
  await new PairingStore({ file: store }).requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann" });
  const settings = { BOT_TOKEN: telegram.token, OWNER_IDS: "4242", TELEGRAM_API_ROOT: telegram.apiRoot, STORE_PATH: store, ...env };
  writeFileSync(path.join(dir, ".env"), Object.entries(settings).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });
  return { dir, store };
}

interface Report {
  ok: boolean;
  checks: { id: string; status: string; text: string }[];
}
const statusOf = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

describe("pairbot doctor", { timeout: SPAWNS_TIMEOUT }, () => {
  it("reports a healthy setup line by line and exits 0", async () => {
    const { dir, store } = await botFolder("healthy", { GATEWAY_URL: `ws://127.0.0.1:${gatewayPort}` });
    const run = await pairbot(["doctor"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`ok    Store: ${store} (.env), the same as the bot started here.`);
    expect(lines).toContain("ok    BOT_TOKEN belongs to @pairbot_test_bot.");
    expect(lines).toContain("ok    No webhook is set: the bot receives updates by long polling.");
    expect(lines).toContain("ok    This machine's clock agrees with Telegram's.");
    expect(lines).toContain(`ok    The gateway at ws://127.0.0.1:${gatewayPort} answers from here.`);
    expect(lines.at(-1)).toBe("Nothing needs fixing.");

    const report = parsed(await pairbot(["doctor", "--json"], { cwd: dir })) as Report;
    expect(report.ok).toBe(true);
    expect(statusOf(report)).toMatchObject({
      "store.choice": "ok", "store.folder": "ok", "store.file": "ok", "store.lock": "ok", "store.format": "ok",
      "env.file": "ok", config: "ok", "telegram.token": "ok", "telegram.webhook": "ok", clock: "ok",
      "gateway.reach": "ok", "gateway.address": "warn", "gateway.policy": "ok", "gateway.adapter-token": "ok",
    });
    expect(JSON.stringify(report)).not.toContain(telegram.token.split(":")[1]); // the token never shows
  });

  it("says what to fix, one line each, and exits 1", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { dir, store } = await botFolder("broken", {
      BOT_TOKEN: "123456:AAwrongwrongwrongwrongwrongwrongwrong",
      GATEWAY_URL: `ws://127.0.0.1:${closedPort}`,
      GATEWAY_DM_POLICY: "whatsapp=open!",
    });
    chmodSync(store, 0o644);
    chmodSync(path.dirname(store), 0o755);
    const run = await pairbot(["doctor"], { cwd: dir, env: { STORE_PATH: path.join(dir, "other.json") } });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toContain(`FIX   Store: ${path.join(dir, "other.json")} (STORE_PATH in the environment); the .env here gives ${store}, so the bot started here uses that one. Run pairbot from the bot's folder, or pass --store ${store}.`);
    expect(lines).toContain("FIX   Telegram refuses BOT_TOKEN (Unauthorized): copy the token again from @BotFather (/mybots, API Token) into .env.");
    expect(lines).toContain(`FIX   Nothing answers at ws://127.0.0.1:${closedPort} from here (ECONNREFUSED): start pairbot gateway (with --host 0.0.0.0 for other machines), or correct GATEWAY_URL.`);
    expect(lines).toContain("warn  DM policy open on whatsapp (GATEWAY_DM_POLICY): anyone may message the assistant there without pairing; use pairing unless you mean it.");
    expect(lines.at(-1)).toBe("3 things need fixing (FIX above).");

    const modes = await pairbot(["doctor", "--json"], { cwd: dir });
    expect(modes.code).toBe(1);
    const report = parsed(modes) as Report;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === "store.folder")?.text).toBe(`The folder ${path.dirname(store)} has mode 0755, so other users can look in; run: chmod 700 ${path.dirname(store)}`);
    expect(report.checks.find((c) => c.id === "store.file")?.text).toBe(`Other users may read ${store} (token hashes, who may message the assistant); run: chmod 600 ${store}`);
  });

  it("names why Telegram cannot be reached, also where fetch refuses the port outright", async () => {
    const { dir } = await botFolder("bad-port", { TELEGRAM_API_ROOT: "http://127.0.0.1:1", GATEWAY_URL: "ws://127.0.0.1:1" });
    const run = await pairbot(["doctor"], { cwd: dir });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toContain("FIX   Cannot reach Telegram at http://127.0.0.1:1 (port not allowed): check this machine's network, proxy and firewall, or TELEGRAM_API_ROOT.");
    expect(lines).toContain("FIX   Nothing answers at ws://127.0.0.1:1 from here (ECONNREFUSED): start pairbot gateway (with --host 0.0.0.0 for other machines), or correct GATEWAY_URL.");
    expect(run.stdout).not.toContain(telegram.token.split(":")[1]);
  });

  it("shows a webhook whose deliveries fail, and one the .env does not know", async () => {
    const hook = `https://127.0.0.1:${gatewayPort}/telegram`; // hangs up on every delivery
    await fetch(`${telegram.apiRoot}/bot${telegram.token}/setWebhook`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: hook, secret_token: "s".repeat(32) }) });
    telegram.userSends({ id: 4242, first_name: "Olga" }, "/start");
    await telegram.waitForDelivery((a) => !a.accepted);
    try {
      const { dir } = await botFolder("webhook", { GATEWAY_URL: `ws://127.0.0.1:${gatewayPort}`, WEBHOOK_URL: hook, WEBHOOK_SECRET: "s".repeat(32), PORT: "8443" });
      const run = await pairbot(["doctor", "--json"], { cwd: dir });
      expect(run.code).toBe(1);
      const failing = (parsed(run) as Report).checks.find((c) => c.id === "telegram.webhook");
      expect(failing?.status).toBe("fix");
      expect(failing?.text).toMatch(new RegExp(`^Telegram's last delivery to ${hook.replace(/[.?/]/g, "\\$&")} failed at \\S+: .+; make sure that URL reaches this bot's PORT 8443 and the bot runs \\(\\d+ updates wait\\)\\.$`));

      const polling = await botFolder("webhook-polling", { GATEWAY_URL: `ws://127.0.0.1:${gatewayPort}` });
      const stray = (parsed(await pairbot(["doctor", "--json"], { cwd: polling.dir })) as Report).checks.find((c) => c.id === "telegram.webhook");
      expect(stray?.status).toBe("warn");
      expect(stray?.text).toBe(`Telegram sends this bot's updates to the webhook ${hook}, but .env sets no WEBHOOK_URL: the bot started here removes it and polls. If another install uses that webhook, the two take turns; set WEBHOOK_URL to it, or stop the other.`);
    } finally {
      await fetch(`${telegram.apiRoot}/bot${telegram.token}/deleteWebhook`, { method: "POST" });
    }
  });
});

describe("the clock check", () => {
  it("allows half a minute either way, and says how far off and what to do beyond", () => {
    expect(clockCheck(1_000_000, 1_029_000).status).toBe("ok");
    expect(clockCheck(1_000_000, 1_000_000 + 95_000)).toEqual({
      id: "clock",
      status: "fix",
      text: "This machine's clock is 95 s ahead of Telegram's: codes would expire at the wrong time; turn on time sync (timedatectl set-ntp true).",
    });
    expect(clockCheck(1_000_000, 1_000_000 - 60_000).text).toContain("60 s behind");
    expect(clockCheck(undefined, 0).status).toBe("skip");
  });
});
