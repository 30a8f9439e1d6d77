import type { CliContext } from "./context.js";

/**
 * How a `pairbot` command is defined: everything the parser, its error messages, `--help` and the
 * overall usage need comes from this one object, so a usage text can never drift from what is parsed.
 *
 * To add a command: write `export const fooCommand = defineCommand({ name, summary, args, flags,
 * examples, run })` in a file under src/cli/commands/, and list it (alone, or in a group made with
 * `defineGroup`) in a section of src/cli/commands/index.ts. `run` gets typed `args` and `flags`
 * (a string flag is `string | undefined`, a boolean flag is `boolean`) and returns the exit code.
 */

export interface ArgDef {
  /** As shown in the usage: `<channel>`, or `[channel]` when optional. */
  readonly name: string;
  readonly description: string;
  /** Required unless false. Optional arguments come after the required ones. */
  readonly required?: boolean;
}

export interface FlagDef {
  readonly type: "string" | "boolean";
  readonly description: string;
  /** The value's placeholder in the usage: `--account A`. Choices, when given, are shown instead. */
  readonly value?: string;
  /** The only values accepted; anything else is a usage error naming them. */
  readonly choices?: readonly string[];
}

export type Flags = Readonly<Record<string, FlagDef>>;

type ArgValues<A extends readonly ArgDef[]> = {
  [K in A[number] as K["name"]]: K extends { required: false } ? string | undefined : string;
};

type FlagValues<F extends Flags> = {
  [K in keyof F]: F[K] extends { type: "boolean" } ? boolean : string | undefined;
};

export interface CommandInput<A extends readonly ArgDef[] = readonly ArgDef[], F extends Flags = Flags> {
  args: ArgValues<A>;
  flags: FlagValues<F>;
}

export interface CommandDef<A extends readonly ArgDef[] = readonly ArgDef[], F extends Flags = Flags> {
  readonly kind: "command";
  readonly name: string;
  /** One line for the overall help: what the command does, starting lower case. */
  readonly summary: string;
  readonly args: A;
  readonly flags: F;
  /** Whole command lines, `pairbot ...`, shown under the command's --help. */
  readonly examples: readonly string[];
  /** Sentences shown under the command's --help, before the examples. */
  readonly notes: readonly string[];
  /** Prints JSON whether or not --json is given (what gateways call): no human lines around it. */
  readonly alwaysJson: boolean;
  run(input: CommandInput<A, F>, ctx: CliContext): Promise<number>;
}

/** A word that only groups commands: `pairing` in `pairbot pairing approve`. */
export interface GroupDef {
  readonly kind: "group";
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly AnyCommand[];
  /** What the group's word alone runs (`pairbot settings` lists them); without one it asks for a subcommand. */
  readonly bare?: AnyCommand;
}

// `run` is checked where the command is defined; here any command's input will do.
export type AnyCommand = CommandDef<readonly ArgDef[], any>;
export type Entry = AnyCommand | GroupDef;

export function defineCommand<const A extends readonly ArgDef[] = readonly [], const F extends Flags = {}>(def: {
  name: string;
  summary: string;
  args?: A;
  flags?: F;
  examples?: readonly string[];
  notes?: readonly string[];
  alwaysJson?: boolean;
  run(input: CommandInput<A, F>, ctx: CliContext): Promise<number>;
}): CommandDef<A, F> {
  return { kind: "command", args: [] as unknown as A, flags: {} as F, examples: [], notes: [], alwaysJson: false, ...def };
}

export function defineGroup(def: { name: string; summary: string; commands: readonly AnyCommand[]; bare?: AnyCommand }): GroupDef {
  return { kind: "group", ...def };
}

/** Flags every command takes, anywhere on the line before a "--". */
export const GLOBAL_FLAGS = {
  store: {
    type: "string",
    value: "PATH|URL",
    description: "the store file or a postgres:// URL (else $STORE_URL, else $STORE_PATH, else ~/.pairbot/store.json)",
  },
  json: { type: "boolean", description: "machine output, stable for scripts" },
  help: { type: "boolean", description: "this text, or the help of one command (also: pairbot help <command>)" },
  version: { type: "boolean", description: "print pairbot's version" },
} as const satisfies Flags;

/** A part of the overall help: a title and the commands (or groups) listed under it. */
export interface Section {
  readonly title: string;
  readonly entries: readonly Entry[];
}
