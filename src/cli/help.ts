import { GLOBAL_FLAGS, type AnyCommand, type Entry, type FlagDef, type Flags, type GroupDef, type Section } from "./define.js";

/** Every usage text is derived here from the command definitions; none is written by hand. */

export const MAIN_USAGE = "pairbot [--store PATH|URL] [--json] <command> ...   (pairbot --help lists the commands)";

const flagUsage = (name: string, def: FlagDef): string =>
  def.type === "boolean" ? `--${name}` : `--${name} ${def.choices ? def.choices.join("|") : (def.value ?? "VALUE")}`;

/** `pairbot pairing approve <channel> <code|senderId> [--account A]`. */
export function usageLine(path: readonly string[], command: AnyCommand): string {
  const args = command.args.map((a) => (a.required === false ? `[${a.name}]` : `<${a.name}>`));
  const flags = Object.entries(command.flags as Flags).map(([name, def]) => `[${flagUsage(name, def)}]`);
  return ["pairbot", ...path, ...args, ...flags].join(" ");
}

/** One usage line per command of a group. */
export function groupUsage(path: readonly string[], group: GroupDef): string[] {
  return group.commands.map((c) => usageLine([...path, c.name], c));
}

/** Two columns: names on the left, padded, descriptions on the right. */
function columns(rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

const globalRows = (): [string, string][] => Object.entries(GLOBAL_FLAGS as Flags).map(([name, def]) => [flagUsage(name, def), def.description]);

/** `pairbot <command> --help`. */
export function commandHelp(path: readonly string[], command: AnyCommand): string[] {
  const lines = [`Usage: ${usageLine(path, command)}`, "", capitalized(command.summary) + "."];
  if (command.args.length > 0) lines.push("", "Arguments:", ...columns(command.args.map((a) => [a.name, a.description])));
  const flags = Object.entries(command.flags as Flags);
  if (flags.length > 0) lines.push("", "Flags:", ...columns(flags.map(([name, def]) => [flagUsage(name, def), def.description])));
  lines.push("", "Global flags:", ...columns(globalRows()));
  if (command.notes.length > 0) lines.push("", ...command.notes);
  if (command.examples.length > 0) lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  return lines;
}

/** `pairbot pairing --help`: the group's commands with their usage and summary. */
export function groupHelp(path: readonly string[], group: GroupDef): string[] {
  return [`${capitalized(group.summary)}.`, "", "Usage:", ...group.commands.flatMap((c) => entryLines([...path, c.name], c)), "", `pairbot ${path.join(" ")} <command> --help shows one command's arguments and flags.`];
}

// Past this width the overall help shortens a usage line's flags to "[flags]" (the gateway has a dozen).
const WIDE = 110;

function entryLines(path: readonly string[], command: AnyCommand): string[] {
  const full = usageLine(path, command);
  const short = Object.keys(command.flags).length > 0 ? `${usageLine(path, { ...command, flags: {} })} [flags]` : full;
  return [`  ${full.length > WIDE ? short : full}`, `      ${command.summary}`];
}

const leaves = (path: readonly string[], entry: Entry): [string[], AnyCommand][] =>
  entry.kind === "command" ? [[[...path, entry.name], entry]] : entry.commands.map((c) => [[...path, entry.name, c.name], c]);

/** The whole manual in short: every command, then the global flags; `storeLine` says which store is used. */
export function fullHelp(sections: readonly Section[], storeLine: string): string[] {
  const lines = ["pairbot: the owner's console for pairing chat senders and devices.", "", `Usage: ${MAIN_USAGE}`];
  for (const section of sections) {
    lines.push("", `${section.title}:`, ...section.entries.flatMap((e) => leaves([], e)).flatMap(([path, c]) => entryLines(path, c)));
  }
  lines.push("", "Global flags, anywhere on the line:", ...columns(globalRows()), "", storeLine);
  return lines;
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
