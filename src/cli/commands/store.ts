import { copyStore, describeLocation, locationOf } from "../../store/index.js";
import { defineCommand, defineGroup } from "../define.js";
import { json, table } from "../format.js";

/** `pairbot store copy <from> <to>`: moves a whole store between a file and PostgreSQL. */
const copy = defineCommand({
  name: "copy",
  summary: "copy a whole store (a file path or a postgres:// URL) into an empty one, checking every count",
  args: [
    { name: "from", description: "the store to copy: a file path or a postgres:// URL" },
    { name: "to", description: "an empty store to copy into: a file path or a postgres:// URL" },
  ],
  flags: { force: { type: "boolean", description: "copy into a store that is not empty, replacing what it holds" } },
  examples: ["pairbot store copy ~/.pairbot/store.json postgres://pairbot@db:5432/pairbot"],
  async run({ args, flags }, ctx) {
    const from = locationOf(args.from, "the <from> URL");
    const to = locationOf(args.to, "the <to> URL");
    const counts = await copyStore(from, to, { force: flags.force });
    if (ctx.json) {
      ctx.out(json({ from: describeLocation(from), to: describeLocation(to), counts }));
      return 0;
    }
    ctx.out(`Copied ${describeLocation(from)} to ${describeLocation(to)}; every count matches:`);
    for (const line of table(["PART", "COUNT"], Object.entries(counts).map(([part, n]) => [part, String(n)]))) ctx.out(`  ${line}`);
    return 0;
  },
});

export const storeGroup = defineGroup({ name: "store", summary: "the store as a whole", commands: [copy] });
