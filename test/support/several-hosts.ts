import { writeFileSync } from "node:fs";
import path from "node:path";
import { LineProcess, repoRoot, requireBuilt } from "./stress-processes.js";
import { makeHosts, type NetHost } from "./netns.js";
import { startFakeTelegram, type BotMessage, type FakeTelegram, type TelegramUser } from "./fake-telegram/index.js";
import { TcpProxy } from "./tcp-proxy.js";
import { tempDir, tempPostgresUrl } from "./temp-store.js";

export const OWNER: TelegramUser = { id: 7_300_001, first_name: "Olga", language_code: "en" };
export const ADAPTER_TOKEN = "whatsapp-adapter-token-4b1d9e";
const GATEWAY_PORT = 18789;

/** A pairbot process on one host, with what it printed (the gateway's and the bot's logs included). */
export interface HostProcess {
  proc: LineProcess;
  output: () => string;
}

/**
 * Pairbot on several hosts: the bot, gateway A and gateway B each in a network namespace of its own,
 * each reaching PostgreSQL (and the bot the fake Bot API) through a forwarder of its own bound to its
 * veth peer, so every process has its own address and its own path to the server. The CLI runs in a
 * fourth namespace. `pg[host].cut()` pulls one host's cable to the database.
 */
export async function startSeveralHosts() {
  const { dir, remove: removeDir } = tempDir("pairbot-hosts-");
  const { hosts, remove: removeHosts } = makeHosts(["bot", "gwa", "gwb", "cli"] as const);
  const running: LineProcess[] = [];
  const proxies: TcpProxy[] = [];
  let telegram: FakeTelegram | undefined;
  const stop = async () => {
    for (const p of running) p.kill("SIGKILL");
    await Promise.all(running.map((p) => p.exited));
    await Promise.all(proxies.map((p) => p.close()));
    await telegram?.close();
    removeHosts();
    removeDir();
  };
  try {
    const store = tempPostgresUrl();
    const server = new URL(store);
    const pg = {} as Record<keyof typeof hosts, TcpProxy>;
    const storeUrl = {} as Record<keyof typeof hosts, string>;
    for (const [name, host] of Object.entries(hosts) as Array<[keyof typeof hosts, NetHost]>) {
      const proxy = await TcpProxy.start(host.peer, { host: server.hostname, port: Number(server.port || 5432) });
      proxies.push(proxy);
      pg[name] = proxy;
      const url = new URL(store);
      url.hostname = host.peer;
      url.port = String(proxy.address.port);
      storeUrl[name] = url.toString();
    }
    telegram = await startFakeTelegram({ waitTimeoutMs: 15_000 });
    const apiRoot = new URL(telegram.apiRoot);
    const bapi = await TcpProxy.start(hosts.bot.peer, { host: apiRoot.hostname, port: Number(apiRoot.port) });
    proxies.push(bapi);
    const gatewayUrl = (h: NetHost) => `ws://${h.address}:${GATEWAY_PORT}`;
    const tokenFile = path.join(dir, "channel-tokens");
    writeFileSync(tokenFile, `whatsapp:${ADAPTER_TOKEN}\n`, { mode: 0o600 });
    const baseEnv = { PATH: process.env["PATH"] ?? "", HOME: dir, LOG_LEVEL: "info" };

    const start = (host: NetHost, script: string, args: string[], env: Record<string, string>): HostProcess => {
      const proc = new LineProcess(script, args, { cwd: dir, env: { ...baseEnv, ...env }, wrap: host.wrap });
      running.push(proc);
      return { proc, output: () => `${proc.lines.join("\n")}\n${proc.stderr}` };
    };
    const startGateway = async (host: NetHost, name: "gwa" | "gwb") => {
      const gw = start(host, path.join(repoRoot, "bin", "pairbot.js"), ["gateway", "--host", host.address, "--port", String(GATEWAY_PORT), "--channel-token-file", tokenFile], { STORE_URL: storeUrl[name] });
      await until(gw, (out) => out.includes("Channel adapters"), 20_000, "gateway did not start");
      return gw;
    };

    telegram.userSends(OWNER, "/start"); // an owner must have opened the chat before the bot may write
    const bot = start(hosts.bot, requireBuilt("src/bot/main.js"), [], {
      BOT_TOKEN: telegram.token,
      OWNER_IDS: String(OWNER.id),
      GATEWAY_URL: gatewayUrl(hosts.gwa),
      STORE_URL: storeUrl.bot,
      TELEGRAM_API_ROOT: `http://${hosts.bot.peer}:${bapi.address.port}`,
    });
    const [gwa, gwb] = await Promise.all([startGateway(hosts.gwa, "gwa"), startGateway(hosts.gwb, "gwb")]);
    await telegram.waitForMessage(OWNER.id, (m) => (m.text ?? "").length > 0, 20_000);
    await telegram.waitForPoll(20_000);

    /** `pairbot <args>` run in the CLI's namespace over its own path to the database. */
    const cli = async (args: string[]) => {
      const run = start(hosts.cli, path.join(repoRoot, "bin", "pairbot.js"), args, { STORE_URL: storeUrl.cli });
      const { code } = await run.proc.exited;
      return { code, stdout: run.proc.lines.join("\n"), stderr: run.proc.stderr };
    };
    /** A channel adapter posting a sender's message to a gateway (over the veth pair). */
    const say = async (host: NetHost, senderId: string, text: string) => {
      const response = await fetch(`http://${host.address}:${GATEWAY_PORT}/channels/whatsapp/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADAPTER_TOKEN}` },
        body: JSON.stringify({ senderId, name: "Ann", text }),
      });
      return (await response.json()) as { delivered: boolean; reason?: string; code?: string };
    };
    const owner = {
      sends: (text: string) => telegram!.userSends(OWNER, text),
      sees: (predicate: (m: BotMessage) => boolean, timeoutMs = 20_000) => telegram!.waitForMessage(OWNER.id, predicate, timeoutMs),
      taps: async (message: BotMessage, label: string) => (await telegram!.waitForCallbackAnswer(telegram!.tapButton(OWNER, message, label), 20_000)).answer?.text,
      messages: () => telegram!.chat(OWNER.id),
    };
    return { hosts, store, storeUrl, pg, telegram, bot, gwa, gwb, gatewayUrl, cli, say, owner, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export type SeveralHosts = Awaited<ReturnType<typeof startSeveralHosts>>;

/** Waits until a process's output satisfies `test`; fails with that output if it ends or takes too long. */
export async function until(p: HostProcess, test: (output: string) => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test(p.output())) {
    if (!p.proc.running) throw new Error(`${what}: the process ended (${p.proc.child.exitCode}): ${p.output().slice(-1500)}`);
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms: ${p.output().slice(-1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
