import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeSetupCode } from "../../src/store/index.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "../cli/run-pairbot.js";
import { botHarness, type BotHarness } from "../support/bot-harness.js";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process.js";
import { LineProcess, repoRoot } from "../support/stress-processes.js";
import { tempDir } from "../support/temp-store.js";
import { RawClient, bootstrapTokenOf, deviceKey } from "./helpers.js";
import { freePort } from "../support/free-port.js";

/**
 * Issue 13 as a user lives it: the real bot over the fake Telegram, `pairbot gateway` and `pairbot node`
 * as shipped (bin/pairbot.js), all on one store.
 */
let h: BotHarness | undefined;
let gw: GatewayProcess | undefined;
const cleanups: Array<() => void> = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const p of LineProcess.running) p.kill("SIGKILL");
  await gw?.stop();
  await h?.close();
  for (const clean of cleanups.splice(0)) clean();
  gw = undefined;
  h = undefined;
});

/** The bot with GATEWAY_URL from `urls(live, dead)`, and the shipped gateway on the live port. */
async function start(urls: (live: string, dead: string) => string, gatewayArgs: string[] = []) {
  const live = `ws://127.0.0.1:${await freePort()}`;
  const dead = `ws://127.0.0.1:${await freePort()}`; // nothing listens there: a LAN address seen from outside
  h = await botHarness({ notifier: true, realClock: true, env: { GATEWAY_URL: urls(live, dead) } });
  gw = await startGatewayProcess(["--port", new URL(live).port, ...gatewayArgs], {}, { storeFile: h.store.file });
  const home = tempDir("pairbot-node-");
  cleanups.push(home.remove);
  return { h, gw, live, dead, home: home.dir };
}

/** `pairbot node ...` as shipped, its home in a temp folder; resolves with its output once it exits. */
function node(home: string, args: string[]) {
  const proc = new LineProcess(path.join(repoRoot, "bin", "pairbot.js"), ["node", ...args, "--state", path.join(home, "node.json")], {
    env: { PATH: process.env["PATH"], HOME: home },
  });
  return {
    proc,
    waiting: () => proc.until((p) => p.lines.some((l) => l.startsWith("Waiting for approval"))),
    done: async () => ({ ...(await proc.exited), out: proc.lines, err: proc.stderr }),
  };
}

const alertFor = (h: BotHarness, name: string) => h.owner.sees((m) => (m.text ?? "").includes(name) && m.buttons.some((b) => b.text === "Approve"));

describe("several gateway addresses in one setup code", { timeout: SPAWNS_TIMEOUT }, () => {
  it("/pair carries every GATEWAY_URL in order; the node skips the one that does not answer and says which answered", async () => {
    const { h, live, dead, home } = await start((live, dead) => `${dead},${live}`);
    const [instructions, codeMessage] = await h.owner.sendsFor("/pair", 2);
    expect(instructions!.text).toContain(`Gateway addresses, tried in this order: ${dead}, ${live}`);
    const setupCode = codeMessage!.text!;
    expect(decodeSetupCode(setupCode)).toMatchObject({ url: dead, urls: [dead, live], access: "full" });

    const pairing = node(home, ["pair", setupCode, "--name", "Laptop"]);
    await pairing.waiting();
    await h.owner.taps(await alertFor(h, "Laptop"), "Approve");
    const paired = await pairing.done();
    expect(paired.code).toBe(0);
    expect(paired.out[0]).toBe(`No answer from ${dead}; trying the next address.`);
    const deviceId = (await h.store.pairedDevices())[0]!.deviceId;
    expect(paired.out.at(-1)).toBe(`Paired as ${deviceId} (node) through ${live}; token saved in ${path.join(home, "node.json")}`);

    const again = await pairbot(["node", "connect", "--state", path.join(home, "node.json")], { env: { HOME: home } });
    expect(again).toMatchObject({ code: 0, stdout: `No answer from ${dead}; trying the next address.\nAuthenticated as ${deviceId} (node) at ${live}\n` });
  });
});

describe("plain ws:// only where it is safe, and limited there", { timeout: SPAWNS_TIMEOUT }, () => {
  it("a LAN ws:// address limits the code to a node: /pair operator says so, an operator is refused, a node pairs", async () => {
    const { h, live, home } = await start((live) => `${live},ws://192.168.1.20:18789,wss://gateway.example.com`);
    const [instructions, codeMessage] = await h.owner.sendsFor("/pair operator", 2);
    expect(instructions!.text).toContain("Plain ws:// was limited for safety: use wss:// to pair an operator device.");
    const setupCode = codeMessage!.text!;
    expect(decodeSetupCode(setupCode)).toMatchObject({ urls: [live, "ws://192.168.1.20:18789", "wss://gateway.example.com"], access: "limited" });

    const operator = await node(home, ["pair", setupCode, "--role", "operator", "--scopes", "operator.read"]).done();
    expect(operator.code).toBe(1);
    expect(operator.err).toContain("Refused (scope_denied): This setup code is limited to a node with no scopes");

    const laptop = node(home, ["pair", setupCode, "--name", "Laptop"]);
    await laptop.waiting();
    await h.owner.taps(await alertFor(h, "Laptop"), "Approve");
    expect((await laptop.done()).out.at(-1)).toMatch(/^Paired as \S+ \(node\) through /);
    expect(await h.store.pairedDevices()).toMatchObject([{ name: "Laptop", role: "node", scopes: [] }]);

    const [plain] = await h.owner.sendsFor("/pair", 2);
    expect(plain!.text).toContain("This code pairs a node with no scopes: a gateway address uses plain ws://.");
  });

  it("a public ws:// address stops the bot at start, and the CLI's setup-code, with a sentence", async () => {
    const bot = await pairbotBot({ GATEWAY_URL: "ws://192.168.1.20:18789,ws://gateway.example.com:18789" });
    expect(bot.code).toBe(1);
    expect(bot.stderr).toMatch(/GATEWAY_URL: Invalid gateway URL "ws:\/\/gateway\.example\.com:18789": plain ws:\/\/ would carry device tokens unencrypted across the internet; use wss:\/\//);
    const cli = await pairbot(["setup-code", "--url", "ws://203.0.113.5:18789", "--store", path.join(tempDir().dir, "store.json")]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/plain ws:\/\/ would carry device tokens unencrypted across the internet; use wss:\/\//);
  });
});

/** The bot's process as `npm start` runs it, stopped by its config before it reaches Telegram. */
async function pairbotBot(env: Record<string, string>) {
  const { execFile } = await import("node:child_process");
  const home = tempDir();
  cleanups.push(home.remove);
  const full = { PATH: process.env["PATH"], HOME: home.dir, BOT_TOKEN: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", OWNER_IDS: "42", STORE_PATH: path.join(home.dir, "store.json"), ...env };
  return new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, "dist", "src", "bot", "main.js")], { env: full, cwd: home.dir }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

describe("a failed QR never leaves a possibly-seen code alive", { timeout: SPAWNS_TIMEOUT }, () => {
  it("when Telegram does not take the image, its code is withdrawn and the owner is told to try again; other codes stay", async () => {
    const { h, home } = await start((live) => live);
    const [, codeMessage] = await h.owner.sendsFor("/pair", 2);
    h.telegram.fail("sendPhoto", { status: 429, retryAfter: 600 }); // longer than the bot waits: the send fails
    const reply = await h.owner.sends("/pair qr");
    expect(reply.text).toBe("The QR image could not be sent, so its setup code was withdrawn: nobody can use it. Send /pair qr to try again.");
    const codes = await h.store.openSetupCodes();
    expect(codes).toHaveLength(1); // the /pair code before it
    const withdrawn = (await h.store.audit()).filter((e) => e.action === "cleanup");
    expect(withdrawn).toMatchObject([{ actor: `telegram:${h.owner.user.id}` }]);
    expect(withdrawn[0]!.requestId).not.toBe(codes[0]!.id);

    const retry = await h.owner.sends("/pair qr");
    expect(retry.photo).toBeDefined();
    expect(retry.caption).toMatch(/^Scan this with the new device's camera/);

    // The text code from before still pairs through the shipped gateway and node.
    const laptop = node(home, ["pair", codeMessage!.text!, "--name", "Laptop"]);
    await laptop.waiting();
    await h.owner.taps(await alertFor(h, "Laptop"), "Approve");
    expect((await laptop.done()).code).toBe(0);
  });
});

describe("/pair notify once and status", { timeout: SPAWNS_TIMEOUT }, () => {
  it("with notifications off, once announces the next device only; status says where things stand", async () => {
    const { h, home } = await start((live) => live);
    await h.owner.sends("/pair notify off");
    expect((await h.owner.sends("/pair notify status")).text).toBe("Push notifications are off. /pair notify once announces the next request only.");
    expect((await h.owner.sends("/pair notify once")).text).toBe("You will get a notification for the next request only; after it they stay off.");
    expect((await h.owner.sends("/pair notify status")).text).toBe("Push notifications are off, but the next request will be announced (once).");
    const [, first] = await h.owner.sendsFor("/pair", 2);
    const [, second] = await h.owner.sendsFor("/pair", 2);

    const laptop = node(join(home, "a"), ["pair", first!.text!, "--name", "Laptop"]);
    await laptop.waiting();
    await h.owner.taps(await alertFor(h, "Laptop"), "Approve");
    expect((await laptop.done()).code).toBe(0);
    await vi.waitFor(async () => expect(await h.store.notifyMode(h.owner.user.id)).toBe("off"));
    expect((await h.owner.sends("/pair notify status")).text).toBe("Push notifications are off. /pair notify once announces the next request only.");

    const desktop = node(join(home, "b"), ["pair", second!.text!, "--name", "Desktop"]);
    await desktop.waiting();
    // Armed again after the desktop asked: the one-shot is for a request filed from then on, here a WhatsApp
    // stranger. Once its alert is on the phone, the desktop (filed earlier) has been passed over, not announced.
    await h.owner.sends("/pair notify once");
    const stranger = await fetch(`${gw!.httpUrl}/channels/whatsapp/messages`, { method: "POST", body: JSON.stringify({ senderId: "+491701234567", name: "Ann", text: "hi" }) });
    const { code } = (await stranger.json()) as { code: string };
    await h.owner.sees((m) => (m.text ?? "").includes(code) && m.buttons.length > 0);
    expect(h.owner.messages().filter((m) => (m.text ?? "").includes("Desktop"))).toHaveLength(0);
    await vi.waitFor(async () => expect(await h.store.notifyMode(h.owner.user.id)).toBe("off")); // the alert's record uses it up
    expect((await h.owner.sends("/pair notify status")).text).toBe("Push notifications are off. /pair notify once announces the next request only.");
    desktop.proc.kill("SIGTERM");
  });

  it("/pair qr with notifications off arms the one-shot; with them on it says nothing more", async () => {
    const { h } = await start((live) => live);
    const photo = await h.owner.sends("/pair qr");
    expect(photo.photo).toBeDefined();
    expect((await h.owner.sends("/pair notify status")).text).toBe("Push notifications are on: every request is announced."); // nothing armed
    await h.owner.sends("/pair notify off");
    const [, note] = await h.owner.sendsFor("/pair qr", 2);
    expect(note!.text).toBe("Your notifications are off: you will get one for the next request only.");
    expect((await h.owner.sends("/pair notify once")).text).toBe("You will get a notification for the next request only; after it they stay off.");
    expect((await h.owner.sends("/pair notify status")).text).toBe("Push notifications are off, but the next request will be announced (once).");
  });
});

const join = (...parts: string[]) => path.join(...parts);

describe("auto-approve for trusted networks", { timeout: SPAWNS_TIMEOUT }, () => {
  it("a node from a trusted range pairs at once; the owner is told, with [Revoke], and revoking ends it", async () => {
    const { h, gw, live, home } = await start((live) => live);
    const set = await pairbot(["settings", "set", "device.autoApproveCidrs", "127.0.0.0/8", "--store", h.store.file]);
    expect(set.code).toBe(0);
    const [, codeMessage] = await h.owner.sendsFor("/pair", 2);

    const laptop = await node(home, ["pair", codeMessage!.text!, "--name", "Laptop"]).done();
    expect(laptop.code).toBe(0);
    expect(laptop.out.some((l) => l.startsWith("Waiting for approval"))).toBe(false); // nobody had to approve
    const device = (await h.store.pairedDevices())[0]!;
    expect(laptop.out.at(-1)).toBe(`Paired as ${device.deviceId} (node) through ${live}; token saved in ${path.join(home, "node.json")}`);
    expect((await h.store.audit()).find((e) => e.action === "approve")).toMatchObject({ actor: "auto:127.0.0.0/8" });
    expect(gw.output()).toContain("device approved automatically (device.autoApproveCidrs 127.0.0.0/8)");

    const alert = await h.owner.sees((m) => (m.text ?? "").startsWith("Device approved automatically"));
    expect(alert.text).toContain("Address: 127.0.0.1, inside the trusted range 127.0.0.0/8 (setting device.autoApproveCidrs)");
    expect(alert.text).toContain(device.deviceId);
    const question = (await Promise.all([h.owner.sees((m) => (m.text ?? "").startsWith("Revoke the device Laptop")), h.owner.taps(alert, "Revoke")]))[0];
    await h.owner.taps(question, "Yes, revoke");
    await vi.waitFor(async () => expect(await h.store.pairedDevices()).toEqual([]));
    const after = await pairbot(["node", "connect", "--state", path.join(home, "node.json")], { env: { HOME: home } });
    expect(after).toMatchObject({ code: 1, stderr: expect.stringContaining("token_invalid") });
  });

  it("never for an operator, nor through a proxy header the gateway does not trust; a trusted proxy's header counts", async () => {
    const { h, gw } = await start((live) => `${live},wss://gateway.example.com`, ["--trust-proxy", "127.0.0.2"]);
    expect((await pairbot(["settings", "set", "device.autoApproveCidrs", "127.0.0.0/8", "--store", h.store.file])).code).toBe(0);
    const hello = async (role: "node" | "operator", scopes: string[], headers: Record<string, string> = {}, localAddress?: string) => {
      const setupCode = (await h.store.createSetupCode({ url: [gw.url, "wss://gateway.example.com"], role }, "telegram:1")).setupCode;
      const client = new RawClient(gw.url, headers, localAddress);
      await client.hello(deviceKey(), { bootstrapToken: bootstrapTokenOf(setupCode), role, scopes });
      const answer = (await Promise.race([client.frame("pending"), client.frame("paired")]))["type"];
      client.close();
      return answer;
    };
    expect(await hello("operator", ["operator.read"])).toBe("pending");
    expect(await hello("node", [], { "X-Forwarded-For": "127.0.0.5" })).toBe("pending"); // 127.0.0.1 is no trusted proxy here
    expect(await hello("node", [], { "X-Forwarded-For": "203.0.113.5" }, "127.0.0.2")).toBe("pending"); // the client is outside the range
    expect(await hello("node", [], { "X-Forwarded-For": "127.0.0.5" }, "127.0.0.2")).toBe("paired");
    expect(await hello("node", [])).toBe("paired");
    expect(((await h.store.pending()).devices).map((r) => [r.role, r.remoteAddress])).toEqual([["operator", "127.0.0.1"], ["node", "127.0.0.1"], ["node", "203.0.113.5"]]);
    expect((await h.store.pairedDevices()).map((d) => d.approvedBy)).toEqual(["auto:127.0.0.0/8", "auto:127.0.0.0/8"]);
  });
});

describe("/pair status", { timeout: SPAWNS_TIMEOUT }, () => {
  it("shows the store, the change feed, what is pending, the last alert and to whom, and which gateway address answers", async () => {
    const { h, gw, live, dead, home } = await start((live, dead) => `${live},${dead}`);
    const quiet = await h.owner.sends("/pair status");
    expect(quiet.text).toContain(`Store: ${h.store.file} (file)`);
    expect(quiet.text).toContain("Last alert: none sent");

    const [, codeMessage] = await h.owner.sendsFor("/pair", 2);
    const laptop = node(home, ["pair", codeMessage!.text!, "--name", "Laptop"]);
    await laptop.waiting();
    await alertFor(h, "Laptop");
    await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann" });
    await vi.waitFor(async () => expect(await h.store.lastAlert()).toBeDefined());

    const status = await h.owner.sends("/pair status");
    expect(status.text!.split("\n")).toEqual([
      "pairbot status",
      `Store: ${h.store.file} (file)`,
      expect.stringMatching(/^Change feed: (watching|polling), last change (less than a minute ago|in less than a minute)$/),
      "Pending: 1 device request(s), 1 DM request(s)",
      "Last alert: less than a minute ago to you",
      "Gateway in setup codes:",
      `✅ ${live} answers`,
      `❌ ${dead} does not answer (ECONNREFUSED)`,
    ]);
    expect(status.text).toMatch(/Change feed: watching/); // this machine's folder watch works

    await gw.stop();
    const down = await h.owner.sends("/pair status");
    expect(down.text).toContain(`❌ ${live} does not answer (ECONNREFUSED)`);
    laptop.proc.kill("SIGTERM");
  });
});
