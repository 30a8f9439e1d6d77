import { defineCommand } from "../define.js";
import { json, relativeTo, table } from "../format.js";

const SHOWN = 50;

/** Who approved, denied, rejected, revoked or cleaned up what, and when: oldest first. */
export const auditCommand = defineCommand({
  name: "audit",
  summary: "the log of pairing decisions",
  notes: [`Shows the last ${SHOWN} entries; --json gives all.`],
  async run(_input, ctx) {
    const store = ctx.store();
    const entries = await store.audit();
    if (ctx.json) {
      ctx.out(json(entries));
      return 0;
    }
    if (entries.length === 0) {
      ctx.out("The audit log is empty.");
      return 0;
    }
    const when = await relativeTo(store.clock());
    const shown = entries.slice(-SHOWN);
    const rows = shown.map((e) => [new Date(e.at).toISOString().slice(0, 19).replace("T", " "), when(e.at), e.action, e.actor, e.subject]);
    for (const line of table(["TIME (UTC)", "WHEN", "ACTION", "ACTOR", "SUBJECT"], rows)) ctx.out(line);
    if (shown.length < entries.length) ctx.out(`(the last ${SHOWN} of ${entries.length} entries; --json gives all)`);
    return 0;
  },
});
