import { mkdirSync } from "node:fs";
import path from "node:path";
import { BenchBotApi, botMain, spawnBot, stopProcess } from "../test/support/bench-bot.js";
import { seedStore } from "../test/support/bench-seed.js";
import { LineProcess, isDone, writerScript } from "../test/support/stress-processes.js";
import type { Row } from "./report.js";
import { fmtMs, percentile } from "./stats.js";

const REQUESTS = 10;
/** 10 requests 100 ms apart: written within one second, as a small flood or a busy morning would. */
const GAP_MS = 100;
const TARGET_MS = 1500;

/**
 * A burst against the bot as users run it (npm start): from the first of 10 requests written within one
 * second to the moment the last of them reaches a local Bot API server in a sendMessage (on the owner's
 * phone), and how many messages carried them. The owner's chat is idle before each burst.
 */
export async function burst(dir: string, rounds = 5): Promise<Row[]> {
  const main = botMain();
  if (!main) throw new Error("the bot is not built: npm run build");
  const lastOnPhone: number[] = [];
  const worstRequest: number[] = [];
  const messages: number[] = [];
  const spans: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const api = new BenchBotApi();
    const root = await api.listen();
    const folder = path.join(dir, `burst-${round}`);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, "store.json");
    await seedStore(file, 100);
    const bot = spawnBot(main, root, api.token, file);
    try {
      // The seeded store's pending requests are announced at start; then the chat is left idle past its second.
      await api.until((calls) => calls.some((c) => c.method === "sendMessage"), 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const writerId = `B${round}`;
      // "step": the writer starts each request when told, so the burst keeps its pace on a busy machine too.
      const writer = new LineProcess(writerScript(), [file, writerId, String(REQUESTS), "dm", "step"]);
      await writer.ready;
      const start = performance.now();
      for (let i = 0; i < REQUESTS; i++) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * GAP_MS - performance.now())));
        writer.go();
      }
      await writer.until(isDone);
      spans.push(Math.max(...writer.acks.map((a) => a.at)) - Math.min(...writer.acks.map((a) => a.at)));
      const keys = writer.acks.map((a) => a.key);
      const key = new RegExp(`\\b${writerId}-\\d{5}\\b`, "g");
      const announced = () => {
        const seen = new Map<string, number>();
        let carriers = 0;
        for (const call of api.callsOf("sendMessage")) {
          const found = [...String(call.params["text"] ?? "").matchAll(key)].map((m) => m[0]);
          if (found.length > 0) carriers++;
          for (const k of found) if (!seen.has(k)) seen.set(k, call.at);
        }
        return { seen, carriers };
      };
      await api.until(() => announced().seen.size >= keys.length, 30_000);
      const { seen, carriers } = announced();
      const firstWrite = Math.min(...writer.acks.map((a) => a.at));
      lastOnPhone.push(Math.max(...seen.values()) - firstWrite);
      worstRequest.push(Math.max(...writer.acks.map((a) => seen.get(a.key)! - a.at)));
      messages.push(carriers);
    } finally {
      await stopProcess(bot);
      await api.close();
    }
  }
  const worst = Math.max(...lastOnPhone);
  return [
    {
      section: "10 burst",
      measure: `${REQUESTS} DM requests written ${GAP_MS} ms apart: the last on the owner's phone, after the first was written (${rounds} rounds)`,
      value: `p50 ${fmtMs(percentile(lastOnPhone, 50))}, max ${fmtMs(worst)}`,
      target: `≤ ${fmtMs(TARGET_MS)}`,
      met: worst <= TARGET_MS,
    },
    {
      section: "10 burst",
      measure: "the longest any one of them waited (its write to the phone)",
      value: `p50 ${fmtMs(percentile(worstRequest, 50))}, max ${fmtMs(Math.max(...worstRequest))}`,
    },
    {
      section: "10 burst",
      measure: "messages that carried them (the first at once, the rest as one digest)",
      value: messages.join(", "),
      note: `the 10 writes spanned ${spans.map((s) => fmtMs(s)).join(", ")} (first to last acknowledgement)`,
    },
  ];
}
