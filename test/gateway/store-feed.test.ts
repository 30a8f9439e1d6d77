import { describe, expect, it } from "vitest";
import { feedErrorReporter } from "../../src/gateway/store-feed.js";

describe("when the store feed fails", () => {
  it("the gateway says so with the cause and a hint, once and then every 10 s while it lasts", () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = { info: () => undefined, warn: () => undefined, error: (obj: object, msg: string) => lines.push({ ...obj, msg }) };
    let now = 0;
    const report = feedErrorReporter(log, () => now);
    const emfile = Object.assign(new Error("EMFILE: too many open files, open 'store.json'"), { code: "EMFILE" });
    for (; now < 25_000; now += 500) report(emfile); // 50 failed polls
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ code: "EMFILE", failures: 1, msg: expect.stringMatching(/store feed failed; approvals and revocations reach devices late .*lower --max-connections or raise `ulimit -n`/) });
    expect(lines[1]).toMatchObject({ failures: 20 });
  });
});
