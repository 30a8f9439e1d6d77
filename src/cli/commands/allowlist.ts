import { CLI_ACTOR } from "../actor.js";
import { defineCommand, defineGroup } from "../define.js";
import { count, json, printable, relativeTo, table, where } from "../format.js";
import { UsageError } from "../parse.js";
import { parseSenderList, placeOf } from "../sender-list.js";
import { ACCOUNT_FLAG, CHANNEL_ARG, FOR_FLAG, SENDER_ARG, accessFor } from "./sender-args.js";

/** The allowlist: who may message the assistant, per channel and account. */

const list = defineCommand({
  name: "list",
  summary: "who may message the assistant",
  args: [{ ...CHANNEL_ARG, description: "only this channel", required: false }],
  flags: { account: ACCOUNT_FLAG },
  async run({ args: { channel }, flags }, ctx) {
    const store = ctx.store();
    const entries = await store.allowlist({ channel, account: flags.account });
    if (ctx.json) {
      ctx.out(json(entries));
      return 0;
    }
    if (entries.length === 0) {
      ctx.out(channel ? `The allowlist of ${channel} is empty.` : "The allowlist is empty.");
      return 0;
    }
    const when = await relativeTo(store.clock());
    // Temporary access gets a column of its own only when there is some.
    const temporary = entries.some((e) => e.until);
    const rows = entries.map((e) => [e.channel, e.account, e.senderId, e.name ?? "", when(e.addedAt), e.addedBy, ...(temporary ? [e.until ? when(e.until) : ""] : [])]);
    for (const line of table(["CHANNEL", "ACCOUNT", "SENDER", "NAME", "ADDED", "BY", ...(temporary ? ["UNTIL"] : [])], rows)) ctx.out(line);
    return 0;
  },
});

const add = defineCommand({
  name: "add",
  summary: "allow a sender without a pairing request (with --for 7d, for that long)",
  args: [CHANNEL_ARG, SENDER_ARG],
  flags: { name: { type: "string", value: "N", description: "a name to show beside the id" }, account: ACCOUNT_FLAG, for: FOR_FLAG },
  examples: ["pairbot allowlist add signal bob --name Bob", "pairbot allowlist add whatsapp +491701234567 --for 7d"],
  async run({ args: { channel, senderId }, flags }, ctx) {
    const forMs = accessFor(flags.for);
    const entry = await ctx.store().allowSender({ channel, account: flags.account, senderId, name: flags.name, forMs }, CLI_ACTOR);
    const until = entry.until ? ` until ${entry.until}` : "";
    ctx.out(ctx.json ? json(entry) : `Added ${printable(entry.senderId)} to the allowlist of ${where(entry.channel, entry.account)}${until}.`);
    return 0;
  },
});

const remove = defineCommand({
  name: "remove",
  summary: "take a sender off the allowlist",
  args: [CHANNEL_ARG, SENDER_ARG],
  flags: { account: ACCOUNT_FLAG },
  async run({ args: { channel, senderId }, flags }, ctx) {
    const sender = await ctx.store().disallowSender({ channel, account: flags.account, senderId }, CLI_ACTOR);
    ctx.out(ctx.json ? json(sender) : `Removed ${printable(sender.senderId)} from the allowlist of ${where(sender.channel, sender.account)}.`);
    return 0;
  },
});

const IMPORT_EXAMPLE = "pairbot allowlist import whatsapp < senders.txt";

const importSenders = defineCommand({
  name: "import",
  summary: "allow many senders at once: ids from stdin, one per line or a JSON array",
  args: [CHANNEL_ARG],
  flags: { account: ACCOUNT_FLAG },
  notes: ["Reads standard input: one sender id per line (blank lines and # comments skipped), or a JSON array of ids or of {\"id\", \"name\"} objects."],
  examples: [IMPORT_EXAMPLE],
  async run({ args: { channel }, flags }, ctx) {
    const text = await ctx.stdin();
    if (text === undefined) {
      throw new UsageError("Pipe the sender ids in, one per line or as a JSON array.", [`${IMPORT_EXAMPLE}`]);
    }
    const list = parseSenderList(text);
    const result = await ctx.store().importSenders(channel, flags.account, list.entries, CLI_ACTOR);
    const refused = result.refused.map((r) => ({ ...list.where[r.index]!, id: r.id, reason: r.reason }));
    if (ctx.json) {
      ctx.out(json({ channel: result.channel, account: result.account, added: result.added, alreadyAllowed: result.alreadyAllowed, refused }));
    } else {
      const notes = [
        ...(result.alreadyAllowed > 0 ? [`${result.alreadyAllowed} already allowed`] : []),
        ...(refused.length > 0 ? [`${refused.length} refused: ${listed(refused.map((r) => `${placeOf(r)}: ${r.reason}`))}`] : []),
      ];
      ctx.out(`Imported ${count(result.added, "sender")} to ${where(result.channel, result.account)}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}.`);
    }
    return refused.length > 0 ? 1 : 0;
  },
});

/** The first few of a list of problems, then how many more: a count line stays one line. */
export function listed(problems: readonly string[], shown = 3): string {
  const head = problems.slice(0, shown).map(printable).join("; ");
  return problems.length > shown ? `${head}; and ${problems.length - shown} more (--json lists all)` : head;
}

export const allowlistGroup = defineGroup({ name: "allowlist", summary: "the allowlist: who may message the assistant", commands: [list, add, remove, importSenders] });

/** For gateways and scripts: exit 0 when the sender may message the assistant, 1 when not. */
export const allowedCommand = defineCommand({
  name: "allowed",
  summary: "exit 0 if a sender is allowed, 1 if not",
  args: [CHANNEL_ARG, SENDER_ARG],
  flags: { account: ACCOUNT_FLAG },
  examples: ["pairbot allowed whatsapp +491701234567 && echo allowed"],
  async run({ args: { channel, senderId }, flags }, ctx) {
    // The store checks the names, so a typo ("WhatsApp") is an error and not a silent "no".
    const allowed = await ctx.store().isAllowed(channel, senderId, flags.account);
    ctx.out(ctx.json ? json({ allowed }) : allowed ? "yes" : "no");
    return allowed ? 0 : 1;
  },
});
