import { writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStore, readWholeStore } from "../../src/store/index.js";
import { tempDir, tempPostgresUrl } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "./run-pairbot.js";

beforeAll(assertBuilt);
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

/** A URL with a password in it: trust authentication ignores it, and no output may ever show it. */
const PASSWORD = "pw-never-shown-7f3a";
const withPassword = (url: string) => url.replace("postgres@", `postgres:${PASSWORD}@`);
const noPassword = (run: { stdout: string; stderr: string }) => expect(run.stdout + run.stderr).not.toContain(PASSWORD);

describe("the CLI on a PostgreSQL store (STORE_URL)", () => {
  it("two CLIs approving the same code at once: exactly one wins", async () => {
    const url = withPassword(tempPostgresUrl());
    const store = openStore({ location: url, postgres: { log: () => undefined } });
    cleanup = () => void store.close();
    const { code } = await store.requestDmPairing({ channel: "whatsapp", senderId: "+4917001" });
    const runs = await Promise.all([0, 1].map(() => pairbot(["pairing", "approve", "whatsapp", code!], { env: { STORE_URL: url } })));
    runs.forEach(noPassword);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(runs.find((r) => r.code === 1)!.stderr).toMatch(/no pending|not found|already/i);
    const list = await pairbot(["allowlist", "list", "--json"], { env: { STORE_URL: url } });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ channel: "whatsapp", senderId: "+4917001" })]);
    expect((await store.audit()).filter((e) => e.action === "approve")).toHaveLength(1);
  }, SPAWNS_TIMEOUT);

  it("store copy moves a file store to PostgreSQL and back, checking counts; a non-empty target needs --force", async () => {
    const dir = tempDir();
    cleanup = dir.remove;
    const file = path.join(dir.dir, "store.json");
    const back = path.join(dir.dir, "back.json");
    const url = withPassword(tempPostgresUrl());
    const source = openStore({ location: file });
    await source.allowSender({ channel: "slack", senderId: "U1" }, "cli");
    await source.requestDmPairing({ channel: "signal", senderId: "+491" });
    await source.createSetupCode({ url: "wss://gw.example.com" }, "cli");

    const there = await pairbot(["store", "copy", file, url]);
    noPassword(there);
    expect(there.code, there.stderr).toBe(0);
    expect(there.stdout).toMatch(/allowed senders\s+1/);
    expect(there.stdout).toMatch(/setup codes\s+1/);
    const again = await pairbot(["store", "copy", file, url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("--force");
    noPassword(again);
    expect((await pairbot(["store", "copy", file, url, "--force"])).code).toBe(0);

    const home = await pairbot(["store", "copy", url, back]);
    expect(home.code, home.stderr).toBe(0);
    const [a, b] = await Promise.all([readWholeStore(file), readWholeStore(back)]);
    expect({ ...b, seq: 0 }).toEqual({ ...a, seq: 0 });
  }, SPAWNS_TIMEOUT);
});

describe("a PostgreSQL store that cannot be used stops the CLI with one sentence and no password", () => {
  const base = () => new URL(process.env["PAIRBOT_TEST_DATABASE_URL"]!);
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    ["an unreachable server", async () => { const u = base(); u.port = "1"; return u.toString(); }, /Cannot reach PostgreSQL at 127\.0\.0\.1:1 .*check that the server runs/],
    ["a missing database", async () => { const u = base(); u.pathname = "/pairbot_no_such_db"; return u.toString(); }, /database "pairbot_no_such_db" does not exist.*createdb/],
    ["a refused login", async () => { const u = base(); u.username = "pairbot_no_such_user"; return u.toString(); }, /refused the login of user "pairbot_no_such_user"/],
    ["a user without rights", async () => {
      const admin = new pg.Client({ connectionString: process.env["PAIRBOT_TEST_DATABASE_URL"] });
      await admin.connect();
      await admin.query("DO $$ BEGIN CREATE ROLE pairbot_test_norights LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
      await admin.end();
      const u = new URL(tempPostgresUrl());
      u.username = "pairbot_test_norights";
      return u.toString();
    }, /lacks the rights.*grant it CREATE/],
    ["a malformed URL", async () => "postgres://", /must look like postgres:\/\/USER/],
  ];
  it.each(cases)("%s", async (_name, make, message) => {
    const url = withPassword(await make());
    const run = await pairbot(["pairing", "list"], { env: { STORE_URL: url } });
    noPassword(run);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    // One sentence, besides the line that names which store the CLI used (it never shows the password either).
    expect(run.stderr.trim().split("\n").filter((line) => !line.startsWith("Store: "))).toHaveLength(1);
  }, SPAWNS_TIMEOUT);
});

describe("a PostgreSQL error names where the URL came from: --store, STORE_URL or .env", () => {
  const missingDb = () => {
    const u = new URL(process.env["PAIRBOT_TEST_DATABASE_URL"]!);
    u.pathname = "/pairbot_no_such_db";
    return withPassword(u.toString());
  };
  it.each([
    ["--store", (url: string) => pairbot(["pairing", "list", "--store", url]), "the URL given with --store"],
    ["STORE_URL", (url: string) => pairbot(["pairing", "list"], { env: { STORE_URL: url } }), "STORE_URL"],
    [".env", (url: string) => {
      const folder = tempDir("pairbot-pg-env-");
      cleanup = folder.remove;
      writeFileSync(path.join(folder.dir, ".env"), `STORE_URL=${url}\n`);
      return pairbot(["pairing", "list"], { cwd: folder.dir });
    }, "STORE_URL in .env"],
  ] as const)("%s", async (_name, run, source) => {
    const result = await run(missingDb());
    noPassword(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`does not exist .*or fix the database name in ${source}\\.\\n$`));
  }, SPAWNS_TIMEOUT);
});
