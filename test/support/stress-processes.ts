import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root, found from here whether this runs as test/support or dist/test/support. */
export const repoRoot = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** A compiled file under dist/ (from `npm run build`), or undefined when it is not built (yet). */
export function builtFile(relative: string): string | undefined {
  const file = path.join(repoRoot, "dist", relative);
  return existsSync(file) ? file : undefined;
}

export function requireBuilt(relative: string): string {
  const file = builtFile(relative);
  if (!file) throw new Error(`dist/${relative} is missing: run "npm run build" first`);
  return file;
}

/** A child Node process that reports in lines on stdout; "ready" marks that it waits for "go". */
export class LineProcess {
  /** Every such process still running, so a failed test can stop the ones it started. */
  static readonly running = new Set<LineProcess>();
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = "";
  private waiters: Array<() => void> = [];
  private listeners: Array<(line: string) => void> = [];

  /** `wrap` runs Node under another command, e.g. a shell that lowers `ulimit -n` first. */
  constructor(script: string, args: string[], options: SpawnOptions & { wrap?: string[] } = {}) {
    const { wrap = [], ...spawnOptions } = options;
    const [command = process.execPath, ...wrapArgs] = wrap.length > 0 ? [...wrap, process.execPath] : [];
    this.child = spawn(command, [...wrapArgs, script, ...args], { stdio: ["pipe", "pipe", "pipe"], ...spawnOptions });
    LineProcess.running.add(this);
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    let markReady: () => void = () => undefined;
    let failReady: (e: Error) => void = () => undefined;
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => undefined); // reported to whoever awaits it
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      if (line === "ready") markReady();
      else this.lines.push(line);
      for (const listen of this.listeners) listen(line);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => {
        LineProcess.running.delete(this);
        // A child that dies before "ready" fails its test at once instead of leaving it waiting.
        failReady(new Error(`${path.basename(script)} ended before it was ready (${code ?? signal}): ${this.stderr.slice(-500)}`));
        resolve({ code, signal });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  onLine(listen: (line: string) => void): void {
    this.listeners.push(listen);
  }

  go(): void {
    this.child.stdin!.write("go\n");
  }

  /** "ack <key> <epochMs>" lines: the changes the process saw saved. */
  get acks(): Array<{ key: string; at: number }> {
    return this.lines.filter((l) => l.startsWith("ack ")).map((l) => {
      const [, key, at] = l.split(" ");
      return { key: key!, at: Number(at) };
    });
  }

  /** Resolves once `test` holds (re-checked on every line); rejects if the process ends first. */
  async until(test: (p: this) => boolean): Promise<void> {
    while (!test(this)) {
      if (!this.running) throw new Error(`process ended early (${this.child.exitCode ?? this.child.signalCode}): ${this.stderr.slice(-500)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.running) this.child.kill(signal);
  }
}

export type WriterMode = "allow" | "dm" | "device" | "mixed";

export const writerScript = (): string => requireBuilt("test/support/stress-writer.js");
export const readerScript = (): string => requireBuilt("test/support/stress-reader.js");

/** Starts writer processes, waits until all are ready, and releases them at once. */
export async function startWriters(file: string, count: number, changes: number, mode: WriterMode = "allow", prefix = "w", inflight = 1): Promise<LineProcess[]> {
  const writers = Array.from({ length: count }, (_, i) => new LineProcess(writerScript(), [file, `${prefix}${i}`, String(changes), mode, "0", String(inflight)]));
  await Promise.all(writers.map((w) => w.ready));
  for (const w of writers) w.go();
  return writers;
}

export const isDone = (p: LineProcess): boolean => p.lines.some((l) => l.startsWith("done "));
