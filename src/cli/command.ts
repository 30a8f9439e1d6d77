import type { CommandShape, ParsedCommand } from "./args.js";
import type { CliContext } from "./context.js";

/** Who the audit log names for changes made from the command line. */
export const CLI_ACTOR = "cli";

/** One `pairbot` command: how it is called, a line for the help, and what it does. Returns the exit code. */
export interface Command extends CommandShape {
  summary: string;
  run(input: ParsedCommand, ctx: CliContext): Promise<number>;
}
