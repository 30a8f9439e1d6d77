import { RoleSchema } from "../../store/schema.js";
import { CLI_ACTOR } from "../actor.js";
import { defineCommand } from "../define.js";
import { json, relativeTo } from "../format.js";
import { usageLine } from "../help.js";
import { UsageError } from "../parse.js";

/** Issues a one-time setup code for a new device: the gateway's URLs and a fresh bootstrap token. */
export const setupCodeCommand = defineCommand({
  name: "setup-code",
  summary: "issue a setup code for a new device",
  flags: {
    url: { type: "string", value: "URL[,URL...]", description: "the gateway's addresses, in the order the device tries them (default: $GATEWAY_URL)" },
    role: { type: "string", choices: RoleSchema.options, description: "what the device may do (default: node)" },
  },
  notes: ["Prints the code alone on standard output; what it is for goes to standard error."],
  examples: ["pairbot setup-code --url ws://192.168.1.20:18789", "pairbot setup-code --url ws://192.168.1.20:18789,wss://gateway.example.com"],
  async run({ flags }, ctx) {
    const url = flags.url ?? ctx.env["GATEWAY_URL"];
    if (!url) {
      throw new UsageError("No gateway URL: pass --url ws://HOST:PORT (several separated by commas) or set GATEWAY_URL.", [usageLine(["setup-code"], setupCodeCommand)]);
    }
    const role = RoleSchema.parse(flags.role ?? "node");
    const store = ctx.store();
    const code = await store.createSetupCode({ url, role }, CLI_ACTOR);
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
});
