import { isPairbotError } from "../store/errors.js";
import { UsageError, extractGlobals, parseCommand, type GlobalFlags } from "./args.js";
import { GROUPS, SINGLES } from "./commands/index.js";
import { cliContext, type CliContext } from "./context.js";
import { MAIN_USAGE, fullHelp, usageLines } from "./help.js";

/** Runs one `pairbot` command line and returns its exit code: 0 done, 1 refused or failed, 2 misused. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const err = (line: string) => process.stderr.write(line + "\n");
  try {
    const globals = extractGlobals(argv);
    return await dispatch(globals, cliContext({ store: globals.store, json: globals.json }, env));
  } catch (e) {
    return reportError(e, err, env);
  }
}

async function dispatch(globals: GlobalFlags, ctx: CliContext): Promise<number> {
  const [name, ...rest] = globals.rest;
  if (name === "help" && rest.length > 0) return dispatch({ ...globals, help: true, rest }, ctx);
  if (name === undefined || name === "help") return help(ctx, name === "help" || globals.help);

  if (name === "gateway" || name === "node") {
    const args = globals.help ? [...rest, "--help"] : rest;
    if (name === "gateway") return (await import("../gateway/cli.js")).gatewayCommand(args, ctx);
    return (await import("../node/cli.js")).nodeCommand(args, ctx);
  }

  const group = GROUPS.get(name);
  if (group) {
    const sub = rest[0];
    const command = sub === undefined ? undefined : group.get(sub);
    if (!command) {
      if (globals.help && sub === undefined) return print(usageLines(group.values()), ctx);
      const problem = sub === undefined ? `"${name}" needs a subcommand.` : `Unknown command "${name} ${sub}".`;
      throw new UsageError(problem, usageLines(group.values()));
    }
    if (globals.help) return print(usageLines([command]), ctx);
    return command.run(parseCommand(command, rest.slice(1)), ctx);
  }

  const command = SINGLES.get(name);
  if (!command) throw new UsageError(`Unknown command "${name}".`, [MAIN_USAGE]);
  if (globals.help) return print(usageLines([command]), ctx);
  return command.run(parseCommand(command, rest), ctx);
}

/** `pairbot help`, `pairbot --help`; a bare `pairbot` prints the same as a usage error. */
function help(ctx: CliContext, asked: boolean): number {
  if (!asked) {
    for (const line of fullHelp()) ctx.err(line);
    return 2;
  }
  return print(fullHelp(), ctx);
}

function print(lines: string[], ctx: CliContext): number {
  for (const line of lines) ctx.out(line);
  return 0;
}

function reportError(e: unknown, err: (line: string) => void, env: NodeJS.ProcessEnv): number {
  if (e instanceof UsageError) {
    err(e.message);
    for (const line of e.usage) err(`Usage: ${line}`);
    return 2;
  }
  if (isPairbotError(e)) {
    err(e.message);
    return 1;
  }
  if (env.PAIRBOT_DEBUG === "1") {
    err(e instanceof Error && e.stack ? e.stack : String(e));
  } else {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    err(`pairbot failed unexpectedly: ${message} (run with PAIRBOT_DEBUG=1 for details)`);
  }
  return 1;
}
