import { UsageError } from "../args.js";
import { CLI_ACTOR, type Command } from "../command.js";
import { json, table } from "../format.js";

/** Settings every process on the store shares: list them, or set one. */
export const settingsCommand: Command = {
  usage: "settings [--json] | settings set <name> <value>",
  summary: "the settings every process shares (code lifetime, pending cap, deny cool-down, ...)",
  args: ["set?", "name?", "value?"],
  options: [],
  async run({ args: [action, name, value] }, ctx) {
    const store = ctx.store();
    if (action === undefined) {
      const settings = await store.settings();
      if (ctx.json) ctx.out(json(settings));
      else {
        const rows = settings.map((s) => [s.name, shown(s.value), s.set ? "yes" : "no", shown(s.default), s.description]);
        for (const line of table(["NAME", "VALUE", "SET", "DEFAULT", "WHAT"], rows)) ctx.out(line);
      }
      return 0;
    }
    if (action !== "set" || name === undefined || value === undefined) {
      throw new UsageError(action === "set" ? "Name a setting and its value." : `Unknown command "settings ${action}".`, [`pairbot ${settingsCommand.usage}`, "  e.g. pairbot settings set dm.codeTtl 24h"]);
    }
    const setting = await store.setSetting(name, value, CLI_ACTOR);
    ctx.out(ctx.json ? json(setting) : `${setting.name} is ${shown(setting.value)} now${setting.value === setting.default ? " (the default)" : ""}.`);
    return 0;
  },
};

/** An empty list reads as "none", not as a blank. */
const shown = (value: string): string => (value === "" ? "(none)" : value);
