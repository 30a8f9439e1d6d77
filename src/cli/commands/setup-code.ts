import { RoleSchema } from "../../store/schema.js";
import { UsageError } from "../args.js";
import { CLI_ACTOR, type Command } from "../command.js";
import { json, relativeTo } from "../format.js";

const USAGE = "setup-code [--url URL[,URL...]] [--role node|operator] [--json]";

/** Issues a one-time setup code for a new device: the gateway's URLs and a fresh bootstrap token. */
export const setupCodeCommand: Command = {
  usage: USAGE,
  summary: "issue a setup code for a new device",
  args: [],
  options: ["url", "role"],
  async run({ flags }, ctx) {
    const url = flags.url ?? ctx.env.GATEWAY_URL;
    if (!url) {
      throw new UsageError("No gateway URL: pass --url ws://HOST:PORT (several separated by commas) or set GATEWAY_URL.", [`pairbot ${USAGE}`]);
    }
    const role = RoleSchema.safeParse(flags.role ?? "node");
    if (!role.success) throw new UsageError(`--role must be node or operator, not "${flags.role}".`, [`pairbot ${USAGE}`]);
    const store = ctx.store();
    const code = await store.createSetupCode({ url, role: role.data }, CLI_ACTOR);
    if (ctx.json) {
      const { setupCode, url: first, urls, access, role: granted, expiresAt } = code;
      ctx.out(json({ setupCode, url: first, urls, access, role: granted, expiresAt }));
      return 0;
    }
    ctx.out(code.setupCode);
    const limited = code.access === "limited" ? " (limited: plain ws:// pairs only a node with no scopes)" : "";
    ctx.err(`Setup code for a ${code.role} on ${code.urls.join(", ")}${limited}; single use, expires ${(await relativeTo(store.clock()))(code.expiresAt)}.`);
    if (code.downgraded) ctx.err("Plain ws:// was limited for safety: use wss:// to pair an operator device.");
    ctx.err(`On the device: pairbot node pair <code>`);
    return 0;
  },
};
