import { LineProcess, requireBuilt } from "./stress-processes.js";

/** A compiled helper script under dist/test/support; `npm run build` makes it. */
export const compiledScript = (name: string): string => requireBuilt(`test/support/${name}`);

/**
 * A store-test helper process (store-writer.js, store-redeem.js): a LineProcess that is released by
 * closing its stdin after one line, and names its saved changes by key.
 */
export class StoreProcess extends LineProcess {
  constructor(script: string, args: string[]) {
    super(compiledScript(script), args);
  }

  override go(): void {
    this.child.stdin!.end("go\n");
  }

  /** Keys of the changes this process reported as saved ("ack <key>"). */
  get acknowledged(): string[] {
    return this.acks.map((a) => a.key);
  }
}

/** Kills the helper processes a test left running (after a failure). */
export function stopLeftoverProcesses(): void {
  for (const p of LineProcess.running) p.kill("SIGKILL");
}

/** Starts processes, waits until every one is ready, then releases them together. */
export async function startTogether<P extends LineProcess>(processes: P[]): Promise<P[]> {
  await Promise.all(processes.map((p) => p.ready));
  for (const p of processes) p.go();
  return processes;
}
