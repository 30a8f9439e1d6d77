import pg from "pg";

/**
 * Ends every server connection of one store (its processes name it in application_name, "pairbot" or
 * "pairbot.<schema>"), as a restart or a failover does; other tests' stores in the same database keep theirs.
 * Returns how many were ended.
 */
export async function terminateStoreConnections(storeUrl: string): Promise<number> {
  const url = new URL(storeUrl);
  const schema = url.searchParams.get("schema") ?? "public";
  url.searchParams.delete("schema");
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()", [
      schema === "public" ? "pairbot" : `pairbot.${schema}`,
    ]);
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}
