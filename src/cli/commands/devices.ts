import { CLI_ACTOR } from "../actor.js";
import { defineCommand, defineGroup } from "../define.js";
import { count, json, printable, relativeTo, table } from "../format.js";
import { usageLine } from "../help.js";
import { UsageError } from "../parse.js";
import { deviceChoice, pickRequest } from "../pick-request.js";

/** Device pairing: pending requests, paired devices, and the setup codes still out there. */

const scopes = (s: readonly string[]) => (s.length === 0 ? "-" : s.join(","));

const list = defineCommand({
  name: "list",
  summary: "pending device requests, paired devices, open setup codes",
  async run(_input, ctx) {
    const store = ctx.store();
    const [pending, paired, setupCodes] = await Promise.all([store.pending(), store.pairedDevices(), store.openSetupCodes()]);
    const listing = { pending: pending.devices, paired, setupCodes };
    if (ctx.json) {
      ctx.out(json(listing));
      return 0;
    }
    const when = await relativeTo(store.clock());
    if (listing.pending.length === 0) ctx.out("No pending device requests.");
    else {
      ctx.out("Pending device requests:");
      const rows = listing.pending.map((r) => [r.requestId, r.name, r.platform, r.role, scopes(r.scopes), r.remoteAddress, when(r.createdAt), when(r.expiresAt)]);
      for (const line of table(["REQUEST", "NAME", "PLATFORM", "ROLE", "SCOPES", "FROM", "REQUESTED", "EXPIRES"], rows)) ctx.out("  " + line);
    }
    ctx.out("");
    if (listing.paired.length === 0) ctx.out("No paired devices.");
    else {
      ctx.out("Paired devices:");
      const rows = listing.paired.map((d) => [d.deviceId, d.name, d.platform, d.role, scopes(d.scopes), when(d.approvedAt), d.approvedBy, d.tokenIssued ? "issued" : "waiting"]);
      for (const line of table(["DEVICE", "NAME", "PLATFORM", "ROLE", "SCOPES", "APPROVED", "BY", "TOKEN"], rows)) ctx.out("  " + line);
    }
    const open = listing.setupCodes.filter((t) => t.boundKey === undefined);
    if (open.length > 0) {
      ctx.out("");
      const last = when(open.map((t) => t.expiresAt).sort().at(-1)!);
      ctx.out(`Unused setup codes: ${open.length} (the last expires ${last}). To void them: pairbot devices cleanup`);
    }
    return 0;
  },
});

const REQUEST_ARG = { name: "requestId", description: "the request, as pairbot devices list shows it" } as const;

const approve = defineCommand({
  name: "approve",
  summary: "pair the device behind a request (no argument: pick one on a terminal)",
  args: [{ ...REQUEST_ARG, required: false }],
  notes: ["Without a request id, on a terminal: lists the pending device requests to pick one with the arrow keys, then asks to confirm."],
  examples: ["pairbot devices approve", "pairbot devices approve 6xJ0dS2wq5nqkl3v"],
  async run({ args }, ctx): Promise<number> {
    const store = ctx.store();
    let requestId = args.requestId;
    if (requestId === undefined) {
      const when = await relativeTo(store.clock());
      const picked = await pickRequest(ctx, {
        load: async () => (await store.pending()).devices,
        choice: (r) => deviceChoice(r, when),
        none: "No pending device requests.",
        question: "Which device may join the gateway?",
        confirm: (r) => `Pair ${printable(`${r.name} (${r.platform}, ${r.role})`)}${r.scopes.length > 0 ? ` with scopes ${scopes(r.scopes)}` : ""}?`,
        noTerminal: new UsageError(
          "Name the request: pairbot devices approve <requestId> (pairbot devices list shows them); without it it asks, but only on a terminal.",
          [usageLine(["devices", "approve"], approve)],
        ),
      });
      if (picked === "none" || picked === "cancelled") return picked === "none" ? 0 : 1;
      requestId = picked.requestId;
    }
    const d = await store.approveDevice(requestId, CLI_ACTOR);
    ctx.out(ctx.json ? json(d) : `Approved ${printable(`${d.name} (${d.platform}, ${d.role})`)} as device ${d.deviceId}; it receives its token from the gateway.`);
    return 0;
  },
});

const reject = defineCommand({
  name: "reject",
  summary: "refuse a device request; its setup code is void",
  args: [REQUEST_ARG],
  async run({ args: { requestId } }, ctx) {
    const r = await ctx.store().rejectDevice(requestId, CLI_ACTOR);
    ctx.out(ctx.json ? json(r) : `Rejected ${printable(`${r.name} (${r.platform})`)}; the setup code it used no longer works.`);
    return 0;
  },
});

const revoke = defineCommand({
  name: "revoke",
  summary: "unpair a device; its token stops working",
  args: [{ name: "deviceId", description: "the paired device, as pairbot devices list shows it" }],
  async run({ args: { deviceId } }, ctx) {
    const d = await ctx.store().revokeDevice(deviceId, CLI_ACTOR);
    ctx.out(ctx.json ? json(d) : `Revoked device ${d.deviceId} (${printable(d.name)}); its token no longer works.`);
    return 0;
  },
});

const cleanup = defineCommand({
  name: "cleanup",
  summary: "void every setup code not yet redeemed (and requests made with them)",
  async run(_input, ctx) {
    const voided = await ctx.store().cleanupSetupCodes(CLI_ACTOR);
    ctx.out(ctx.json ? json({ voided }) : voided === 0 ? "No setup codes to void." : `Voided ${count(voided, "setup code")} not yet redeemed.`);
    return 0;
  },
});

export const devicesGroup = defineGroup({ name: "devices", summary: "device pairing: requests, paired devices, setup codes", commands: [list, approve, reject, revoke, cleanup] });
