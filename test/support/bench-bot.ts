import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BenchBotApi } from "./bench-bot-api.js";
import { builtFile, repoRoot } from "./stress-processes.js";

export const OWNER_ID = 7_000_001;

/** The compiled bot entry, or undefined while it is not built. */
export const botMain = (): string | undefined => builtFile("src/bot/main.js");

/** The node flags of `npm start` (package.json), so the bot is measured as users run it. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith("--"));
}

/** The bot as users run it (`npm start`), pointed at a local Bot API server and a store file. */
export function spawnBot(main: string, apiRoot: string, token: string, storePath: string, extraEnv: NodeJS.ProcessEnv = {}): ChildProcess & { log: () => string } {
  const child = spawn(process.execPath, [...startFlags(), main], {
    cwd: repoRoot,
    env: { ...process.env, BOT_TOKEN: token, OWNER_IDS: String(OWNER_ID), STORE_PATH: storePath, GATEWAY_URL: "ws://127.0.0.1:18789", TELEGRAM_API_ROOT: apiRoot, LOG_LEVEL: "warn", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  child.stderr!.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  return Object.assign(child, { log: () => log });
}

/** Resident memory of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** A private-chat text message from a user, as Telegram delivers it in an update. */
export function textUpdate(fromId: number, text: string, messageId = 1): Record<string, unknown> {
  const from = { id: fromId, is_bot: false, first_name: `User${fromId}` };
  return { message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: fromId, type: "private", first_name: from.first_name }, from, text } };
}

export { BenchBotApi };
