import os from "node:os";
import path from "node:path";

/** A mistake in how pairbot was called: exit 2, with the usage line of the command meant. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly usage: string[],
  ) {
    super(message);
  }
}

export interface GlobalFlags {
  store: string | undefined;
  json: boolean;
  help: boolean;
  /** Everything else, in order; what follows "--" is kept verbatim. */
  rest: string[];
}

/** Takes --store, --json and --help out of the line wherever they are, up to a "--". */
export function extractGlobals(argv: readonly string[]): GlobalFlags {
  const flags: GlobalFlags = { store: undefined, json: false, help: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      flags.rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--json") flags.json = true;
    else if (arg === "--help" || arg === "-h") flags.help = true;
    else if (arg.startsWith("--store=")) flags.store = storePath(arg.slice("--store=".length));
    else if (arg === "--store") flags.store = storePath(argv[++i]);
    else flags.rest.push(arg);
  }
  return flags;
}

function storePath(value: string | undefined): string {
  if (value === undefined || value === "" || value.startsWith("--")) {
    throw new UsageError("--store needs a file path or a PostgreSQL URL, like --store ~/.pairbot/store.json or --store postgres://pairbot@db:5432/pairbot", ["pairbot [--store PATH|URL] [--json] <command> ..."]);
  }
  // The shell leaves "~" alone in --store=~/x; expand it as the user meant.
  return value.startsWith("~/") ? path.join(os.homedir(), value.slice(2)) : value;
}

export interface CommandShape {
  usage: string;
  /** Names of the positional arguments, in order; a trailing "?" marks an optional one. */
  args: readonly string[];
  /** String-valued options this command accepts (without "--"). */
  options: readonly string[];
  /** Options that take no value ("--dry-run"); parsed as "true" when given. */
  switches?: readonly string[];
}

export interface ParsedCommand {
  args: string[];
  flags: Record<string, string | undefined>;
}

/**
 * Parses a command's own arguments strictly: unknown options, missing values and extra words are usage
 * errors. Options are long ("--name N") and take a value; any other word is an argument, even one that
 * starts with "-": a Telegram group id (-100123) or a base64url request id (-NJxitLgldsG).
 */
export function parseCommand(shape: CommandShape, argv: readonly string[]): ParsedCommand {
  const fail = (problem: string) => new UsageError(problem, [`pairbot ${shape.usage}`]);
  const args: string[] = [];
  const flags: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith("--")) {
      args.push(word);
      continue;
    }
    const [name, inline] = splitOption(word);
    if (shape.switches?.includes(name)) {
      if (inline !== undefined) throw fail(`Option --${name} takes no value.`);
      flags[name] = "true";
      continue;
    }
    if (!shape.options.includes(name)) throw fail(`Unknown option --${name}.`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) throw fail(`Option --${name} needs a value.`);
    flags[name] = value;
  }
  const required = shape.args.filter((a) => !a.endsWith("?")).length;
  if (args.length < required) throw fail(`Missing <${shape.args[args.length]}>.`);
  if (args.length > shape.args.length) throw fail(`Unexpected argument "${args[shape.args.length]}".`);
  return { args, flags };
}

function splitOption(word: string): [string, string | undefined] {
  const body = word.slice(2);
  const eq = body.indexOf("=");
  return eq === -1 ? [body, undefined] : [body.slice(0, eq), body.slice(eq + 1)];
}
