import type { Section } from "../define.js";
import { allowedCommand, allowlistGroup } from "./allowlist.js";
import { auditCommand } from "./audit.js";
import { blockCommand, unblockCommand } from "./block.js";
import { botCommand } from "./bot.js";
import { devicesGroup } from "./devices.js";
import { dmGroup } from "./dm-request.js";
import { doctorCommand } from "./doctor.js";
import { gatewayCommand } from "./gateway.js";
import { importGroup } from "./import-openclaw.js";
import { nodeGroup } from "./node.js";
import { pairingGroup } from "./pairing.js";
import { settingsGroup } from "./settings.js";
import { setupCodeCommand } from "./setup-code.js";
import { storeGroup } from "./store.js";
import { watchCommand } from "./watch.js";

/**
 * Every `pairbot` command, in the order the overall help lists them. A command is found, parsed and
 * described from here: add a new one (see src/cli/define.ts) to the section it belongs to.
 */
export const SECTIONS: readonly Section[] = [
  { title: "DM pairing (who may message the assistant)", entries: [dmGroup, pairingGroup, allowlistGroup, allowedCommand, blockCommand, unblockCommand, importGroup] },
  { title: "Device pairing (which devices may join the gateway)", entries: [setupCodeCommand, devicesGroup] },
  { title: "Settings (shared by every process on the store)", entries: [settingsGroup] },
  { title: "Log, events, store and setup", entries: [auditCommand, watchCommand, storeGroup, doctorCommand] },
  { title: "Running the bot, the reference gateway and a device", entries: [botCommand, gatewayCommand, nodeGroup] },
];

export const ENTRIES = SECTIONS.flatMap((s) => s.entries);
