import { createServer } from "node:net";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeSetupCode } from "../../src/store/index.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "../cli/run-pairbot.js";
import { botHarness, type BotHarness } from "../support/bot-harness.js";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process.js";
import { LineProcess, repoRoot } from "../support/stress-processes.js";
import { tempDir } from "../support/temp-store.js";

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

/** A free loopback port: the bot must know the gateway's URLs (they go into setup codes) before either starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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
    env: { PATH: process.env.PATH, HOME: home },
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
  const full = { PATH: process.env.PATH, HOME: home.dir, BOT_TOKEN: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", OWNER_IDS: "42", STORE_PATH: path.join(home.dir, "store.json"), ...env };
  return new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, "dist", "src", "bot", "main.js")], { env: full, cwd: home.dir }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}
