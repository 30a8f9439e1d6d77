import { parseArgs } from "node:util";
import type { CliContext } from "../cli/context.js";
import { NodeError } from "./client.js";
import { connectDevice, pairDevice } from "./pairing.js";
import { defaultStatePath } from "./state.js";

export const NODE_USAGE = [
  "pairbot node pair <setupCode> [--name N] [--platform P] [--role node|operator] [--scopes a,b] [--state FILE]",
  "pairbot node connect [--state FILE] [--stay]",
];

/** `pairbot node ...`: the stand-in for a phone app that pairs with the gateway. */
export async function nodeCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        platform: { type: "string" },
        role: { type: "string" },
        scopes: { type: "string" },
        state: { type: "string" },
        stay: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return usage(ctx, (e as Error).message.split("\n")[0]!);
  }
  const { values, positionals } = parsed;
  if (values.help || sub === "--help" || sub === "-h") {
    for (const line of NODE_USAGE) ctx.out(`Usage: ${line}`);
    return 0;
  }
  const stateFile = values.state ?? ctx.env.PAIRBOT_NODE_STATE ?? defaultStatePath();
  try {
    if (sub === "pair") {
      if (positionals.length !== 1) return usage(ctx, positionals.length === 0 ? "node pair needs the setup code from the owner's /pair message." : "node pair takes one setup code.");
      const session = await pairDevice({
        setupCode: positionals[0]!,
        stateFile,
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.platform !== undefined ? { platform: values.platform } : {}),
        ...(values.role !== undefined ? { role: values.role } : {}),
        ...(values.scopes !== undefined ? { scopes: values.scopes.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
        onPending: (requestId) => ctx.out(`Waiting for approval (request ${requestId})`),
        onNoAnswer: (url) => ctx.out(`No answer from ${url}; trying the next address.`),
      });
      session.close();
      ctx.out(`Paired as ${session.deviceId} (${session.role}) through ${session.url}; token saved in ${stateFile}`);
      return 0;
    }
    if (sub === "connect") {
      if (positionals.length > 0) return usage(ctx, "node connect takes no arguments.");
      const session = await connectDevice({ stateFile, onNoAnswer: (url) => ctx.out(`No answer from ${url}; trying the next address.`) });
      ctx.out(`Authenticated as ${session.deviceId} (${session.role}) at ${session.url}`);
      if (!values.stay) {
        session.close();
        return 0;
      }
      const stop = new Promise<"stopped">((resolve) => {
        process.once("SIGINT", () => resolve("stopped"));
        process.once("SIGTERM", () => resolve("stopped"));
      });
      const outcome = await Promise.race([session.ended, stop]);
      if (outcome === "stopped") {
        session.close();
        return 0;
      }
      ctx.err(`Session ended: ${outcome.message}`);
      return 1;
    }
  } catch (e) {
    if (e instanceof NodeError) {
      ctx.err(e.code === "rejected" || e.code === "unreachable" || e.code === "closed" ? e.message : `Refused (${e.code}): ${e.message}`);
      return 1;
    }
    throw e; // PairbotError (bad setup code, state file): the CLI prints its sentence
  }
  return usage(ctx, sub === undefined ? "node needs a subcommand: pair or connect." : `Unknown command "node ${sub}".`);
}

function usage(ctx: CliContext, problem: string): number {
  ctx.err(problem);
  for (const line of NODE_USAGE) ctx.err(`Usage: ${line}`);
  return 2;
}
