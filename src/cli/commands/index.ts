import type { Command } from "../command.js";
import { allowedCommand, allowlistCommands } from "./allowlist.js";
import { auditCommand } from "./audit.js";
import { devicesCommands } from "./devices.js";
import { importOpenClawCommand } from "./import-openclaw.js";
import { dmRequestCommand } from "./dm-request.js";
import { pairingCommands } from "./pairing.js";
import { settingsCommand } from "./settings.js";
import { setupCodeCommand } from "./setup-code.js";
import { storeCopyCommand } from "./store.js";

/** Commands with subcommands ("pairing approve"), in the order the help lists them. */
export const GROUPS = new Map<string, Map<string, Command>>([
  ["dm", new Map([["request", dmRequestCommand]])],
  ["pairing", new Map(Object.entries(pairingCommands))],
  ["allowlist", new Map(Object.entries(allowlistCommands))],
  ["devices", new Map(Object.entries(devicesCommands))],
  ["import", new Map([["openclaw", importOpenClawCommand]])],
  ["store", new Map([["copy", storeCopyCommand]])],
]);

/** Commands that stand alone ("audit"). */
export const SINGLES = new Map<string, Command>([
  ["allowed", allowedCommand],
  ["setup-code", setupCodeCommand],
  ["audit", auditCommand],
  ["settings", settingsCommand],
]);

/**
 * `gateway` and `node` live in their own modules, loaded only when asked for (they pull in ws and
 * crypto); these lines for the help repeat their usage so that printing it loads neither.
 */
export const EXTERNAL = [
  {
    usage: "gateway [--host H] [--port P] [--cert FILE --key FILE] [--policy CHANNEL=POLICY,...] [--accounts CHANNEL=ACCOUNT,...] [--channel-token-file FILE] [--max-pending-per-channel N] [--max-pending N] [--max-connections N] [--max-connections-per-address N] [--trust-proxy ADDR,...] [--locale en|de|ru]",
    summary: "run the reference WebSocket gateway",
  },
  { usage: "node pair <setupCode> [--name N] [--platform P] [--role node|operator] [--scopes a,b] [--state FILE]", summary: "pair this machine as a device (a stand-in for the app)" },
  { usage: "node connect [--state FILE] [--stay]", summary: "connect as a paired device" },
] as const;
