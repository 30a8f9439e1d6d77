import { randomBytes } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import type { Committer, StoreBackend } from "./backend.js";
import { PairbotError } from "./errors.js";
import { viewOf, type Effect } from "./effects.js";
import { applyRecord, type StoreEvent } from "./events.js";
import { EffectSchema, type JournalRecord } from "./journal.js";
import { isConnectionError, isTransientError, parsePgUrl, redact, unavailable, type PgLocation } from "./pg-url.js";
import { emptyStore, STORE_VERSION, type StoreDoc } from "./schema.js";
import { parseSnapshot } from "./snapshot.js";

/** The layout version of pairbot's tables (pairbot_schema); each step of MIGRATIONS takes N to N+1. */
const PG_SCHEMA_VERSION = 2;

export interface PgBackendOptions {
  url: string;
  /** Where the user gave the URL, for error sentences (default "STORE_URL"). */
  urlSource?: string;
  /** Connections per process; a commit needs one, a catch-up one. */
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Write a snapshot every this many records... */
  compactEvery?: number;
  /** ...and delete journal rows older than both this many records and this many ms (slow followers catch up from them). */
  keepRows?: number;
  keepMs?: number;
  /** "advisory": writers queue on an advisory lock; "optimistic": they race on the primary key and retry. */
  locking?: "advisory" | "optimistic";
  /** How long a process that was connected keeps retrying through a lost connection before failing a change. */
  retryForMs?: number;
  /** One line per connection lost and regained; never holds the password. */
  log?: (line: string) => void;
}

const MAX_RACES = 50;
const RecordFx = z.array(EffectSchema).min(1);

const ignore = () => undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadPg = async (): Promise<typeof pg> => (await import("pg")).default;
const backoff = (attempt: number) => Math.min(5000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The PostgreSQL backend: the same journal-and-snapshot design as the file, in tables. Each process
 * keeps the state in memory; a commit is one transaction that takes an advisory lock, catches up from
 * the journal rows after its sequence number, runs the rules, inserts the next record (the primary key
 * is the fence) and notifies; followers LISTEN, and catch up on every wake-up, reconnect and poll.
 * Layout, locking and the change feed: docs/store.md.
 */
export class PgBackend implements StoreBackend {
  readonly where: PgLocation;
  private poolMade: Promise<pg.Pool> | undefined;
  private readonly options: Required<Omit<PgBackendOptions, "url" | "urlSource" | "log">>;
  private readonly log: (line: string) => void;
  private readonly t: Tables;
  private readonly channel: string;
  private readonly lockName: string;
  private doc: StoreDoc | undefined;
  private seq = 0;
  private snapshotSeq = 0;
  private readonly listeners = new Set<(events: StoreEvent[], doc: StoreDoc) => void>();
  private stateLock: Promise<void> = Promise.resolve();
  private queuedCatchUp: Promise<void> | undefined;
  private committing = false;
  private schemaReady: Promise<void> | undefined;
  private connectedOnce = false;
  private outageSince: number | undefined;
  private readonly wakes = new Set<() => void>();
  private listenerOnError: ((e: unknown) => void) | undefined;
  private stopListener: (() => void) | undefined;
  private listening = false;
  /** LISTEN is in place: other processes' commits wake this one at once (else only the poll finds them). */
  private listenerUp = false;
  private closed = false;

  constructor(options: PgBackendOptions) {
    this.where = parsePgUrl(options.url, options.urlSource);
    this.options = {
      poolSize: options.poolSize ?? 4,
      statementTimeoutMs: options.statementTimeoutMs ?? 5000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      compactEvery: options.compactEvery ?? 1000,
      keepRows: Math.max(1, options.keepRows ?? 10_000),
      keepMs: options.keepMs ?? 10 * 60_000,
      locking: options.locking ?? "advisory",
      retryForMs: options.retryForMs ?? 30_000,
    };
    this.log = options.log ?? ((line) => process.stderr.write(line + "\n"));
    const s = ident(this.where.schema);
    this.t = { journal: `${s}.pairbot_journal`, snapshot: `${s}.pairbot_snapshot`, schema: `${s}.pairbot_schema`, flush: `${s}.pairbot_flush` };
    this.channel = this.where.schema === "public" ? "pairbot" : `pairbot.${this.where.schema}`;
    this.lockName = `pairbot.${this.where.schema}`;
  }

  /** The pool, made on first use: node-postgres is loaded only by processes that use PostgreSQL. */
  private pool(): Promise<pg.Pool> {
    return (this.poolMade ??= loadPg().then((driver) => {
      const pool = new driver.Pool({ ...this.clientConfig(), max: this.options.poolSize, allowExitOnIdle: true, idleTimeoutMillis: 10_000 });
      // An idle connection the server closed: the pool drops it; the next query reconnects.
      pool.on("error", () => undefined);
      // A connection ended while checked out fails its next query instead. Attached when the pool makes it: an
      // error in the same packet as its first ReadyForQuery arrives before the caller could attach anything.
      pool.on("connect", (client) => client.on("error", ignore));
      return pool;
    }));
  }

  get description(): string {
    return this.where.description;
  }

  private clientConfig(): pg.ClientConfig {
    return {
      connectionString: this.where.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      statement_timeout: this.options.statementTimeoutMs,
      idle_in_transaction_session_timeout: Math.max(10_000, this.options.statementTimeoutMs * 2),
      application_name: this.channel, // "pairbot.<schema>": which store a server connection serves
    };
  }

  async current(): Promise<StoreDoc> {
    if (this.committing && this.doc) return this.doc;
    // Wake-ups that arrive while one catch-up waits for its turn share it.
    this.queuedCatchUp ??= this.exclusive(async () => {
      this.queuedCatchUp = undefined;
      await this.withClient((client) => this.catchUp(client));
    });
    await this.queuedCatchUp;
    return this.doc!;
  }

  subscribe(listener: (events: StoreEvent[], doc: StoreDoc) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watching(): boolean {
    return this.listenerUp;
  }

  watchOthers(wake: () => void, onError: (e: unknown) => void, pollMs?: number): () => void {
    this.wakes.add(wake);
    this.listenerOnError ??= onError;
    if (!this.listening) void this.listen();
    const poll = setInterval(wake, pollMs ?? 2000);
    poll.unref();
    return () => {
      clearInterval(poll);
      this.wakes.delete(wake);
      if (this.wakes.size === 0) this.stopListener?.();
    };
  }

  async commit(apply: Committer): Promise<void> {
    await this.exclusive(async () => {
      this.committing = true;
      try {
        let sent: JournalRecord | undefined;
        let races = 0;
        await this.withClient(async (client) => {
          // A COMMIT whose answer was lost: did it land? The record's id says so.
          if (sent) {
            const landed = await client.query<{ id: string }>(`SELECT id FROM ${this.t.journal} WHERE seq = $1`, [sent.seq]);
            await this.catchUp(client);
            if (landed.rows[0]?.id === sent.id) return await this.flushed(client);
            sent = undefined;
          }
          for (;;) {
            const outcome = await this.commitOnce(client, apply, (record) => (sent = record));
            if (outcome !== "raced") return;
            if (++races > MAX_RACES) throw new PairbotError("store_busy", `Other writers kept changing ${this.description} first; nothing was saved. Try again.`);
          }
        });
      } finally {
        this.committing = false;
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopListener?.();
    if (this.poolMade) await (await this.poolMade).end().catch(() => undefined);
  }

  /** Replaces the whole store with `doc` (pairbot store copy): one transaction, under the writers' lock. */
  async replaceAll(doc: StoreDoc): Promise<void> {
    await this.exclusive(() =>
      this.withClient(async (client) => {
        await client.query("BEGIN");
        try {
          await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [this.lockName]);
          await client.query(`DELETE FROM ${this.t.journal}`);
          await client.query(`UPDATE ${this.t.snapshot} SET seq = $1, doc = $2::jsonb`, [doc.seq, JSON.stringify({ ...doc, version: STORE_VERSION })]);
          await client.query("COMMIT");
        } catch (e) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw e;
        }
        this.doc = undefined;
        await this.load(client);
      }),
    );
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.stateLock.then(work, work);
    this.stateLock = run.then(() => undefined, () => undefined);
    return run;
  }

  /**
   * Runs `work` on a pooled connection (the tables created or migrated first). A process that has been
   * connected rides out a lost connection: it reports once, retries with backoff, and reports the return.
   */
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.options.retryForMs;
    for (let attempt = 0; ; attempt++) {
      let client: pg.PoolClient | undefined;
      try {
        client = await (await this.pool()).connect();
        await (this.schemaReady ??= this.migrate(client).catch((e: unknown) => {
          this.schemaReady = undefined;
          throw e;
        }));
        const result = await work(client);
        client.release();
        this.connectedOnce = true;
        if (this.outageSince !== undefined) {
          this.log(`PostgreSQL store ${this.description}: connected again after ${Date.now() - this.outageSince} ms.`);
          this.outageSince = undefined;
        }
        return result;
      } catch (e) {
        client?.release(true); // never reuse a connection a failure left in an unknown state
        const retry = this.connectedOnce && !this.closed && (isConnectionError(e) || isTransientError(e)) && Date.now() < deadline;
        if (!retry) throw unavailable(e, this.where);
        if (this.outageSince === undefined) {
          this.outageSince = Date.now();
          this.log(`PostgreSQL store ${this.description}: ${redact(e instanceof Error ? e.message : String(e), this.where)}; reconnecting with backoff.`);
        }
        await sleep(backoff(attempt));
      }
    }
  }

  /** Creates or migrates the tables, once per process; the advisory lock makes simultaneous starts safe. */
  private async migrate(client: pg.PoolClient): Promise<void> {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.lockName}.schema`]);
      if (this.where.schema !== "public") await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.where.schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.t.schema} (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())`);
      const found = (await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${this.t.schema}`)).rows[0]?.v ?? 0;
      if (found > PG_SCHEMA_VERSION) {
        throw new PairbotError("store_too_new", `The PostgreSQL store ${this.description} has table layout ${found}, written by a newer pairbot; this one knows up to ${PG_SCHEMA_VERSION}. Upgrade pairbot.`);
      }
      for (let v = found; v < PG_SCHEMA_VERSION; v++) {
        for (const sql of MIGRATIONS[v]!(this.t)) await client.query(sql.text, sql.values);
        await client.query(`INSERT INTO ${this.t.schema} (version) VALUES ($1)`, [v + 1]);
      }
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }

  /**
   * One attempt in two round trips: "BEGIN; lock; rows after ours" (caught up under the lock), the rules
   * here, then "INSERT; NOTIFY; COMMIT" without waiting for the disk, which frees the lock at once, and a
   * flush outside it before the change is acknowledged, so the server merges concurrent writers' flushes.
   * Values are quoted into the text: several statements go only as one unparameterised query.
   */
  private async commitOnce(client: pg.PoolClient, apply: Committer, sending: (r: JournalRecord) => void): Promise<"done" | "raced"> {
    if (!this.doc) await this.load(client);
    let undo: (() => void) | undefined;
    let sent = false;
    try {
      const lock = this.options.locking === "advisory" ? `SELECT pg_advisory_xact_lock(hashtext(${client.escapeLiteral(this.lockName)}));` : "";
      const results = (await client.query(`BEGIN; SET LOCAL synchronous_commit = off; ${lock} ${this.rowsAfterSql(this.seq)}`)) as unknown as pg.QueryResult[];
      await this.catchUpWith(client, this.parseRows(results[results.length - 1]!.rows));
      const result = apply(this.doc!);
      undo = result.undo;
      if (result.effects.length === 0) {
        undo = undefined;
        await client.query("ROLLBACK");
        return "done";
      }
      const record: JournalRecord = { seq: this.seq + 1, id: randomBytes(9).toString("base64url"), fx: result.effects };
      const quote = (v: string) => client.escapeLiteral(v);
      sending(record);
      sent = true;
      // The flush runs after COMMIT in the same round trip, as a transaction of its own (see flushed()).
      await client.query(
        `INSERT INTO ${this.t.journal} (seq, id, fx) VALUES (${record.seq}, ${quote(record.id)}, ${quote(JSON.stringify(record.fx))}::jsonb); ` +
          `SELECT pg_notify(${quote(this.channel)}, '${record.seq}'); COMMIT; ${this.flushSql()}`,
      );
      undo();
      undo = undefined;
      this.applied(record); // as every other process applies it, to learn its events
      if (record.seq - this.snapshotSeq >= this.options.compactEvery) await this.compact(client);
      return "done";
    } catch (e) {
      undo?.();
      // A lost connection or a timeout may have come after the COMMIT: commit() retries and asks by the record's id.
      if (sent && (isConnectionError(e) || isTransientError(e))) throw e;
      await client.query("ROLLBACK").catch(() => undefined);
      // Another writer took this sequence number first (optimistic locking): catch up and run the rules again.
      if ((e as { code?: string }).code === "23505") return "raced";
      throw e;
    }
  }

  /**
   * Waits until the server has flushed its log past our commit: a synchronous commit of a one-row write
   * of this connection's own (no other writer waits for that row) flushes everything before it too.
   */
  private async flushed(client: pg.PoolClient): Promise<void> {
    await client.query(this.flushSql());
  }

  private flushSql(): string {
    return `INSERT INTO ${this.t.flush} (pid, flushes) VALUES (pg_backend_pid(), 1) ON CONFLICT (pid) DO UPDATE SET flushes = ${this.t.flush}.flushes + 1`;
  }

  /** Loads the snapshot once, then applies every journal row after our sequence number, in order. */
  private async catchUp(client: pg.PoolClient): Promise<void> {
    if (!this.doc) await this.load(client);
    await this.catchUpWith(client, await this.rowsAfter(client, this.seq));
  }

  private async catchUpWith(client: pg.PoolClient, rows: JournalRecord[]): Promise<void> {
    if (rows.length > 0 && rows[0]!.seq > this.seq + 1) {
      // Compaction deleted rows this process never read: start again from the snapshot.
      await this.reload(client);
      return;
    }
    for (const record of rows) this.applied(record);
  }

  private async load(client: pg.PoolClient): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const snap = (await client.query<{ seq: string; doc: string }>(`SELECT seq, doc::text AS doc FROM ${this.t.snapshot}`)).rows[0];
      const doc = snap ? parseSnapshot(this.description, snap.doc).doc : emptyStore();
      const base = snap ? Number(snap.seq) : 0;
      doc.seq = base;
      const rows = await this.rowsAfter(client, base);
      if (rows.length > 0 && rows[0]!.seq !== base + 1) continue; // a compaction ran between the two reads
      this.doc = doc;
      this.seq = base;
      this.snapshotSeq = base;
      for (const record of rows) this.applied(record);
      return;
    }
    throw new PairbotError("store_corrupt", `The PostgreSQL store ${this.description} cannot be used: its journal does not continue its snapshot (pairbot_journal starts after pairbot_snapshot.seq + 1). Restore it from a backup.`);
  }

  private async reload(client: pg.PoolClient): Promise<void> {
    this.doc = undefined;
    await this.load(client);
    const view = viewOf(this.doc!);
    for (const listener of this.listeners) listener([], view);
  }

  private rowsAfterSql(seq: number): string {
    return `SELECT seq, id, fx::text AS fx FROM ${this.t.journal} WHERE seq > ${Math.trunc(seq)} ORDER BY seq`;
  }

  private async rowsAfter(client: pg.PoolClient, seq: number): Promise<JournalRecord[]> {
    return this.parseRows((await client.query(this.rowsAfterSql(seq))).rows);
  }

  private parseRows(rows: Array<{ seq: string; id: string; fx: string }>): JournalRecord[] {
    return rows.map((row) => {
      const fx = RecordFx.safeParse(JSON.parse(row.fx));
      if (!fx.success) {
        throw new PairbotError("store_corrupt", `The PostgreSQL store ${this.description} cannot be used: journal row ${row.seq} does not match the journal format (docs/store.md). Repair or delete that row.`);
      }
      return { seq: Number(row.seq), id: row.id, fx: fx.data as Effect[] };
    });
  }

  private applied(record: JournalRecord): void {
    applyRecord(this.doc!, record, this.listeners);
    this.seq = record.seq;
  }

  /**
   * Writes the state as the snapshot (only over an older one) and deletes journal rows that are both
   * older than keepRows records and keepMs: a follower that slept longer reloads the snapshot.
   */
  private async compact(client: pg.PoolClient): Promise<void> {
    try {
      await client.query(`UPDATE ${this.t.snapshot} SET seq = $1, doc = $2::jsonb WHERE seq < $1`, [this.seq, JSON.stringify(this.doc)]);
      await client.query(`DELETE FROM ${this.t.journal} WHERE seq <= $1 AND committed_at < now() - $2 * interval '1 millisecond'`, [
        Math.min(this.seq, this.seq - this.options.keepRows),
        this.options.keepMs,
      ]);
      this.snapshotSeq = this.seq;
    } catch (e) {
      // The change itself is committed; the next writer compacts again.
      this.log(`PostgreSQL store ${this.description}: compaction failed (${redact(e instanceof Error ? e.message : String(e), this.where)}); will try again.`);
    }
  }

  /** The LISTEN connection: wakes every watcher on each notification, and after every (re)connect. */
  private async listen(): Promise<void> {
    this.listening = true;
    let attempt = 0;
    let reported = false;
    while (this.wakes.size > 0 && !this.closed) {
      const client = new (await loadPg()).Client(this.clientConfig());
      const ended = new Promise<unknown>((resolve) => {
        client.on("error", resolve);
        client.on("end", () => resolve(undefined));
        this.stopListener = () => resolve("stopped");
      });
      client.on("notification", (n) => {
        if (Number(n.payload) <= this.seq) return; // this process has it already (its own commit, or an earlier catch-up)
        for (const wake of this.wakes) wake();
      });
      let why: unknown;
      try {
        await client.connect();
        await client.query(`LISTEN ${ident(this.channel)}`);
        this.listenerUp = true;
        if (reported) this.log(`PostgreSQL store ${this.description}: change feed listening again.`);
        attempt = 0;
        reported = false;
        for (const wake of this.wakes) wake(); // whatever was committed while we were not listening
        why = await ended;
      } catch (e) {
        why = e;
      }
      this.listenerUp = false;
      await client.end().catch(() => undefined);
      if (why === "stopped" || this.wakes.size === 0 || this.closed) break;
      if (!reported) {
        reported = true;
        const error = unavailable(why ?? new Error("Connection terminated unexpectedly"), this.where);
        this.log(`PostgreSQL store ${this.description}: change feed connection lost (${error.message}); reconnecting with backoff, polling meanwhile.`);
        this.listenerOnError?.(error);
      }
      await sleep(backoff(attempt++));
    }
    this.listening = false;
    this.stopListener = undefined;
  }
}

interface Sql {
  text: string;
  values?: unknown[];
}

interface Tables {
  journal: string;
  snapshot: string;
  schema: string;
  /** One row per server connection that commits: what a writer writes to have its commit flushed. */
  flush: string;
}

/** Each step takes the table layout from version N to N+1, inside the migration transaction. */
const MIGRATIONS: Record<number, (t: Tables) => Sql[]> = {
  0: (t) => [
    { text: `CREATE TABLE ${t.journal} (seq bigint PRIMARY KEY, id text NOT NULL, fx jsonb NOT NULL, committed_at timestamptz NOT NULL DEFAULT now())` },
    { text: `CREATE TABLE ${t.snapshot} (one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint NOT NULL, doc jsonb NOT NULL)` },
    { text: `INSERT INTO ${t.snapshot} (seq, doc) VALUES (0, $1::jsonb)`, values: [JSON.stringify(emptyStore())] },
  ],
  1: (t) => [{ text: `CREATE TABLE ${t.flush} (pid integer PRIMARY KEY, flushes bigint NOT NULL)` }],
};
