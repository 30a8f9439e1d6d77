import { defineCommand } from "../define.js";
import { startBot } from "../doors.js";

/** `pairbot bot`: the Telegram bot, for an install without the clone's `npm start` (a service, a global install). */
export const botCommand = defineCommand({
  name: "bot",
  summary: "run the Telegram bot (what npm start runs in the clone), with the .env of this folder",
  notes: ["Stops on SIGINT or SIGTERM. Settings: .env here (see .env.example; --store wins over its store); pairbot doctor checks them."],
  examples: ["pairbot bot"],
  async run(_input, ctx): Promise<number> {
    // --store names the bot's store as it does every command's: the bot reads it from the environment.
    if (ctx.storeChoice.origin === "--store") {
      const location = ctx.storeChoice.location;
      process.env["STORE_URL"] = location.kind === "file" ? "" : location.url;
      process.env["STORE_PATH"] = location.kind === "file" ? location.file : "";
    }
    await startBot(); // runs until stopped; it exits the process itself
    return new Promise<number>(() => undefined);
  },
});
