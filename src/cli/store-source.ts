import { readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { describeLocation, storeLocation, type StoreLocation } from "../store/index.js";

/** Which store the CLI uses, why, and whether it is the one the .env of the current folder gives the bot. */
export interface StoreChoice {
  location: StoreLocation;
  /** "--store", ".env", "STORE_PATH in the environment", "the default". */
  origin: string;
  /** What the .env here gives (the default when it names none); undefined without a .env. */
  envFileStore: StoreLocation | undefined;
  /** Whether the CLI's store is the .env's: false also when there is no .env here. */
  matchesEnvFile: boolean;
}

/**
 * `env` already holds the .env's variables (main.ts loads it; the shell's win), so the .env is read
 * again here to tell them apart: a shell variable or --store that differs from .env is worth a line.
 */
export function storeChoice(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): StoreChoice {
  const given = storeLocation(explicit, env);
  const fromFile = readEnvFile(path.join(cwd, ".env"));
  let envFileStore: StoreLocation | undefined;
  try {
    envFileStore = fromFile && storeLocation(undefined, { STORE_URL: fromFile["STORE_URL"], STORE_PATH: fromFile["STORE_PATH"] });
  } catch {
    envFileStore = undefined; // a .env naming both: the bot refuses to start, doctor says why
  }
  const key = env["STORE_URL"]?.trim() ? "STORE_URL" : env["STORE_PATH"]?.trim() ? "STORE_PATH" : undefined;
  const origin =
    explicit !== undefined ? "--store" : key === undefined ? "the default" : fromFile?.[key] === env[key] ? ".env" : `${key} in the environment`;
  // The same STORE_URL read from .env: say so, since that is the file to fix.
  const location: StoreLocation = given.kind === "postgres" && origin === ".env" ? { ...given, source: "STORE_URL in .env" } : given;
  return { location, origin, envFileStore, matchesEnvFile: envFileStore !== undefined && sameStore(location, envFileStore, cwd) };
}

/**
 * The line a command prints when its store is not the one the .env here gives; undefined when it is,
 * and when --store, STORE_URL or STORE_PATH named it with no .env here to contradict it (the user said which one).
 */
export function storeNote(choice: StoreChoice): string | undefined {
  if (choice.matchesEnvFile || (choice.origin !== "the default" && !choice.envFileStore)) return undefined;
  const used = `Store: ${describeLocation(choice.location)} (${choice.origin})`;
  return choice.envFileStore
    ? `${used}; the .env here gives ${describeLocation(choice.envFileStore)}, so the bot started here uses that one.`
    : `${used}; there is no .env here, so the bot may use another store.`;
}

/** Always said in --help and doctor: the store, where it came from, and whether the bot here agrees. */
export function storeLine(choice: StoreChoice): string {
  const used = `Store: ${describeLocation(choice.location)} (${choice.origin})`;
  return choice.matchesEnvFile ? `${used}, the same as the bot started here.` : (storeNote(choice) ?? `${used}; there is no .env here, so the bot may use another store.`);
}

function readEnvFile(file: string): Record<string, string | undefined> | undefined {
  try {
    return parseEnv(readFileSync(file, "utf8"));
  } catch {
    return undefined; // none, or unreadable: nothing to compare with
  }
}

const sameStore = (a: StoreLocation, b: StoreLocation, cwd: string): boolean =>
  a.kind === "file" && b.kind === "file" ? path.resolve(cwd, a.file) === path.resolve(cwd, b.file) : a.kind === "postgres" && b.kind === "postgres" && a.url === b.url;
