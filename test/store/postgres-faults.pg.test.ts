import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PairingStore, PgBackend, openStore, readWholeStore, type StoreDoc, type StoreEvent } from "../../src/store/index.js";
import { StoreProcess, startTogether, stopLeftoverProcesses } from "../support/store-processes.js";
import { terminateStoreConnections } from "../support/postgres-admin.js";
import { tempPostgresUrl } from "../support/temp-store.js";

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  stopLeftoverProcesses();
  for (const c of cleanup.splice(0)) await c();
});

describe("PostgreSQL connections terminated while writers run", () => {
  it("writers reconnect, no acknowledged change is lost, and a follower's feed catches up", async () => {
    const url = tempPostgresUrl();
    const logs: string[] = [];
    const follower = openStore({ location: url, policy: { maxPendingPerAccount: 1_000_000 }, postgres: { log: (line) => logs.push(line) } });
    cleanup.push(() => follower.close());
    const added = new Set<string>();
    const feed = follower.watch((events: StoreEvent[]) => {
      for (const e of events) if (e.type === "dm.added") added.add(e.request.senderId);
    });
    cleanup.push(() => feed.close());
    await feed.ready;

    const writers = [0, 1, 2, 3].map((i) => new StoreProcess("store-writer.js", [url, `w${i}`, "120", "dm"]));
    await startTogether(writers);
    await Promise.all(writers.map((w) => w.until((p) => p.acknowledged.length >= 5)));
    let terminated = 0;
    for (let round = 0; round < 4; round++) {
      terminated += await terminateStoreConnections(url);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const exits = await Promise.all(writers.map((w) => w.exited));
    exits.forEach((exit, i) => expect(exit, `writer ${i}: ${writers[i]!.stderr}`).toEqual({ code: 0, signal: null }));
    expect(terminated).toBeGreaterThan(0);

    const acknowledged = writers.flatMap((w) => w.acknowledged);
    expect(acknowledged).toHaveLength(480);
    const saved = (await readWholeStore(url)).dm.requests.map((r) => r.senderId);
    expect(saved.sort()).toEqual([...acknowledged].sort());
    await vi.waitFor(() => expect(added.size).toBe(480), { timeout: 15_000, interval: 100 });
    expect(logs.some((l) => /reconnecting with backoff/.test(l))).toBe(true);
    for (const line of logs) expect(line).not.toMatch(/:[^@/]*@/); // never a password
  }, 90_000);
});

describe("compaction", () => {
  it("writes the snapshot, deletes old journal rows, and a follower behind them reloads (listeners get [] and the doc)", async () => {
    const url = tempPostgresUrl();
    const options = { url, compactEvery: 5, keepRows: 1, keepMs: 0, log: () => undefined };
    const writerBackend = new PgBackend(options);
    const followerBackend = new PgBackend(options);
    cleanup.push(() => writerBackend.close(), () => followerBackend.close());
    const writer = new PairingStore({ file: url, backend: writerBackend });
    const follower = new PairingStore({ file: url, backend: followerBackend });
    await follower.allowSender({ channel: "slack", senderId: "first" }, "cli");
    const calls: Array<{ events: StoreEvent[]; doc: StoreDoc }> = [];
    followerBackend.subscribe((events, doc) => calls.push({ events, doc }));
    for (let i = 0; i < 23; i++) await writer.allowSender({ channel: "slack", senderId: `U${i}` }, "cli");
    expect((await follower.allowlist({ channel: "slack" })).length).toBe(24);
    expect(calls).toContainEqual({ events: [], doc: expect.objectContaining({ seq: 24 }) });
    const fresh = await readWholeStore(url);
    expect(Object.keys(fresh.dm.allowlist["slack"]!["default"]!)).toHaveLength(24);
  });

  it("optimistic locking (a race on the primary key) keeps every change of 8 concurrent writers", async () => {
    const url = tempPostgresUrl();
    const stores = Array.from({ length: 8 }, () => {
      const backend = new PgBackend({ url, locking: "optimistic", log: () => undefined });
      cleanup.push(() => backend.close());
      return new PairingStore({ file: url, backend });
    });
    await stores[0]!.prune();
    await Promise.all(stores.map(async (store, w) => {
      for (let i = 0; i < 15; i++) {
        // A writer that keeps losing the race gives up with store_busy and saved nothing: try again, as a user would.
        for (;;) {
          const saved = await store.allowSender({ channel: "slack", senderId: `w${w}-${i}` }, "cli").then(() => true, (e: unknown) => {
            if ((e as { code?: string }).code !== "store_busy") throw e;
            return false;
          });
          if (saved) break;
        }
      }
    }));
    expect(Object.keys((await readWholeStore(url)).dm.allowlist["slack"]!["default"]!)).toHaveLength(120);
  });
});

describe("a stuck server does not hang a process", () => {
  it("a change stuck behind a held lock gives up within the statement timeout and retry window with one sentence; reads answer meanwhile; the change goes through once the lock is free", async () => {
    const url = tempPostgresUrl();
    const logs: string[] = [];
    const store = openStore({ location: url, postgres: { statementTimeoutMs: 300, retryForMs: 1500, poolSize: 2, log: (line) => logs.push(line) } });
    cleanup.push(() => store.close());
    await store.allowSender({ channel: "slack", senderId: "U1" }, "cli");

    // Another session takes the writers' lock and sits on it, as a stuck server or a hung client would.
    const holder = new pg.Client({ connectionString: process.env["PAIRBOT_TEST_DATABASE_URL"] });
    await holder.connect();
    cleanup.push(() => holder.end());
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`pairbot.${new URL(url).searchParams.get("schema")}`]);

    const started = Date.now();
    const stuck = store.allowSender({ channel: "slack", senderId: "U2" }, "cli").catch((e: unknown) => e);
    expect(await store.isAllowed("slack", "U1")).toBe(true);
    const error = await stuck;
    expect(error).toMatchObject({ code: "store_unavailable", message: expect.stringMatching(/did not answer within the statement timeout.*nothing was saved/) });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await store.isAllowed("slack", "U2")).toBe(false);

    await holder.query("ROLLBACK");
    await store.allowSender({ channel: "slack", senderId: "U2" }, "cli");
    expect(Object.keys((await readWholeStore(url)).dm.allowlist["slack"]!["default"]!).sort()).toEqual(["U1", "U2"]);
  });
});
