import { readFileSync } from "node:fs";
import type { gatewayCommand } from "../cli/commands/gateway.js";
import type { CliContext } from "../cli/context.js";
import { PairbotError } from "../store/index.js";
import { parseTrustedProxies } from "./addresses.js";
import { loadAdapterTokens } from "./channel-auth.js";
import { describeAccounts, parseChannelAccounts } from "./dm-accounts.js";
import { openChannels, parseDmPolicies } from "./dm-policy.js";
import { loadReplies } from "./replies.js";
import { parseReplyModes } from "./reply-modes.js";
import { gatewayLogger } from "./log.js";
import { createGateway, isLoopback } from "./server.js";

type GatewayInput = Parameters<typeof gatewayCommand.run>[0];

/** `pairbot gateway`, run with flags already checked against src/cli/commands/gateway.ts, until SIGINT or SIGTERM. */
export async function runGateway({ flags: values }: GatewayInput, ctx: CliContext): Promise<number> {
  const host = values.host ?? "127.0.0.1";
  const port = parsePort(values.port ?? "18789");
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new PairbotError("config_invalid", "Give both --cert and --key (PEM files) for wss://, or neither for plain ws://.");
  }
  const tls = values.cert && values.key ? { cert: readPem(values.cert, "--cert"), key: readPem(values.key, "--key") } : undefined;
  const policies = new Map([...parseDmPolicies(ctx.env["GATEWAY_DM_POLICY"] ?? "", "GATEWAY_DM_POLICY"), ...parseDmPolicies(values.policy ?? "")]);
  const replyModes = new Map([...parseReplyModes(ctx.env["GATEWAY_REPLIES"] ?? "", "GATEWAY_REPLIES"), ...parseReplyModes(values.replies ?? "")]);
  const replies = loadReplies(undefined, ctx.env["GATEWAY_REPLIES_FILE"] || undefined);
  const locale = values.locale ?? (ctx.env["GATEWAY_LOCALE"] || "en");
  if (!["en", "de", "ru"].includes(locale)) throw new PairbotError("config_invalid", `Unknown GATEWAY_LOCALE "${locale}": use en, de or ru.`);

  const accounts = new Map([...parseChannelAccounts(ctx.env["GATEWAY_ACCOUNTS"] ?? "", "GATEWAY_ACCOUNTS"), ...parseChannelAccounts(values.accounts ?? "")]);
  const tokenFile = values["channel-token-file"] ?? ctx.env["GATEWAY_CHANNEL_TOKEN_FILE"];
  const adapterTokens = tokenFile ? loadAdapterTokens(tokenFile) : undefined;
  const trustedProxies = parseTrustedProxies(values["trust-proxy"] ?? ctx.env["GATEWAY_TRUST_PROXY"] ?? "", values["trust-proxy"] ? "--trust-proxy" : "GATEWAY_TRUST_PROXY");
  // The pending caps are the store's policy; these flags set it for this gateway process.
  const pendingCaps = {
    ...optionalCount("--max-pending-per-channel", values["max-pending-per-channel"], "maxPendingPerChannel"),
    ...optionalCount("--max-pending", values["max-pending"], "maxPendingTotal"),
  };
  const limits = {
    ...optionalCount("--max-connections", values["max-connections"], "maxConnections"),
    ...optionalCount("--max-connections-per-address", values["max-connections-per-address"], "maxConnectionsPerAddress"),
  };

  const log = gatewayLogger(ctx.env["LOG_LEVEL"] || "info");
  if (!tls && !isLoopback(host)) {
    ctx.err(`Warning: plain ws:// on ${host} sends device tokens unencrypted; use it only on a LAN you trust, or give --cert and --key for wss://.`);
  }
  for (const channel of openChannels(policies)) {
    ctx.err(`Warning: DM policy open on ${channel === "*" ? "every channel not named" : channel}: anyone who writes there reaches the assistant without your approval.`);
  }
  const options = { store: ctx.store(pendingCaps), host, port, policies, replyModes, replies, accounts, limits, trustedProxies, locale, log };
  const gateway = createGateway({ ...options, ...(tls ? { tls } : {}), ...(adapterTokens ? { adapterTokens } : {}) });
  const url = await gateway.listen();
  ctx.out(`Gateway listening on ${url} (store: ${ctx.storeName})`);
  ctx.out(`DM channels: POST ${url.replace(/^ws/, "http")}/channels/<channel>/messages, outcomes: GET .../channels/<channel>/events; policies: ${describePolicies(policies)}; replies: ${describeReplyModes(replyModes)}; accounts: ${describeAccounts(accounts)}`);
  ctx.out(
    adapterTokens
      ? `Channel adapters authenticate with ${adapterTokens.length} token(s) from ${tokenFile} (Authorization: Bearer).`
      : "Channel adapters: no --channel-token-file, so only clients on this machine may post channel messages.",
  );
  if (trustedProxies.size > 0) ctx.out(`X-Forwarded-For is trusted from: ${[...trustedProxies].join(", ")}`);
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

/** `--max-pending 50` -> { maxPendingTotal: 50 }; absent -> {} (the default stands). */
function optionalCount<K extends string>(flag: string, text: string | undefined, key: K): Partial<Record<K, number>> {
  if (text === undefined) return {};
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) throw new PairbotError("config_invalid", `Invalid ${flag} "${text}": give a whole number of at least 1, like 32.`);
  return { [key]: Number(text) } as Partial<Record<K, number>>;
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

function describeReplyModes(modes: ReadonlyMap<string, string>): string {
  const named = [...modes].filter(([c]) => c !== "*").map(([c, m]) => `${c}=${m}`);
  return [...named, `others=${modes.get("*") ?? "full"}`].join(", ");
}
