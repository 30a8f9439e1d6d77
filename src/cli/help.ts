import type { Command } from "./command.js";
import { EXTERNAL, GROUPS, SINGLES } from "./commands/index.js";

export const MAIN_USAGE = "pairbot [--store PATH|URL] [--json] <command> ...   (pairbot --help lists the commands)";

const entry = (c: { usage: string; summary: string }) => [`  pairbot ${c.usage}`, `      ${c.summary}`];

const sections = (): [string, { usage: string; summary: string }[]][] => [
  ["DM pairing (who may message the assistant)", [...GROUPS.get("dm")!.values(), ...GROUPS.get("pairing")!.values(), ...GROUPS.get("allowlist")!.values(), SINGLES.get("allowed")!, ...GROUPS.get("import")!.values()]],
  ["Device pairing (which devices may join the gateway)", [SINGLES.get("setup-code")!, ...GROUPS.get("devices")!.values()]],
  ["Settings (shared by every process on the store)", [SINGLES.get("settings")!]],
  ["Log", [SINGLES.get("audit")!]],
  ["Reference gateway and device (their own --help has more)", [...EXTERNAL]],
];

/** The whole manual in short: every command, then where the store is. */
export function fullHelp(): string[] {
  const lines = ["pairbot: the owner's console for pairing chat senders and devices.", "", `Usage: ${MAIN_USAGE}`];
  for (const [title, commands] of sections()) lines.push("", `${title}:`, ...commands.flatMap(entry));
  lines.push(
    "",
    "Global options, anywhere on the line:",
    "  --store PATH|URL  the store file or a postgres:// URL (else $STORE_URL, else $STORE_PATH, else ~/.pairbot/store.json)",
    "  --json         machine output, stable for scripts",
    "  --help         this text, or the usage of one command",
  );
  return lines;
}

export const usageLines = (commands: Iterable<Command>): string[] => [...commands].map((c) => `pairbot ${c.usage}`);
