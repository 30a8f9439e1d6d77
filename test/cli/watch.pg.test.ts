import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { LineProcess, repoRoot } from "../support/stress-processes.js";
import { tempPostgresUrl } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt } from "./run-pairbot.js";

/** `pairbot watch --json` on a PostgreSQL store: events committed by another process arrive as lines. */

beforeAll(assertBuilt);
let cleanup: () => Promise<void> = async () => undefined;
afterEach(() => cleanup());

describe("pairbot watch on PostgreSQL (STORE_URL)", () => {
  it("replays after --since, then follows what another process commits, and stops at SIGTERM", async () => {
    const url = tempPostgresUrl();
    const store = openStore({ location: url, postgres: { log: () => undefined } });
    await store.requestDmPairing({ channel: "whatsapp", senderId: "+4917001", actor: "adapter:loopback" });
    const proc = new LineProcess(path.join(repoRoot, "bin", "pairbot.js"), ["watch", "--json", "--since", "0"], { env: { PATH: process.env["PATH"], HOME: process.env["HOME"], STORE_URL: url } });
    cleanup = async () => {
      if (proc.running) proc.kill("SIGKILL");
      await proc.exited;
      await store.close();
    };
    await proc.until((p) => p.lines.length >= 1);
    await store.approveDm({ channel: "whatsapp", codeOrSender: "+4917001" }, "cli:test");
    await proc.until((p) => p.lines.length >= 2);
    const events = proc.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e["type"])).toEqual(["dm.requested", "dm.approved"]);
    expect(events[1]).toMatchObject({ senderId: "+4917001", notice: expect.stringMatching(/^You're in/) });
    proc.kill("SIGTERM");
    expect((await proc.exited).code).toBe(0);
  }, SPAWNS_TIMEOUT);
});
