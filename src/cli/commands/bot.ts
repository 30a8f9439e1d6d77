import { defineCommand } from "../define.js";
import { startBot } from "../doors.js";

/** `pairbot bot`: the Telegram bot, for an install without the clone's `npm start` (a service, a global install). */
export const botCommand = defineCommand({
  name: "bot",
  summary: "run the Telegram bot (what npm start runs in the clone), with the .env of this folder",
  notes: ["Stops on SIGINT or SIGTERM. Settings: .env here (see .env.example); pairbot doctor checks them."],
  examples: ["pairbot bot"],
  async run(): Promise<number> {
    await startBot(); // runs until stopped; it exits the process itself
    return new Promise<number>(() => undefined);
  },
});
