import { PairbotError, SETTINGS } from "../../store/index.js";
import { CLI_ACTOR } from "../actor.js";
import { defineCommand, defineGroup } from "../define.js";
import { json, table } from "../format.js";
import { closest } from "../suggest.js";

/** An empty list reads as "none", not as a blank. */
const shown = (value: string): string => (value === "" ? "(none)" : value);

const list = defineCommand({
  name: "list",
  summary: "every setting with its value, default and whether it was set",
  examples: ["pairbot settings", "pairbot settings list --json"],
  async run(_input, ctx) {
    const settings = await ctx.store().settings();
    if (ctx.json) ctx.out(json(settings));
    else {
      const rows = settings.map((s) => [s.name, shown(s.value), s.set ? "yes" : "no", shown(s.default), s.description]);
      for (const line of table(["NAME", "VALUE", "SET", "DEFAULT", "WHAT"], rows)) ctx.out(line);
    }
    return 0;
  },
});

const set = defineCommand({
  name: "set",
  summary: "change one setting for every process on the store (audited)",
  args: [
    { name: "name", description: "a setting's name, like dm.codeTtl (pairbot settings lists them)" },
    { name: "value", description: "its new value: a duration like 24h, a number, or a comma-separated list" },
  ],
  examples: ["pairbot settings set dm.codeTtl 24h", "pairbot settings set device.autoApproveCidrs 192.168.1.0/24"],
  async run({ args: { name, value } }, ctx) {
    const names = SETTINGS.map((s) => s.name);
    const near = names.includes(name.trim()) ? undefined : closest(name.trim(), names);
    if (near) throw new PairbotError("invalid_input", `There is no setting "${name}"; did you mean "${near}"?`, { name });
    const setting = await ctx.store().setSetting(name, value, CLI_ACTOR);
    ctx.out(ctx.json ? json(setting) : `${setting.name} is ${shown(setting.value)} now${setting.value === setting.default ? " (the default)" : ""}.`);
    return 0;
  },
});

/** Settings every process on the store shares: `pairbot settings` lists them, `settings set` changes one. */
export const settingsGroup = defineGroup({
  name: "settings",
  summary: "the settings every process shares (code lifetime, pending cap, deny cool-down, ...)",
  commands: [list, set],
  bare: list,
});
