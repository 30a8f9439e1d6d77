import type { Row } from "./report.js";

export async function latency(_dir: string): Promise<Row[]> {
  return [{ section: "1 notification latency", measure: "p99", value: "n/a", target: "< 50 ms", met: null, note: "the notifier is not built yet" }];
}
