import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { tempDir } from "../support/temp-store.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "bin", "pairbot.js");
/** An empty working folder: a developer's own .env in the repo must not reach the tests. */
const emptyFolder = mkdtempSync(path.join(os.tmpdir(), "pairbot-cli-cwd-"));

/** Each run starts a Node process; on a busy 2-core machine a dozen of them can take several seconds. */
export const SPAWNS_TIMEOUT = 90_000;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  const main = path.join(root, "dist", "src", "cli", "main.js");
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
}

/** Runs the real compiled CLI, as a user would, with only the environment given (plus PATH). */
export function pairbot(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; cwd?: string; input?: string } = {}): Promise<CliRun> {
  const env = { PATH: process.env["PATH"], HOME: process.env["HOME"], ...options.env };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], { env, cwd: options.cwd ?? emptyFolder }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** A CLI bound to one store file, for tests that run many commands against it. */
export const cliFor =
  (store: string) =>
  (args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun> =>
    pairbot([...args, "--store", store], env ? { env } : {});

/** The same, with text piped to the command's standard input. */
export const cliWithInput =
  (store: string) =>
  (args: string[], input: string): Promise<CliRun> =>
    pairbot([...args, "--store", store], { input });

export const parsed = (run: CliRun): unknown => JSON.parse(run.stdout);

/** Text as a literal inside a RegExp (an OS user name in the CLI's actor may hold `.` or `+`). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A folder for one test file's stores, made before its tests and removed after; the result names a store file in it. */
export function cliStores(): (name: string) => string {
  let folder: ReturnType<typeof tempDir> | undefined;
  beforeAll(() => {
    assertBuilt();
    folder = tempDir("pairbot-cli-");
  });
  afterAll(() => folder?.remove());
  return (name) => path.join(folder!.dir, name, "store.json");
}
