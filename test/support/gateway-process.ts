import path from "node:path";
import { PairingStore } from "../../src/store/index.js";
import { LineProcess, repoRoot } from "./stress-processes.js";
import { tempDir } from "./temp-store.js";

/**
 * `pairbot gateway` as users run it: `node bin/pairbot.js gateway --port 0 ...` over a store in a
 * fresh temp folder (or `storeFile`, a store the test shares with a bot). `owner` is a library store
 * on the same file, standing in for the bot.
 */
export async function startGatewayProcess(args: string[] = [], env: NodeJS.ProcessEnv = {}, options: { openFiles?: number; storeFile?: string } = {}) {
  const { dir, remove } = tempDir("pairbot-gwp-");
  const file = options.storeFile ?? path.join(dir, "store.json");
  const owner = new PairingStore({ file });
  const proc = new LineProcess(path.join(repoRoot, "bin", "pairbot.js"), ["gateway", "--port", "0", ...args], {
    cwd: dir,
    env: { PATH: process.env["PATH"], HOME: dir, STORE_PATH: file, LOG_LEVEL: "info", ...env },
    // The gateway as on a machine with few descriptors: the shell lowers `ulimit -n`, then runs Node.
    ...(options.openFiles ? { wrap: ["/bin/sh", "-c", `ulimit -n ${options.openFiles} && exec "$@"`, "sh"] } : {}),
  });
  await Promise.race([
    // The last line the gateway prints at start says who may post channel messages.
    proc.until((p) => p.lines.some((l) => l.startsWith("Channel adapters"))),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`gateway did not start: ${proc.stderr}`)), 15_000)),
  ]);
  const url = proc.lines.map((l) => /^Gateway listening on (\S+)/.exec(l)?.[1]).find(Boolean)!;
  return {
    dir,
    file,
    owner,
    proc,
    url,
    httpUrl: url.replace(/^ws/, "http"),
    setupCode: async () => (await owner.createSetupCode({ url }, "telegram:1")).setupCode,
    /** What the gateway logged (pino JSON on stderr) and printed on stdout. */
    output: () => `${proc.lines.join("\n")}\n${proc.stderr}`,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      remove();
    },
  };
}

export type GatewayProcess = Awaited<ReturnType<typeof startGatewayProcess>>;
