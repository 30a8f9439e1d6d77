import os from "node:os";
import path from "node:path";
import { GLOBAL_FLAGS, type AnyCommand, type CommandInput, type Entry, type FlagDef, type Flags } from "./define.js";
import { MAIN_USAGE, groupUsage, usageLine } from "./help.js";
import { closest } from "./suggest.js";

/** A mistake in how pairbot was called: exit 2, with the usage lines of the command meant. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly usage: readonly string[],
  ) {
    super(message);
  }
}

export interface Globals {
  store: string | undefined;
  json: boolean;
  help: boolean;
  version: boolean;
}

export interface ParsedLine {
  globals: Globals;
  /** The words that named the command or group: ["pairing", "approve"]; empty for a bare `pairbot`. */
  path: string[];
  /** What the words named; undefined for a bare `pairbot`. */
  target: Entry | undefined;
  /** The command's arguments and flags, checked; only when target is a command and no --help/--version. */
  input: CommandInput | undefined;
}

/**
 * Reads a whole `pairbot` line against the command definitions. Flags are long ("--name N" or
 * "--name=N"; -h is --help); any other word is an argument, even one that starts with "-": a Telegram
 * group id (-100123) or a base64url request id (-NJxitLgldsG). After "--" every word is an argument.
 */
export function parseLine(argv: readonly string[], entries: readonly Entry[]): ParsedLine {
  const globals: Globals = { store: undefined, json: false, help: false, version: false };
  const words: string[] = [];
  let target: Entry | undefined;
  const positionals: string[] = [];
  const flags: Record<string, string | boolean | undefined> = {};
  const usage = (): string[] => (target?.kind === "command" ? [usageLine(words, target)] : target ? groupUsage(words, target) : [MAIN_USAGE]);

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      if (target?.kind !== "command") throw new UsageError(`"--" must follow a command.`, usage());
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === "-h" || word.startsWith("--")) {
      const [name, inline] = word === "-h" ? ["help", undefined] : splitFlag(word);
      const own = target?.kind === "command" ? (target.flags as Flags) : {};
      const def: FlagDef | undefined = own[name] ?? (GLOBAL_FLAGS as Flags)[name];
      if (!def) throw new UsageError(unknownFlag(name, [...Object.keys(own), ...Object.keys(GLOBAL_FLAGS)]), usage());
      let value: string | boolean;
      if (def.type === "boolean") {
        if (inline !== undefined) throw new UsageError(`Flag --${name} takes no value.`, usage());
        value = true;
      } else {
        const next = inline ?? argv[++i];
        if (next === undefined || (inline === undefined && next.startsWith("--"))) throw new UsageError(`Flag --${name} needs a value${def.value ? `: --${name} ${def.value}` : ""}.`, usage());
        value = next;
      }
      if (name in own) flags[name] = value;
      else setGlobal(globals, name, value, usage);
      continue;
    }
    if (target?.kind === "command") {
      positionals.push(word);
      continue;
    }
    if (target === undefined && words.length === 0 && word === "help" && !globals.help) {
      globals.help = true; // `pairbot help pairing approve` is `pairbot pairing approve --help`
      continue;
    }
    const choices = target?.commands ?? entries;
    const next = choices.find((e) => e.name === word);
    if (!next) {
      if (globals.help && target) break; // `pairbot pairing frob --help`: the group's help
      const named = [...words, word].join(" ");
      const guess = closest(word, choices.map((e) => e.name));
      throw new UsageError(`Unknown command "${named}"${guess ? `; did you mean "${[...words, guess].join(" ")}"?` : "."}`, usage());
    }
    words.push(word);
    target = next;
  }

  if (target?.kind === "group" && target.bare && !globals.help) target = target.bare;
  if (target?.kind !== "command" || globals.help || globals.version) return { globals, path: words, target, input: undefined };
  return { globals, path: words, target, input: checkInput(target, positionals, flags, usage()) };
}

function checkInput(command: AnyCommand, positionals: string[], given: Record<string, string | boolean | undefined>, usage: string[]): CommandInput {
  const fail = (problem: string) => new UsageError(problem, usage);
  const required = command.args.filter((a) => a.required !== false);
  if (positionals.length < required.length) throw fail(`Missing <${required[positionals.length]!.name}>.`);
  if (positionals.length > command.args.length) throw fail(`Unexpected argument "${positionals[command.args.length]}".`);
  const args: Record<string, string | undefined> = {};
  command.args.forEach((a, i) => (args[a.name] = positionals[i]));
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [name, def] of Object.entries(command.flags as Flags)) {
    const value = given[name];
    if (def.type === "boolean") flags[name] = value === true;
    else {
      if (typeof value === "string" && def.choices && !def.choices.includes(value)) throw fail(`--${name} must be ${orList(def.choices)}, not "${value}".`);
      flags[name] = value;
    }
  }
  return { args, flags } as CommandInput;
}

function setGlobal(globals: Globals, name: string, value: string | boolean, usage: () => string[]): void {
  if (name === "store") {
    const text = value as string;
    if (text === "") throw new UsageError("--store needs a file path or a PostgreSQL URL, like --store ~/.pairbot/store.json or --store postgres://pairbot@db:5432/pairbot.", usage());
    // The shell leaves "~" alone in --store=~/x; expand it as the user meant.
    globals.store = text.startsWith("~/") ? path.join(os.homedir(), text.slice(2)) : text;
  } else if (name === "json" || name === "help" || name === "version") globals[name] = value === true;
}

function unknownFlag(name: string, known: string[]): string {
  const guess = closest(name, known);
  return `Unknown flag --${name}${guess ? `; did you mean --${guess}?` : "."}`;
}

function splitFlag(word: string): [string, string | undefined] {
  const body = word.slice(2);
  const eq = body.indexOf("=");
  return eq === -1 ? [body, undefined] : [body.slice(0, eq), body.slice(eq + 1)];
}

/** "node or operator", "en, de or ru". */
export const orList = (items: readonly string[]): string => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);

