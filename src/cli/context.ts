import { PairingStore, defaultStorePath, type Policy } from "../store/index.js";

/** What every CLI command gets: where the store is, output channels, and whether to print JSON. */
export interface CliContext {
  storePath: string;
  json: boolean;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  /** All of standard input as text; undefined when it is a terminal (nothing was piped in). */
  stdin: () => Promise<string | undefined>;
  /**
   * Opened on first use, so commands that need no store (node pair) never touch it. `policy` sets numbers
   * for this process (the gateway's pending caps from its flags); it counts on the first call only.
   */
  store: (policy?: Partial<Policy>) => PairingStore;
}

export function cliContext(options: { store?: string | undefined; json?: boolean | undefined }, env = process.env): CliContext {
  const storePath = options.store ?? env.STORE_PATH ?? defaultStorePath();
  let store: PairingStore | undefined;
  return {
    storePath,
    json: options.json ?? false,
    env,
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    stdin: async () => {
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    store: (policy) => (store ??= new PairingStore({ file: storePath, ...(policy ? { policy } : {}) })),
  };
}
