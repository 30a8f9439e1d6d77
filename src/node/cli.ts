import type { NodeConnectInput, NodePairInput } from "../cli/commands/node.js";
import type { CliContext } from "../cli/context.js";
import { NodeError } from "./client.js";
import { connectDevice, pairDevice } from "./pairing.js";
import { defaultStatePath } from "./state.js";

/** `pairbot node pair` and `node connect`, run with arguments already checked against src/cli/commands/node.ts. */

/** The setup code's addresses are tried in order: say which did not answer. */
const noAnswer = (ctx: CliContext) => (url: string) => ctx.out(`No answer from ${url}; trying the next address.`);

// An empty variable (as .env.example ships it) means the default, like every other setting.
const stateFileOf = (flag: string | undefined, ctx: CliContext): string => flag ?? (ctx.env["PAIRBOT_NODE_STATE"] || defaultStatePath());

export async function runNodePair({ args, flags }: NodePairInput, ctx: CliContext): Promise<number> {
  const stateFile = stateFileOf(flags.state, ctx);
  return refusalsAsExit(ctx, async () => {
    const session = await pairDevice({
      setupCode: args.setupCode,
      stateFile,
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.platform !== undefined ? { platform: flags.platform } : {}),
      ...(flags.role !== undefined ? { role: flags.role } : {}),
      ...(flags.scopes !== undefined ? { scopes: flags.scopes.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
      onPending: (requestId) => ctx.out(`Waiting for approval (request ${requestId})`),
      onNoAnswer: noAnswer(ctx),
    });
    session.close();
    ctx.out(`Paired as ${session.deviceId} (${session.role}) through ${session.url}; token saved in ${stateFile}`);
    return 0;
  });
}

export async function runNodeConnect({ flags }: NodeConnectInput, ctx: CliContext): Promise<number> {
  return refusalsAsExit(ctx, async () => {
    const session = await connectDevice({ stateFile: stateFileOf(flags.state, ctx), onNoAnswer: noAnswer(ctx) });
    ctx.out(`Authenticated as ${session.deviceId} (${session.role}) at ${session.url}`);
    if (!flags.stay) {
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
  });
}

/** The gateway's refusals are one sentence and exit 1; a PairbotError (bad setup code, state file) goes on to the CLI. */
async function refusalsAsExit(ctx: CliContext, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof NodeError)) throw e;
    ctx.err(e.code === "rejected" || e.code === "unreachable" || e.code === "closed" ? e.message : `Refused (${e.code}): ${e.message}`);
    return 1;
  }
}
