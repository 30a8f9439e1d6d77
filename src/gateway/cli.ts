import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { CliContext } from "../cli/context.js";
import { PairbotError } from "../store/index.js";
import { parseDmPolicies } from "./dm-policy.js";
import { gatewayLogger } from "./log.js";
import { createGateway, isLoopback } from "./server.js";

export const GATEWAY_USAGE =
  "pairbot gateway [--host H] [--port P] [--cert FILE --key FILE] [--policy CHANNEL=POLICY,...] [--locale en|de|ru]";

/** `pairbot gateway`: runs the reference gateway until SIGINT or SIGTERM. */
export async function gatewayCommand(args: string[], ctx: CliContext): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        cert: { type: "string" },
        key: { type: "string" },
        policy: { type: "string" },
        locale: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    ctx.err(`${(e as Error).message.split("\n")[0]}`);
    ctx.err(`Usage: ${GATEWAY_USAGE}`);
    return 2;
  }
  if (values.help) {
    ctx.out(`Usage: ${GATEWAY_USAGE}`);
    ctx.out("DM policies: pairing (default), allowlist, open, disabled; '*=POLICY' sets the default. Env: GATEWAY_DM_POLICY, GATEWAY_LOCALE.");
    return 0;
  }
  const host = values.host ?? "127.0.0.1";
  const port = parsePort(values.port ?? "18789");
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new PairbotError("config_invalid", "Give both --cert and --key (PEM files) for wss://, or neither for plain ws://.");
  }
  const tls = values.cert && values.key ? { cert: readPem(values.cert, "--cert"), key: readPem(values.key, "--key") } : undefined;
  const policies = new Map([...parseDmPolicies(ctx.env.GATEWAY_DM_POLICY ?? "", "GATEWAY_DM_POLICY"), ...parseDmPolicies(values.policy ?? "")]);
  const locale = values.locale ?? ctx.env.GATEWAY_LOCALE ?? "en";
  if (!["en", "de", "ru"].includes(locale)) throw new PairbotError("config_invalid", `Unknown --locale "${locale}": use en, de or ru.`);

  const log = gatewayLogger(ctx.env.LOG_LEVEL ?? "info");
  if (!tls && !isLoopback(host)) {
    ctx.err(`Warning: plain ws:// on ${host} sends device tokens unencrypted; use it only on a LAN you trust, or give --cert and --key for wss://.`);
  }
  const gateway = createGateway({ store: ctx.store(), host, port, ...(tls ? { tls } : {}), policies, locale, log });
  const url = await gateway.listen();
  ctx.out(`Gateway listening on ${url} (store: ${ctx.storePath})`);
  ctx.out(`DM channels: POST ${url.replace(/^ws/, "http")}/channels/<channel>/messages; policies: ${describePolicies(policies)}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await gateway.close();
  ctx.out("Gateway stopped.");
  return 0;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) throw new PairbotError("config_invalid", `Invalid --port "${text}": give a number from 0 to 65535, like 18789.`);
  return port;
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new PairbotError("config_invalid", `Cannot read the ${flag} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

function describePolicies(policies: ReadonlyMap<string, string>): string {
  const named = [...policies].filter(([c]) => c !== "*").map(([c, p]) => `${c}=${p}`);
  return [...named, `others=${policies.get("*") ?? "pairing"}`].join(", ");
}
