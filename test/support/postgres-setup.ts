import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * vitest globalSetup of the "postgres" project: one database of its own per test run, made through the
 * server's `postgres` database (PAIRBOT_TEST_POSTGRES) and dropped at the end. Each temp store then
 * gets a schema of its own in it (test/support/temp-store.ts).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const admin = process.env["PAIRBOT_TEST_POSTGRES"];
  if (!admin) throw new Error("PAIRBOT_TEST_POSTGRES is not set");
  const name = `pairbot_test_${randomBytes(5).toString("hex")}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  process.env["PAIRBOT_TEST_DATABASE_URL"] = url.toString();
  return () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
