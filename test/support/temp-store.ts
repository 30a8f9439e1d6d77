import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openStore, readWholeStore, type Clock, type PairingStore, type PgBackendOptions, type Policy, type RandomSource, type StoreDoc } from "../../src/store/index.js";

/**
 * Which backend the store tests run on: "file", or "postgres" in the vitest project of that name
 * (vitest.config.ts), which sets PAIRBOT_TEST_BACKEND and makes a database for the run.
 */
export const testBackend: "file" | "postgres" = process.env["PAIRBOT_TEST_BACKEND"] === "postgres" ? "postgres" : "file";

/** A manual clock for rules that depend on time: tests move it instead of sleeping. */
export class TestClock {
  constructor(public now = Date.parse("2026-11-21T12:00:00Z")) {}
  readonly fn: Clock = () => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export function tempDir(prefix = "pairbot-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  // Retries: a change still in flight when a test ends may create the lock folder while the tree is removed.
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

/** The URL of a fresh, empty PostgreSQL store: a schema of its own in this run's database. */
export function tempPostgresUrl(): string {
  const base = process.env["PAIRBOT_TEST_DATABASE_URL"];
  if (!base) throw new Error("no test database: run the postgres vitest project (PAIRBOT_TEST_POSTGRES=postgres://...)");
  const url = new URL(base);
  url.searchParams.set("schema", `t_${randomBytes(6).toString("hex")}`);
  return url.toString();
}

type OpenOptions = { clock?: Clock; policy?: Partial<Policy>; random?: RandomSource; postgres?: Omit<PgBackendOptions, "url" | "log"> };

/**
 * An empty store on the backend under test: `location` (a file path or a postgres:// URL) for helper
 * processes, `open()` for another PairingStore on it (as another process would have), `readSaved()`
 * for what a new process reads, `savedText()` for every byte the backend keeps.
 */
export function tempLocation() {
  const opened: PairingStore[] = [];
  let location: string;
  let removeDir = () => undefined as void;
  if (testBackend === "postgres") location = tempPostgresUrl();
  else {
    const dir = tempDir();
    removeDir = dir.remove;
    location = path.join(dir.dir, "store.json");
  }
  const open = (options: OpenOptions = {}): PairingStore => {
    const store = openStore({ location, ...options, postgres: { ...options.postgres, log: () => undefined } });
    opened.push(store);
    return store;
  };
  return {
    location,
    /** The file's folder (file backend only). */
    dir: path.dirname(location),
    open,
    readSaved: (): Promise<StoreDoc> => readWholeStore(location),
    savedText: (): Promise<string> => (testBackend === "postgres" ? postgresText(location) : Promise.resolve(storeBytes(location))),
    remove: () => {
      for (const store of opened.splice(0)) void store.close();
      removeDir();
    },
  };
}

/** A store on the backend under test, with a manual clock (or `clock`, e.g. the system's, to share with other processes); `remove()` deletes it. */
export function tempStore(options: { policy?: Partial<Policy>; random?: RandomSource; clock?: Clock } = {}) {
  const clock = new TestClock();
  const place = tempLocation();
  const store = place.open({ ...options, clock: options.clock ?? clock.fn });
  return { ...place, store, clock, file: place.location };
}

/** Every byte the store keeps on disk (snapshot and journal): what a secret must never appear in. */
export function storeBytes(file: string): string {
  return [file, `${file}.journal`].filter((f) => existsSync(f)).map((f) => readFileSync(f, "utf8")).join("\n");
}

/** Every row pairbot keeps in PostgreSQL, as text. */
async function postgresText(location: string): Promise<string> {
  const url = new URL(location);
  const schema = url.searchParams.get("schema") ?? "public";
  url.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ text: string | null }>(
      `SELECT (SELECT string_agg(doc::text, E'\\n') FROM "${schema}".pairbot_snapshot) || E'\\n' || coalesce((SELECT string_agg(fx::text, E'\\n' ORDER BY seq) FROM "${schema}".pairbot_journal), '') AS text`,
    );
    return rows[0]?.text ?? "";
  } finally {
    await client.end();
  }
}
/** A policy whose pending caps (per account, per channel, in all) never stop a test that files `n` requests. */
export const uncapped = (n = 1_000_000): Partial<Policy> => ({ maxPendingPerAccount: n, maxPendingPerChannel: n, maxPendingTotal: n });
