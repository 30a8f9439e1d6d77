import { isPairbotError } from "../store/errors.js";
import { ENTRIES, SECTIONS } from "./commands/index.js";
import { cliContext, type CliContext } from "./context.js";
import { storeLine } from "./store-source.js";
import { commandHelp, fullHelp, groupHelp, groupUsage } from "./help.js";
import { UsageError, parseLine, type Globals, type ParsedLine } from "./parse.js";

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Makes the context once the global flags are known; tests pass one that records what is printed. */
  context?: (globals: Globals) => CliContext;
  /** Where a line that is misused goes before any context exists (standard error). */
  err?: (line: string) => void;
}

/** Runs one `pairbot` command line and returns its exit code: 0 done, 1 refused or failed, 2 misused. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  let err = options.err ?? ((line: string) => void process.stderr.write(line + "\n"));
  try {
    const line = parseLine(argv, ENTRIES);
    const ctx = (options.context ?? ((globals) => cliContext(globals, env)))(line.globals);
    err = ctx.err;
    return await dispatch(line, ctx);
  } catch (e) {
    return reportError(e, err, env);
  }
}

async function dispatch({ globals, path, target, input }: ParsedLine, ctx: CliContext): Promise<number> {
  if (globals.version) return print([`pairbot ${(await import("./version.js")).version()}`], ctx);
  if (target === undefined) {
    // A bare `pairbot` prints the help as a usage error would.
    if (!globals.help) {
      for (const line of fullHelp(SECTIONS, storeLine(ctx.storeChoice))) ctx.err(line);
      return 2;
    }
    return print(fullHelp(SECTIONS, storeLine(ctx.storeChoice)), ctx);
  }
  if (target.kind === "group") {
    if (globals.help) return print(groupHelp(path, target), ctx);
    throw new UsageError(`"${path.join(" ")}" needs a subcommand: ${target.commands.map((c) => c.name).join(", ")}.`, groupUsage(path, target));
  }
  if (globals.help) return print(commandHelp(path, target), ctx);
  if (target.alwaysJson) ctx.json = true;
  return target.run(input!, ctx);
}

function print(lines: string[], ctx: CliContext): number {
  for (const line of lines) ctx.out(line);
  return 0;
}

/** A store reason ("Invalid channel: ...") is also quoted inside lists; on its own line it ends as a sentence. */
const asSentence = (message: string): string => (/[.?!]$/.test(message) ? message : `${message}.`);

function reportError(e: unknown, err: (line: string) => void, env: NodeJS.ProcessEnv): number {
  if (e instanceof UsageError) {
    err(e.message);
    for (const line of e.usage) err(`Usage: ${line}`);
    return 2;
  }
  if (isPairbotError(e)) {
    err(asSentence(e.message));
    return 1;
  }
  if (env["PAIRBOT_DEBUG"] === "1") {
    err(e instanceof Error && e.stack ? e.stack : String(e));
  } else {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    err(`pairbot failed unexpectedly: ${message} (run with PAIRBOT_DEBUG=1 for details)`);
  }
  return 1;
}
