import { statSync } from "node:fs";
import { lookup } from "node:dns/promises";
import net from "node:net";
import os from "node:os";
import { isLoopbackAddress } from "../../gateway/addresses.js";
import { loadAdapterTokens } from "../../gateway/channel-auth.js";
import { openChannels, parseDmPolicies } from "../../gateway/dm-policy.js";
import { fix, octal, ok, skip, warn, type Check } from "./check.js";

const CONNECT_TIMEOUT_MS = 3000;

/** The gateway URLs that setup codes carry (GATEWAY_URL, comma-separated), the DM policies and the channel adapters' token file. */
export async function gatewayChecks(gatewayUrls: string | undefined, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const urls = (gatewayUrls ?? "").split(",").map((u) => u.trim()).filter(Boolean);
  const perUrl = urls.length > 0 ? await Promise.all(urls.map(urlChecks)) : [await urlChecks(undefined)];
  return [...perUrl.flat(), policyCheck(env), adapterTokenCheck(env)];
}

async function urlChecks(gatewayUrl: string | undefined): Promise<Check[]> {
  if (!gatewayUrl) return [skip("gateway.url", "No GATEWAY_URL: setup codes need one; set it in .env to the address devices use, like ws://192.168.1.20:18789.")];
  const url = new URL(gatewayUrl);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "wss:" ? 443 : 80));
  const addresses = await lookup(host, { all: true }).then(
    (found) => found.map((a) => a.address),
    () => [] as string[],
  );
  if (addresses.length === 0) return [fix("gateway.url", `GATEWAY_URL names ${host}, which does not resolve here: correct GATEWAY_URL, or the DNS name.`)];
  const checks: Check[] = [];
  const problem = await connectProblem(host, port);
  checks.push(
    problem
      ? fix("gateway.reach", `Nothing answers at ${gatewayUrl} from here (${problem}): start pairbot gateway (with --host 0.0.0.0 for other machines), or correct GATEWAY_URL.`)
      : ok("gateway.reach", `The gateway at ${gatewayUrl} answers from here.`),
  );
  const local = addresses.every(isLoopbackAddress);
  if (local) checks.push(warn("gateway.address", `GATEWAY_URL points at this machine's loopback (${host}): only this machine can use setup codes; for phones and other machines use its LAN address, like ws://192.168.1.20:${port}.`));
  else if (!addresses.some((a) => machineAddresses().has(a))) {
    checks.push(warn("gateway.address", `GATEWAY_URL names ${host} (${addresses.join(", ")}), not an address of this machine: right if the gateway runs elsewhere or behind a proxy; else use this machine's address (${[...machineAddresses()].filter((a) => !isLoopbackAddress(a)).join(", ") || "none found"}).`));
  } else checks.push(ok("gateway.address", `GATEWAY_URL names this machine (${addresses.join(", ")}).`));
  if (url.protocol === "ws:" && !local) {
    checks.push(warn("gateway.tls", `GATEWAY_URL uses plain ws:// to ${host}: device tokens cross the network unencrypted; fine on a LAN you trust, else run the gateway with --cert and --key and use wss://.`));
  }
  return checks;
}

function connectProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: CONNECT_TIMEOUT_MS });
    socket.once("connect", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(`no answer in ${CONNECT_TIMEOUT_MS / 1000} s`);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

const machineAddresses = (): Set<string> =>
  new Set(Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.replace(/%.*$/, ""))));

function policyCheck(env: NodeJS.ProcessEnv): Check {
  let policies;
  try {
    policies = parseDmPolicies(env["GATEWAY_DM_POLICY"] ?? "", "GATEWAY_DM_POLICY");
  } catch (e) {
    return fix("gateway.policy", `${(e as Error).message}.`);
  }
  const open = openChannels(policies).map((c) => (c === "*" ? "every channel not named" : c));
  if (open.length === 0) return ok("gateway.policy", "No channel has DM policy open: unknown senders must pair first.");
  return warn("gateway.policy", `DM policy open on ${open.join(", ")} (GATEWAY_DM_POLICY): anyone may message the assistant there without pairing; use pairing unless you mean it.`);
}

function adapterTokenCheck(env: NodeJS.ProcessEnv): Check {
  const file = env["GATEWAY_CHANNEL_TOKEN_FILE"]?.trim();
  if (!file) return ok("gateway.adapter-token", "No GATEWAY_CHANNEL_TOKEN_FILE: only channel adapters on the gateway's machine may post messages.");
  let count: number;
  try {
    count = loadAdapterTokens(file).length;
  } catch (e) {
    return fix("gateway.adapter-token", (e as Error).message);
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) return fix("gateway.adapter-token", `Other users may read the channel token file ${file} (${octal(mode)}); run: chmod 600 ${file}`);
  return ok("gateway.adapter-token", `The channel token file ${file} holds ${count} token${count === 1 ? "" : "s"} and is private.`);
}
