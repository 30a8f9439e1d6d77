import { RoleSchema } from "../../store/schema.js";
import { CLI_ACTOR } from "../actor.js";
import { defineCommand } from "../define.js";
import { json, relativeTo } from "../format.js";
import { usageLine } from "../help.js";
import { UsageError } from "../parse.js";

/** Issues a one-time setup code for a new device: the gateway URL and a fresh bootstrap token. */
export const setupCodeCommand = defineCommand({
  name: "setup-code",
  summary: "issue a setup code for a new device",
  flags: {
    url: { type: "string", value: "URL", description: "the gateway the device connects to (default: $GATEWAY_URL)" },
    role: { type: "string", choices: RoleSchema.options, description: "what the device may do (default: node)" },
  },
  notes: ["Prints the code alone on standard output; what it is for goes to standard error."],
  examples: ["pairbot setup-code --url ws://192.168.1.20:18789"],
  async run({ flags }, ctx) {
    const url = flags.url ?? ctx.env.GATEWAY_URL;
    if (!url) {
      throw new UsageError("No gateway URL: pass --url ws://HOST:PORT or set GATEWAY_URL.", [usageLine(["setup-code"], setupCodeCommand)]);
    }
    const role = RoleSchema.parse(flags.role ?? "node");
    const store = ctx.store();
    const code = await store.createSetupCode({ url, role }, CLI_ACTOR);
    if (ctx.json) {
      ctx.out(json({ setupCode: code.setupCode, url: code.url, expiresAt: code.expiresAt }));
      return 0;
    }
    ctx.out(code.setupCode);
    ctx.err(`Setup code for a ${role} on ${code.url}; single use, expires ${(await relativeTo(store.clock()))(code.expiresAt)}.`);
    ctx.err(`On the device: pairbot node pair <code>`);
    return 0;
  },
});
