import { PairbotError } from "./errors.js";

/** Where a PostgreSQL store is: what node-postgres connects to, and what pairbot may show of it. */
export interface PgLocation {
  /** The URL to connect with (password included, `schema` removed): never printed. */
  connectionString: string;
  /** The schema that holds pairbot's tables (`?schema=` in the URL; "public" by default). */
  schema: string;
  /** The URL without its password, for messages and logs. */
  description: string;
  /** Where the user gave the URL ("STORE_URL", "the URL given with --store"): the place a message says to fix. */
  source: string;
  host: string;
  port: string;
  user: string;
  database: string;
  password: string | undefined;
}

export const isPostgresUrl = (value: string): boolean => /^postgres(ql)?:\/\//i.test(value);

const urlHint = (source: string): string =>
  `${source.charAt(0).toUpperCase()}${source.slice(1)} must look like postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, for example postgres://pairbot@db.example.com:5432/pairbot`;

/**
 * Parses a postgres:// URL; a malformed one is one sentence that names the fix, never echoing the password.
 * `source` says where the URL came from, so the sentence points at the place to fix it.
 */
export function parsePgUrl(url: string, source = "STORE_URL"): PgLocation {
  const URL_HINT = urlHint(source);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PairbotError("config_invalid", `${URL_HINT}; the one given is not a valid URL.`);
  }
  if (!/^postgres(ql)?:$/i.test(parsed.protocol)) throw new PairbotError("config_invalid", `${URL_HINT}; it must start with postgres://.`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!parsed.hostname) throw new PairbotError("config_invalid", `${URL_HINT}; it names no host.`);
  if (!database || database.includes("/")) throw new PairbotError("config_invalid", `${URL_HINT}; it names no database (the part after the last /).`);
  const schema = parsed.searchParams.get("schema") ?? "public";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new PairbotError("config_invalid", `The schema "${schema}" in ${source} must be lowercase letters, digits and _ (for example ?schema=pairbot).`);
  parsed.searchParams.delete("schema");
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const connectionString = parsed.toString();
  const shown = new URL(parsed.toString());
  shown.password = "";
  if (schema !== "public") shown.searchParams.set("schema", schema);
  return {
    connectionString,
    schema,
    description: shown.toString(),
    source,
    host: parsed.hostname,
    port: parsed.port || "5432",
    user: decodeURIComponent(parsed.username) || "(your system user)",
    database,
    password,
  };
}

/** Removes the password from any text that might quote it (a driver message, a stack). */
export function redact(text: string, where: PgLocation): string {
  if (!where.password) return text;
  return text.split(where.password).join("***").split(encodeURIComponent(where.password)).join("***");
}

/** SQLSTATE classes and node errors that mean "the connection broke or the server is going away": retry. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string") {
    if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03") return true;
    if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"].includes(code)) return true;
  }
  const message = e instanceof Error ? e.message : String(e);
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|ECONNRESET/i.test(message);
}

/** A statement cancelled by statement_timeout, a serialization failure or a deadlock: the transaction may be run again. */
export const isTransientError = (e: unknown): boolean => ["57014", "40001", "40P01", "55P03"].includes((e as { code?: string })?.code ?? "");

/** Turns a driver error into one sentence naming what to fix (code store_unavailable); never quotes the password. */
export function unavailable(e: unknown, where: PgLocation): PairbotError {
  if (e instanceof PairbotError) return e;
  const code = (e as { code?: unknown })?.code;
  const message = redact(e instanceof Error ? e.message : String(e), where);
  const at = `${where.host}:${where.port}`;
  let sentence: string;
  if (code === "28P01" || code === "28000") {
    sentence = `PostgreSQL at ${at} refused the login of user "${where.user}" to database "${where.database}" (${message}): check the user and password in ${where.source}, and the server's pg_hba.conf.`;
  } else if (code === "3D000") {
    sentence = `The database "${where.database}" does not exist on PostgreSQL at ${at}: create it (createdb -h ${where.host} -p ${where.port} ${where.database}) or fix the database name in ${where.source}.`;
  } else if (code === "42501") {
    sentence = `User "${where.user}" lacks the rights pairbot needs in database "${where.database}" on ${at} (${message}): grant it CREATE and USAGE on schema ${where.schema} (or make it the owner), or use another user in ${where.source}.`;
  } else if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    sentence = `Cannot find the PostgreSQL host "${where.host}": check the host name in ${where.source}.`;
  } else if (isConnectionError(e) || code === "ECONNREFUSED") {
    sentence = `Cannot reach PostgreSQL at ${at} (${message}): check that the server runs and that ${where.source} names the right host and port.`;
  } else if (code === "57014") {
    sentence = `PostgreSQL at ${at} did not answer within the statement timeout (${message}): check the server's load and locks; nothing was saved.`;
  } else {
    sentence = `The PostgreSQL store ${where.description} failed: ${message}.`;
  }
  return new PairbotError("store_unavailable", sentence, { store: where.description });
}
