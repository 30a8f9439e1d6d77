import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { PairingStore } from "../../src/store/index.js";
import { LineProcess, isDone, readerScript, startWriters, writerScript } from "./stress-processes.js";
import { tempDir } from "./temp-store.js";

/** A reader process that parses the store file non-stop until `stop()`; reports reads and failures. */
async function startReader(file: string) {
  const reader = new LineProcess(readerScript(), [file]);
  await reader.ready;
  return {
    async stop(): Promise<{ reads: number; failures: number; reasons: string[] }> {
      reader.child.stdin!.end();
      await reader.until((p) => p.lines.some((l) => l.startsWith("reads ")));
      const [, reads, , failures] = reader.lines.find((l) => l.startsWith("reads "))!.split(" ");
      return { reads: Number(reads), failures: Number(failures), reasons: reader.lines.filter((l) => l.startsWith("fail ")) };
    },
  };
}

export interface RoundsFigures {
  runs: number;
  changes: number;
  lost: number;
  duplicated: number;
  reads: number;
  parseFailures: number;
  seconds: number;
  failureReasons: string[];
}

/**
 * `writers` processes file `changes` DM requests each into one store, `rounds` times, while a reader
 * parses the file continuously. Lost: an acknowledged request missing; duplicated: a sender twice.
 */
export async function writerRounds(o: { writers: number; changes: number; rounds: number }): Promise<RoundsFigures> {
  const { dir, remove } = tempDir("pairbot-stress-");
  const f: RoundsFigures = { runs: 0, changes: 0, lost: 0, duplicated: 0, reads: 0, parseFailures: 0, seconds: 0, failureReasons: [] };
  const start = performance.now();
  try {
    for (let round = 0; round < o.rounds; round++) {
      const file = path.join(dir, `round-${round}.json`);
      const reader = await startReader(file);
      const procs = await startWriters(file, o.writers, o.changes, "dm", `r${round}w`);
      await Promise.all(procs.map((p) => p.until(isDone)));
      const read = await reader.stop();
      const doc = await new PairingStore({ file }).read();
      const senders = doc.dm.requests.map((r) => r.senderId);
      const stored = new Set(senders);
      const acked = procs.flatMap((p) => p.acks.map((a) => a.key));
      f.runs++;
      f.changes += acked.length;
      f.lost += acked.filter((k) => !stored.has(k)).length + (o.writers * o.changes - acked.length);
      f.duplicated += senders.length - stored.size;
      f.reads += read.reads;
      f.parseFailures += read.failures;
      f.failureReasons.push(...read.reasons.slice(0, 3));
    }
  } finally {
    remove();
  }
  f.seconds = (performance.now() - start) / 1000;
  return f;
}

export interface KillFigures {
  kills: number;
  acknowledged: number;
  lost: number;
  parseFailures: number;
  reads: number;
  /** Pauses of over 2 s between two saved changes: a killed lock holder's lock going stale. */
  staleLockWaits: number;
  leftoverTempFiles: number;
  lockLeft: boolean;
  seconds: number;
  failureReasons: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `writers` processes write allowlist entries without pause; every `minGapMs`..`maxGapMs` one of them,
 * picked at random, gets SIGKILL and a fresh one takes its place, until `kills` kills. Then one more
 * writer must get through (stale lock recovered), and every acknowledged change must be in the file.
 */
export async function writerKills(o: { kills: number; writers: number; minGapMs: number; maxGapMs: number }): Promise<KillFigures> {
  const { dir, remove } = tempDir("pairbot-kills-");
  const file = path.join(dir, "store.json");
  const start = performance.now();
  const ackTimes: number[] = [];
  const finished: LineProcess[] = [];
  let serial = 0;
  const spawnWriter = async (): Promise<LineProcess> => {
    const p = new LineProcess(writerScript(), [file, `k${serial++}`, "0", "allow"]);
    p.onLine((line) => line.startsWith("ack ") && ackTimes.push(performance.now()));
    await p.ready;
    p.go();
    return p;
  };
  try {
    const reader = await startReader(file);
    let live = await Promise.all(Array.from({ length: o.writers }, spawnWriter));
    let kills = 0;
    while (kills < o.kills) {
      await sleep(o.minGapMs + Math.random() * (o.maxGapMs - o.minGapMs));
      const victim = live[Math.floor(Math.random() * live.length)]!;
      victim.kill("SIGKILL");
      await victim.exited;
      kills++;
      finished.push(victim);
      live = [...live.filter((p) => p !== victim), await spawnWriter()];
    }
    for (const p of live) p.kill("SIGKILL");
    await Promise.all(live.map((p) => p.exited));
    finished.push(...live);

    // One last writer after all the kills: it must get the (possibly stale) lock and save.
    const last = new LineProcess(writerScript(), [file, "final", "1", "allow"]);
    await last.ready;
    last.go();
    await last.until(isDone);
    finished.push(last);
    const read = await reader.stop();

    const doc = await new PairingStore({ file }).read();
    const stored = doc.dm.allowlist["stress"]?.["default"] ?? {};
    const acked = finished.flatMap((p) => p.acks.map((a) => a.key));
    const sorted = [...ackTimes].sort((a, b) => a - b);
    let staleLockWaits = 0;
    for (let i = 1; i < sorted.length; i++) if (sorted[i]! - sorted[i - 1]! > 2000) staleLockWaits++;
    return {
      kills,
      acknowledged: acked.length,
      lost: acked.filter((k) => !Object.hasOwn(stored, k)).length,
      parseFailures: read.failures,
      reads: read.reads,
      staleLockWaits,
      leftoverTempFiles: readdirSync(dir).filter((n) => n.endsWith(".tmp")).length,
      lockLeft: existsSync(`${file}.lock`),
      seconds: (performance.now() - start) / 1000,
      failureReasons: read.reasons.slice(0, 3),
    };
  } finally {
    for (const p of finished) p.kill("SIGKILL");
    remove();
  }
}
