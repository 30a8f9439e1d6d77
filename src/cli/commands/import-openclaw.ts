import os from "node:os";
import path from "node:path";
import { CLI_ACTOR } from "../actor.js";
import { defineCommand, defineGroup } from "../define.js";
import { count, json, printable, where } from "../format.js";
import { readOpenClawDir } from "../openclaw.js";
import { listed } from "./allowlist.js";

/** Brings an OpenClaw install's allowlists and pending DM requests into the store; DIR is only read. */
const openclaw = defineCommand({
  name: "openclaw",
  summary: "take over an OpenClaw install's allowlists and pending DM requests (DIR: ~/.openclaw)",
  args: [{ name: "DIR", description: "the OpenClaw folder, only read (default: ~/.openclaw)", required: false }],
  flags: { "dry-run": { type: "boolean", description: "say what would be imported, and save nothing" } },
  examples: ["pairbot import openclaw --dry-run", "pairbot import openclaw ~/.openclaw"],
  async run({ args: { DIR: dir }, flags }, ctx) {
    const dryRun = flags["dry-run"];
    const install = readOpenClawDir(path.resolve(expandHome(dir ?? "~/.openclaw")));
    const result = await ctx.store().importPlan(install.plan, CLI_ACTOR, { dryRun });
    const allowlists = result.allowlists.map((r, i) => {
      const source = install.sources.allowlists[i]!;
      const refused = r.refused.map((x) => ({ item: source.items[x.index]!, id: x.id, reason: x.reason }));
      return { file: source.file, channel: r.channel, account: r.account, added: r.added, alreadyAllowed: r.alreadyAllowed, refused };
    });
    const pending = result.pending.map((r, i) => {
      const source = install.sources.pending[i]!;
      const item = (x: { index: number }) => source.items[x.index]!;
      return {
        file: source.file,
        channel: r.channel,
        account: r.account,
        added: r.added.map(({ senderId, code, expiresAt }) => ({ senderId, code, expiresAt })),
        newCodes: r.newCodes.map((x) => ({ item: item(x), senderId: x.senderId, was: x.was, code: x.code, reason: x.reason })),
        skipped: r.skipped.map((x) => ({ item: item(x), id: x.id, reason: x.reason })),
        refused: r.refused.map((x) => ({ item: item(x), id: x.id, reason: x.reason })),
        pending: r.pending,
        cap: r.cap,
      };
    });
    const refusedAny = install.skippedFiles.length > 0 || allowlists.some((a) => a.refused.length > 0) || pending.some((p) => p.refused.length > 0);

    if (ctx.json) {
      ctx.out(json({ credentials: install.credentials, dryRun, allowlists, pending, dropped: install.dropped, skippedFiles: install.skippedFiles }));
      return refusedAny ? 1 : 0;
    }

    const verb = dryRun ? "would import" : "imported";
    ctx.out(`From ${printable(install.credentials)}${dryRun ? " (dry run: nothing was saved)" : ""}:`);
    if (allowlists.length === 0 && pending.length === 0) ctx.out("  no allowlist or pairing files.");
    for (const a of allowlists) {
      const dropped = install.dropped.filter((d) => d.file === a.file);
      const notes = [
        ...(a.alreadyAllowed > 0 ? [`${a.alreadyAllowed} already allowed`] : []),
        ...(dropped.length > 0 ? [`${dropped.length} skipped: ${listed(dropped.map((d) => `item ${d.item}: ${d.reason}`))}`] : []),
        ...(a.refused.length > 0 ? [`${a.refused.length} refused: ${listed(a.refused.map((r) => `item ${r.item}: ${r.reason}`))}`] : []),
      ];
      ctx.out(`  ${a.file}: ${verb} ${count(a.added, "sender")} to ${where(a.channel, a.account)}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}.`);
    }
    for (const p of pending) {
      const notes = [
        ...(p.newCodes.length > 0 ? [`${p.newCodes.length} with a new code: ${listed(p.newCodes.map((n) => `${n.senderId} now has ${n.code} (${n.was || "no code"}: ${n.reason})`))}`] : []),
        ...(p.skipped.length > 0 ? [`${p.skipped.length} skipped: ${listed(p.skipped.map((s) => `item ${s.item} (${s.id}): ${s.reason}`))}`] : []),
        ...(p.refused.length > 0 ? [`${p.refused.length} refused: ${listed(p.refused.map((s) => `item ${s.item}: ${s.reason}`))}`] : []),
      ];
      ctx.out(`  ${p.file}: ${verb} ${count(p.added.length, "pending request")} to ${where(p.channel, p.account)}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}.`);
      if (p.pending > p.cap) {
        ctx.out(`    ${where(p.channel, p.account)} ${dryRun ? "would have" : "now has"} ${p.pending} pending requests, past the cap of ${p.cap}: new senders get no code until some are approved, denied or expire.`);
      }
    }
    for (const s of install.skippedFiles) ctx.out(`  ${s.file}: skipped: ${printable(s.reason)}`);
    return refusedAny ? 1 : 0;
  },
});

export const importGroup = defineGroup({ name: "import", summary: "bring pairing state over from another system", commands: [openclaw] });

function expandHome(dir: string): string {
  return dir === "~" ? os.homedir() : dir.startsWith("~/") ? path.join(os.homedir(), dir.slice(2)) : dir;
}
