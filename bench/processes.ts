import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { PairingStore } from "../src/store/index.js";
import { seedStore } from "../test/support/bench-seed.js";
import { BenchBotApi, OWNER_ID, botMain, rssBytes, spawnBot, stopProcess, textUpdate } from "../test/support/bench-bot.js";
import { builtFile, repoRoot } from "../test/support/stress-processes.js";
import type { Row } from "./report.js";
import { fmtMb, fmtMs, median } from "./stats.js";

const run = promisify(execFile);
const SECTION = "4 processes";

/** `pairbot pairing list` as a user types it: a fresh Node process each time. */
export async function cliWallTime(dir: string, spawns = 10): Promise<Row[]> {
  if (!builtFile("src/cli/main.js")) return [{ section: SECTION, measure: "pairbot pairing list", value: "n/a", target: "< 0.3 s", met: null, note: "the CLI is not built (dist/src/cli/main.js missing)" }];
  const file = path.join(dir, "cli.json");
  await seedStore(file, 100);
  const gateway = new PairingStore({ file });
  for (const sender of ["+491700000001", "+491700000002"]) await gateway.requestDmPairing({ channel: "whatsapp", senderId: sender, name: "Ann" });
  // Node's own start-up, for scale: on a busy machine both figures grow together.
  const bare: number[] = [];
  for (let i = 0; i < spawns; i++) {
    const start = performance.now();
    await run(process.execPath, ["-e", "0"]);
    bare.push(performance.now() - start);
  }
  const times: number[] = [];
  for (let i = 0; i < spawns; i++) {
    const start = performance.now();
    await run(process.execPath, [path.join(repoRoot, "bin", "pairbot.js"), "pairing", "list"], { env: { ...process.env, STORE_PATH: file } });
    times.push(performance.now() - start);
  }
  const wall = median(times) / 1000;
  return [
    { section: SECTION, measure: `pairbot pairing list (median of ${spawns})`, value: `${wall.toFixed(3)} s`, target: "< 0.3 s", met: wall < 0.3 },
    { section: SECTION, measure: "node -e 0, for scale", value: `${(median(bare) / 1000).toFixed(3)} s` },
  ];
}

/** Bot cold start to its first getUpdates, and its memory idle and after 10,000 updates. */
export async function botProcess(dir: string, updates = 10_000): Promise<Row[]> {
  const main = botMain();
  if (!main) {
    const note = "the bot is not built (dist/src/bot/main.js missing)";
    return [
      { section: SECTION, measure: "bot cold start to first getUpdates", value: "n/a", target: "< 1 s", met: null, note },
      { section: SECTION, measure: "bot RSS idle / after 10,000 updates", value: "n/a", target: "< 100 MB", met: null, note },
    ];
  }
  const file = path.join(dir, "bot.json");
  await seedStore(file, 100);
  const api = new BenchBotApi();
  const root = await api.listen();
  const start = performance.timeOrigin + performance.now();
  const bot = spawnBot(main, root, api.token, file);
  try {
    await api.until((calls) => calls.some((c) => c.method === "getUpdates"), 20_000);
    const coldStart = api.callsOf("getUpdates")[0]!.at - start;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = rssBytes(bot.pid!);

    // Strangers write to the bot, and the owner asks for the pending list now and then.
    let last = 0;
    for (let i = 0; i < updates; i++) {
      last = i % 50 === 0 ? api.push(textUpdate(OWNER_ID, "/pair pending", i + 1)) : api.push(textUpdate(900_000_000 + i, i % 2 ? "hello" : "/start", 1));
    }
    await api.until((calls) => calls.some((c) => c.method === "getUpdates" && Number(c.params.offset ?? 0) > last), 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy = rssBytes(bot.pid!);
    const worst = Math.max(idle, busy);
    return [
      { section: SECTION, measure: "bot cold start to first getUpdates", value: fmtMs(coldStart), target: "< 1 s", met: coldStart < 1000 },
      {
        section: SECTION,
        measure: "bot RSS idle",
        value: fmtMb(idle),
        target: "< 100 MB",
        met: idle < 100 * 1024 ** 2,
        ...(idle >= 100 * 1024 ** 2
          ? { note: "most of it is loaded code: src/bot/texts.ts imports the date-fns and date-fns/locale barrels (every function, every locale: about +17 MB RSS here). Importing date-fns/format, date-fns/formatDistance and date-fns/locale/{en-US,de,ru} instead saves that; node --max-semi-space-size=1 saves about 10 MB more." }
          : {}),
      },
      {
        section: SECTION,
        measure: `bot RSS after ${updates.toLocaleString("en")} updates`,
        value: fmtMb(busy),
        target: "< 100 MB",
        met: worst < 100 * 1024 ** 2,
        ...(busy >= 100 * 1024 ** 2
          ? { note: "V8 keeps heap it grew while busy: the bot runs with --max-semi-space-size=1 --optimize-for-size (npm start); with the old generation capped at 40 MB the same burst runs fine (measured), so this is lazy collection, not a leak." }
          : {}),
      },
    ];
  } catch (e) {
    throw new Error(`${(e as Error).message}\nbot output:\n${bot.log().slice(-2000)}`);
  } finally {
    await stopProcess(bot);
    await api.close();
  }
}
