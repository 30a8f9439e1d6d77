import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root, whether this runs from test/support or dist/test/support. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), existsSync(new URL("../../package.json", import.meta.url)) ? "../.." : "../../..");

/** A compiled helper script under dist/test/support; `npm run build` makes it. */
export function compiledScript(name: string): string {
  const script = path.join(root, "dist", "test", "support", name);
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" first`);
  return script;
}

/** A helper process that prints "ready", starts on a line from stdin, and reports in lines. */
export class StoreProcess {
  /** Every helper process still running, so a failed test can stop the ones it started. */
  static readonly running = new Set<StoreProcess>();
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = "";
  private waiters: Array<() => void> = [];

  constructor(script: string, args: string[]) {
    this.child = spawn(process.execPath, [compiledScript(script), ...args], { stdio: ["pipe", "pipe", "pipe"] });
    StoreProcess.running.add(this);
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
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => {
        StoreProcess.running.delete(this);
        failReady(new Error(`${script} ended before it was ready (${code ?? signal}): ${this.stderr}`));
        resolve({ code, signal });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  go(): void {
    this.child.stdin!.end("go\n");
  }

  /** Keys of the changes this process reported as saved ("ack <key>"). */
  get acknowledged(): string[] {
    return this.lines.filter((l) => l.startsWith("ack ")).map((l) => l.slice(4));
  }

  /** Resolves once `test` holds for the lines seen so far (re-checked on every new line). */
  async until(test: (p: StoreProcess) => boolean): Promise<void> {
    while (!test(this)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`process ended early: ${this.stderr}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Kills the helper processes a test left running (after a failure). */
export function stopLeftoverProcesses(): void {
  for (const p of StoreProcess.running) p.kill("SIGKILL");
}

/** Starts processes, waits until every one is ready, then releases them together. */
export async function startTogether(processes: StoreProcess[]): Promise<StoreProcess[]> {
  await Promise.all(processes.map((p) => p.ready));
  for (const p of processes) p.go();
  return processes;
}
