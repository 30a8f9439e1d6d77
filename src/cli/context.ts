import { describeLocation, openStore, type PairingStore, type Policy } from "../store/index.js";
import { terminalPrompter, type Prompter } from "./prompter.js";
import { storeChoice, storeNote, type StoreChoice } from "./store-source.js";

/** What every CLI command gets: where the store is, output channels, and whether to print JSON. */
export interface CliContext {
  /** The store as the user named it (a file path or a postgres:// URL): pass it on, never print it. */
  storePath: string;
  /** What to print about the store: the file, or the URL without its password. */
  storeName: string;
  /** Which store, why, and whether the bot started in this folder uses the same one. */
  storeChoice: StoreChoice;
  json: boolean;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  /** All of standard input as text; undefined when it is a terminal (nothing was piped in). */
  stdin: () => Promise<string | undefined>;
  /** Asks the person at the terminal; undefined when standard input or output is not a terminal. */
  prompter: Prompter | undefined;
  /**
   * Opened on first use, so commands that need no store (node pair) never touch it. `policy` sets numbers
   * for this process (the gateway's pending caps from its flags); it counts on the first call only.
   * Opening it says which store it is (on stderr, not with --json) when that is not the .env's.
   */
  store: (policy?: Partial<Policy>) => PairingStore;
}

export function cliContext(options: { store?: string | undefined; json?: boolean | undefined }, env = process.env): CliContext {
  const choice = storeChoice(options.store, env);
  const location = choice.location;
  let store: PairingStore | undefined;
  const ctx: CliContext = {
    storePath: location.kind === "file" ? location.file : location.url,
    get storeName() {
      return describeLocation(location);
    },
    storeChoice: choice,
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
    prompter: process.stdin.isTTY && process.stdout.isTTY ? terminalPrompter : undefined,
    store: (policy) => {
      if (store) return store;
      const note = ctx.json ? undefined : storeNote(choice);
      if (note) ctx.err(note);
      return (store = openStore({ location, ...(policy ? { policy } : {}) }));
    },
  };
  return ctx;
}
