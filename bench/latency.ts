import { mkdirSync } from "node:fs";
import path from "node:path";
import { Api } from "grammy";
import { PairingStore } from "../src/store/index.js";
import { BenchBotApi, OWNER_ID } from "../test/support/bench-bot.js";
import { startPollingNotifier } from "../test/support/bench-polling-notifier.js";
import { seedStore } from "../test/support/bench-seed.js";
import { LineProcess, isDone, writerScript } from "../test/support/stress-processes.js";
import type { Row } from "./report.js";
import { fmtMs, percentile } from "./stats.js";

const KEY = /\b(P\w+-\d{5})\b/;

/**
 * The reference system's way, for scale beside section 1: a notifier that polls the store every 10 s.
 * Requests are spread over two polling periods, so their waits cover the whole period.
 */
export async function pollingBaseline(dir: string, requests = 200): Promise<Row[]> {
  const api = new BenchBotApi();
  const root = await api.listen();
  const folder = path.join(dir, "polling");
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = path.join(folder, "store.json");
  await seedStore(file, 100);
  const polling = startPollingNotifier(new Api(api.token, { apiRoot: root }), new PairingStore({ file }), OWNER_ID);
  try {
    const samples = await measure(api, file, "P100", requests, 100, 15_000);
    return [{
      section: "8 baseline",
      measure: `10 s polling notifier (the reference system's way), 100 entries (${samples.length} requests)`,
      value: `p50 ${fmtMs(percentile(samples, 50))}, p95 ${fmtMs(percentile(samples, 95))}, p99 ${fmtMs(percentile(samples, 99))}`,
    }];
  } finally {
    await polling.stop();
    await api.close();
  }
}

/** Runs one writer process and pairs each acknowledged request with the first sendMessage naming it. */
async function measure(api: BenchBotApi, file: string, writerId: string, requests: number, gapMs: number, settleMs: number): Promise<number[]> {
  const writer = new LineProcess(writerScript(), [file, writerId, String(requests), "mixed", String(gapMs)]);
  await writer.ready;
  writer.go();
  await writer.until(isDone);
  const keys = new Set(writer.acks.map((a) => a.key));
  const announced = (): Map<string, number> => {
    const seen = new Map<string, number>();
    for (const call of api.callsOf("sendMessage")) {
      const key = KEY.exec(String(call.params["text"] ?? ""))?.[1];
      if (key && keys.has(key) && !seen.has(key)) seen.set(key, call.at);
    }
    return seen;
  };
  await api.until(() => announced().size >= keys.size, settleMs).catch(() => undefined); // missing ones show in the count
  const seen = announced();
  return writer.acks.filter((a) => seen.has(a.key)).map((a) => seen.get(a.key)! - a.at);
}
