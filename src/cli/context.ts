import { describeLocation, openStore, storeLocation, type PairingStore, type Policy } from "../store/index.js";

/** What every CLI command gets: where the store is, output channels, and whether to print JSON. */
export interface CliContext {
  /** The store as the user named it (a file path or a postgres:// URL): pass it on, never print it. */
  storePath: string;
  /** What to print about the store: the file, or the URL without its password. */
  storeName: string;
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
  const location = storeLocation(options.store, env);
  const storePath = location.kind === "file" ? location.file : location.url;
  let store: PairingStore | undefined;
  return {
    storePath,
    get storeName() {
      return describeLocation(location);
    },
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
    store: (policy) => (store ??= openStore({ location, ...(policy ? { policy } : {}) })),
  };
}

