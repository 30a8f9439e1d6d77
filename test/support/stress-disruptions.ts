import { closeSync, openSync, readdirSync, readSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { FileBackend, readStoreFiles } from "../../src/store/file-backend.js";
import { LOCK_STALE_MS } from "../../src/store/lock.js";
import { PairingStore } from "../../src/store/index.js";
import { LineProcess, requireBuilt } from "./stress-processes.js";
import { tempDir } from "./temp-store.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** One change the parent asked a writer for: sent at, acknowledged at (parent's clock), or its fate. */
interface Op {
  kind: "allow" | "revoke";
  key: string;
  sentAt: number;
  ackAt?: number;
  result: "ack" | "fail" | "unknown";
  runs: number;
}

/** A stress-command-writer.js child: one command in flight at a time; answers matched by number. */
class CommandWriter {
  readonly proc: LineProcess;
  private serial = 0;
  private waiting = new Map<number, (answer: string[]) => void>();

  constructor(file: string, pad: number) {
    this.proc = new LineProcess(requireBuilt("test/support/stress-command-writer.js"), [file, String(pad)]);
    this.proc.onLine((line) => {
      const words = line.split(" ");
      const n = Number(words[1]);
      this.waiting.get(n)?.(words);
      this.waiting.delete(n);
    });
    void this.proc.exited.then(() => {
      for (const answer of this.waiting.values()) answer(["exit"]);
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.proc.child.pid!;
  }

  /** Sends one command; resolves with the answer's words, or ["exit"] if the process ended first. */
  send(command: string): Promise<string[]> {
    if (!this.proc.running) return Promise.resolve(["exit"]);
    const n = ++this.serial;
    return new Promise((resolve) => {
      this.waiting.set(n, resolve);
      this.proc.child.stdin!.write(`${n} ${command}\n`);
    });
  }

  async close(): Promise<void> {
    this.proc.child.stdin!.end();
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 30_000);
    await this.proc.exited;
    clearTimeout(timer);
  }
}

/** The process state letter from /proc ("T": stopped), or undefined when it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0];
  } catch {
    return undefined;
  }
}

const lockStat = (file: string): { ino: number; mtimeMs: number } | undefined => {
  try {
    const s = statSync(`${file}.lock`);
    return { ino: s.ino, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
};

/** The base sequence named by the journal's header: it changes with each compaction. */
function journalBase(file: string): number | undefined {
  try {
    const fd = openSync(`${file}.journal`, "r");
    try {
      const head = Buffer.alloc(80);
      const n = readSync(fd, head, 0, 80, 0);
      return Number(/"base":(\d+)/.exec(head.toString("utf8", 0, n))?.[1]);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Writers in `slots`, each asking its child for one change after another: an allow of a key of its own
 * (never revoked: it must stay), or an allow or revoke of a key shared by all (its final state must be
 * what the last acknowledged change on it made). `disrupt` pauses or kills them meanwhile. A follower in
 * this process reads along all the time and must end with what a fresh reader sees.
 */
async function underDisruption(o: { writers: number; pad: number; sharedKeys: number; seed?: (file: string) => Promise<void> }, disrupt: (h: Harness) => Promise<void>) {
  const { dir, remove } = tempDir("pairbot-disrupt-");
  const file = path.join(dir, "store.json");
  const ops: Op[] = [];
  const shared = Array.from({ length: o.sharedKeys }, (_, i) => `shared-${i}`);
  let stopping = false;
  let unique = 0;
  const bases = new Set<number>();
  const followerErrors: string[] = [];
  try {
    if (o.seed) await o.seed(file);
    else await new PairingStore({ file }).allowSender({ channel: "stress", senderId: "seed" }, "cli");
    const slots: CommandWriter[] = [];
    const spawn = async (): Promise<CommandWriter> => {
      const w = new CommandWriter(file, o.pad);
      await w.proc.ready;
      return w;
    };
    for (let i = 0; i < o.writers; i++) slots.push(await spawn());
    const pauseNext = new Set<number>();

    const drive = async (slot: number): Promise<void> => {
      while (!stopping) {
        const own = Math.random() < 0.5;
        const op: Op = own
          ? { kind: "allow", key: `own-${slot}-${unique++}`, sentAt: 0, result: "unknown", runs: 0 }
          : { kind: Math.random() < 0.5 ? "allow" : "revoke", key: pick(shared), sentAt: 0, result: "unknown", runs: 0 };
        const pause = pauseNext.delete(slot);
        op.sentAt = performance.now();
        ops.push(op);
        const answer = await slots[slot]!.send(`${op.kind} ${op.key}${pause ? " pause" : ""}`);
        if (answer[0] === "ack") {
          op.result = "ack";
          op.ackAt = performance.now();
          op.runs = Number(answer[2]);
        } else if (answer[0] === "fail") op.result = "fail";
        else {
          // Killed (its change may or may not be saved): a fresh writer takes the slot.
          if (stopping) return;
          slots[slot] = await spawn();
        }
      }
    };

    const follower = new FileBackend(file);
    const follow = (async () => {
      while (!stopping) {
        await follower.current().catch((e: Error) => void (followerErrors.length < 5 && followerErrors.push(e.message)));
        const base = journalBase(file);
        if (base !== undefined && Number.isFinite(base)) bases.add(base);
        await sleep(50);
      }
    })();

    const start = performance.now();
    const drivers = slots.map((_, i) => drive(i));
    const acks = () => ops.filter((op) => op.result === "ack").length;
    await disrupt({ file, dir, slots, pauseNext, acks });
    stopping = true;
    await Promise.all(drivers);
    await follow;
    const seconds = (performance.now() - start) / 1000;
    await Promise.all(slots.map((w) => w.close()));

    // One more writer after everything: it must get the lock (maybe stale) and save.
    const last = await spawn();
    const lastAnswer = await last.send("allow final");
    await last.close();

    // A store that can no longer be read is reported with the figures, not instead of them.
    const unreadable = (e: Error) => {
      followerErrors.push(`after the run: ${e.message}`);
      return undefined;
    };
    const fresh = (await readStoreFiles(file).catch(unreadable)) ?? (await follower.current());
    const followed = await follower.current().catch(unreadable) ?? fresh;
    await follower.close();
    const stored = fresh.dm.allowlist["stress"]?.["default"] ?? {};
    const verdict = judge(ops, stored);
    const diverged = JSON.stringify(followed.dm.allowlist) === JSON.stringify(fresh.dm.allowlist) && followed.seq === fresh.seq ? 0 : 1;
    return {
      ...verdict,
      finalSaved: lastAnswer[0] === "ack" && Object.hasOwn(stored, "final"),
      compactions: Math.max(0, bases.size - 1),
      fencedReruns: ops.filter((op) => op.runs > 1).length,
      diverged,
      followerErrors,
      tempFilesLeft: readdirSync(dir).filter((n) => n.endsWith(".tmp")).length,
      seconds,
    };
  } finally {
    stopping = true;
    for (const p of LineProcess.running) p.kill("SIGKILL");
    remove();
  }
}

interface Harness {
  file: string;
  dir: string;
  slots: CommandWriter[];
  pauseNext: Set<number>;
  acks: () => number;
}

/**
 * Lost: an acknowledged allow of a writer's own key missing. For a shared key, the changes that may be
 * last are those no acknowledged change began after (a change whose writer was killed may land any time);
 * undone: the key is allowed though every one of them is a revoke; lost also counts the other way round.
 * A change of a killed writer may also never have landed.
 */
function judge(ops: Op[], stored: Record<string, unknown>) {
  let lost = 0;
  let undone = 0;
  const byKey = new Map<string, Op[]>();
  for (const op of ops) {
    if (op.result === "fail") continue;
    if (op.key.startsWith("own-")) {
      if (op.result === "ack" && !Object.hasOwn(stored, op.key)) lost++;
      continue;
    }
    byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
  }
  for (const [key, keyOps] of byKey) {
    const acked = keyOps.filter((op) => op.result === "ack");
    const last = keyOps.filter((op) => !acked.some((later) => later.sentAt > (op.ackAt ?? Infinity)));
    const possible = new Set(last.map((op) => op.kind));
    // A change whose writer was killed may never have landed: then the key is as the latest acknowledged
    // change before it left it (or absent, as at the start).
    if (last.some((op) => op.result === "unknown")) {
      const before = acked.filter((op) => !last.includes(op)).sort((a, b) => a.ackAt! - b.ackAt!).at(-1);
      possible.add(before?.kind ?? "revoke");
    }
    const present = Object.hasOwn(stored, key);
    if (present && !possible.has("allow")) undone++;
    if (!present && possible.size > 0 && !possible.has("revoke")) lost++;
  }
  const acked = ops.filter((op) => op.result === "ack");
  return {
    acknowledged: acked.length,
    allows: acked.filter((op) => op.kind === "allow").length,
    revokes: acked.filter((op) => op.kind === "revoke").length,
    lost,
    undone,
  };
}

/** What every disruption run reports: what was acknowledged, and what of it was kept. */
interface DisruptionFigures {
  fencedReruns: number;
  compactions: number;
  acknowledged: number;
  allows: number;
  revokes: number;
  lost: number;
  undone: number;
  diverged: number;
  finalSaved: boolean;
  failures: string[];
  seconds: number;
}

export interface PauseFigures extends DisruptionFigures {
  rounds: number;
  insidePauses: number;
  randomStops: number;
  stopsOnLockHolder: number;
  writesWhilePaused: number;
}

/**
 * `rounds` times, one writer is stopped with SIGSTOP for longer than LOCK_STALE_MS while the others write,
 * then resumed with SIGCONT. Every other round the writer stops itself from inside its change (it holds
 * the lock and a state the others then change); the rest are stops at random moments, and a stop hit a
 * lock holder when the lock folder stays the same folder, untouched, for 1.5 s after it.
 */
export async function pausedLockHolders(o: { rounds: number; writers: number; pad: number; budgetMs: number }): Promise<PauseFigures> {
  const failures: string[] = [];
  let rounds = 0;
  let insidePauses = 0;
  let randomStops = 0;
  let stopsOnLockHolder = 0;
  let writesWhilePaused = 0;
  const result = await underDisruption({ writers: o.writers, pad: o.pad, sharedKeys: 12 }, async (h) => {
    const deadline = Date.now() + o.budgetMs;
    for (; rounds < o.rounds && Date.now() < deadline; rounds++) {
      await sleep(100 + Math.random() * 300);
      const slot = Math.floor(Math.random() * h.slots.length);
      const writer = h.slots[slot]!;
      const before = h.acks();
      if (rounds % 2 === 0) {
        h.pauseNext.add(slot);
        const until = Date.now() + 40_000; // it may first wait for the lock (up to 30 s) on a busy machine
        while (processState(writer.pid) !== "T" && Date.now() < until) await sleep(2);
        if (processState(writer.pid) !== "T") {
          failures.push(`round ${rounds}: the writer did not stop itself inside its change`);
          continue;
        }
        insidePauses++;
      } else {
        writer.proc.kill("SIGSTOP");
        randomStops++;
        await sleep(20);
        const first = lockStat(h.file);
        await sleep(1500);
        const second = lockStat(h.file);
        if (first && second && first.ino === second.ino && first.mtimeMs === second.mtimeMs) stopsOnLockHolder++;
      }
      await sleep(LOCK_STALE_MS + 500 + Math.random() * 1000);
      writesWhilePaused += h.acks() - before;
      writer.proc.kill("SIGCONT");
    }
  });
  return { rounds, insidePauses, randomStops, stopsOnLockHolder, writesWhilePaused, failures: [...failures, ...result.followerErrors], ...pickFigures(result) };
}

const pickFigures = (r: Awaited<ReturnType<typeof underDisruption>>) => ({
  fencedReruns: r.fencedReruns,
  compactions: r.compactions,
  acknowledged: r.acknowledged,
  allows: r.allows,
  revokes: r.revokes,
  lost: r.lost,
  undone: r.undone,
  diverged: r.diverged,
  finalSaved: r.finalSaved,
  seconds: r.seconds,
});

export const pauseSummary = (f: PauseFigures): string =>
  `store pauses: rounds ${f.rounds}, stops inside the lock ${f.insidePauses}, random stops ${f.randomStops} (on a lock holder ${f.stopsOnLockHolder}), ` +
  `changes by others while one was stopped ${f.writesWhilePaused}, fenced re-runs ${f.fencedReruns}, compactions seen ${f.compactions}, ` +
  `acknowledged ${f.acknowledged} (allow ${f.allows}, revoke ${f.revokes}), lost ${f.lost}, undone ${f.undone}, follower diverged ${f.diverged}, ${f.seconds.toFixed(1)} s`;

export interface KillFigures extends DisruptionFigures {
  kills: number;
  killsMidCompaction: number;
  killsWhileLocked: number;
  tempFilesLeft: number;
}

/**
 * Writers with large records (compaction every few changes) are killed with SIGKILL `kills` times: half
 * at random moments, half the moment one of them has a compaction temp file (snapshot or new journal)
 * open. Acknowledged changes must all stay, and the last writer must get through.
 */
export async function killsMidCompaction(o: { kills: number; writers: number; pad: number; budgetMs: number }): Promise<KillFigures> {
  let kills = 0;
  let killsMidCompaction = 0;
  let killsWhileLocked = 0;
  const result = await underDisruption({ writers: o.writers, pad: o.pad, sharedKeys: 12 }, async (h) => {
    const deadline = Date.now() + o.budgetMs;
    const base = path.basename(h.file);
    while (kills < o.kills && Date.now() < deadline) {
      let victim: CommandWriter | undefined;
      if (kills % 2 === 0) {
        // Watch for a compaction under way: "<file>.<pid>.<hex>.tmp" or "<file>.journal.<pid>.<hex>.tmp".
        const until = Date.now() + 5000;
        while (!victim && Date.now() < until) {
          for (const name of readdirSync(h.dir)) {
            const pid = /^\.(?:journal\.)?(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(base.length))?.[1];
            victim = pid ? h.slots.find((w) => w.pid === Number(pid) && w.proc.running) : undefined;
            if (victim) break;
          }
          if (!victim) await sleep(1);
        }
        if (victim) killsMidCompaction++;
      } else {
        await sleep(20 + Math.random() * 200);
      }
      victim ??= pick(h.slots.filter((w) => w.proc.running));
      if (!victim) {
        await sleep(10);
        continue;
      }
      if (lockStat(h.file)) killsWhileLocked++;
      victim.proc.kill("SIGKILL");
      await victim.proc.exited;
      kills++;
      await sleep(30); // the driver puts a fresh writer in its slot
    }
  });
  return { kills, killsMidCompaction, killsWhileLocked, tempFilesLeft: result.tempFilesLeft, failures: result.followerErrors, ...pickFigures(result) };
}

export const killSummary = (f: KillFigures): string =>
  `store compaction kills: kills ${f.kills} (mid-compaction ${f.killsMidCompaction}, lock held ${f.killsWhileLocked}), fenced re-runs ${f.fencedReruns}, ` +
  `compactions seen ${f.compactions}, acknowledged ${f.acknowledged} (allow ${f.allows}, revoke ${f.revokes}), lost ${f.lost}, undone ${f.undone}, ` +
  `follower diverged ${f.diverged}, temp files left ${f.tempFilesLeft}, ${f.seconds.toFixed(1)} s`;
