import { copyStore, describeLocation, locationOf } from "../../store/index.js";
import type { Command } from "../command.js";
import { json, table } from "../format.js";

/** `pairbot store copy <from> <to>`: moves a whole store between a file and PostgreSQL. */
export const storeCopyCommand: Command = {
  usage: "store copy <from> <to> [--force]",
  summary: "copy a whole store (a file path or a postgres:// URL) into an empty one, checking every count",
  args: ["from", "to"],
  options: [],
  switches: ["force"],
  async run({ args, flags }, ctx) {
    const from = locationOf(args[0]!);
    const to = locationOf(args[1]!);
    const counts = await copyStore(from, to, { force: flags.force === "true" });
    if (ctx.json) {
      ctx.out(json({ from: describeLocation(from), to: describeLocation(to), counts }));
      return 0;
    }
    ctx.out(`Copied ${describeLocation(from)} to ${describeLocation(to)}; every count matches:`);
    for (const line of table(["PART", "COUNT"], Object.entries(counts).map(([part, n]) => [part, String(n)]))) ctx.out(`  ${line}`);
    return 0;
  },
};
