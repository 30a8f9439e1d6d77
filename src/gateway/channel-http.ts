import type { IncomingMessage, ServerResponse } from "node:http";
import { isPairbotError } from "../store/index.js";
import { channelName } from "../store/validate.js";
import { clientAddress, isLoopbackAddress } from "./addresses.js";
import { adapterFor, type AdapterToken } from "./channel-auth.js";
import { HttpError, receiveMessage, type DmChannelDeps } from "./dm-channels.js";

/** The largest message body a channel accepts; a chat message is far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface ChannelHttpDeps extends DmChannelDeps {
  /** From --channel-token-file; undefined: only loopback clients may post, as adapter `adapter:loopback`. */
  adapterTokens: readonly AdapterToken[] | undefined;
  trustedProxies: ReadonlySet<string>;
  /** An adapter proved its token from this socket address: it may use the reserved connections. */
  vouch(socketAddress: string | undefined): void;
}

const ROUTE = /^\/channels\/([^/]+)\/messages\/?$/;

/** HTTP front of the DM channels: POST /channels/<channel>/messages. Returns false for other paths. */
export async function handleChannelRequest(deps: ChannelHttpDeps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://gateway");
  const match = ROUTE.exec(url.pathname);
  if (!match) return false;
  try {
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      throw new HttpError(405, "Send messages with POST.");
    }
    const channel = channelOfPath(match[1]!);
    const adapter = authenticate(deps, req, res, channel);
    const body = await readJson(req);
    sendJson(res, 200, await receiveMessage(deps, channel, body, adapter));
  } catch (e) {
    if (e instanceof HttpError || (isPairbotError(e) && e.code === "invalid_input")) deps.counts.badRequest += 1;
    if (e instanceof HttpError) {
      if (e.status === 413 || e.status === 401 || e.status === 403) res.setHeader("Connection", "close"); // the body is not read
      sendJson(res, e.status, { error: e.message });
    } else if (isPairbotError(e) && e.code === "invalid_input") sendJson(res, 400, { error: e.message });
    else if (isPairbotError(e) && (e.code === "store_busy" || e.code === "store_corrupt")) sendJson(res, 503, { error: e.message });
    else {
      deps.log.error({ err: e instanceof Error ? e.message : String(e) }, "channel message failed");
      sendJson(res, 500, { error: "The gateway failed to handle this message; see its log." });
    }
  }
  return true;
}

/** The adapter that posts (or follows events), as the audit names it; refuses before the body is read. */
export function authenticate(deps: ChannelHttpDeps, req: IncomingMessage, res: ServerResponse, channel: string): string {
  if (deps.adapterTokens === undefined) {
    const client = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], deps.trustedProxies);
    // Through a reverse proxy on this machine that names no client (or one not in --trust-proxy), anyone on the internet would look local.
    if (client.via !== "untrusted-proxy" && isLoopbackAddress(client.address)) return "adapter:loopback";
    deps.counts.unauthorized += 1;
    if (client.via === "untrusted-proxy" && isLoopbackAddress(client.address)) {
      throw new HttpError(403, "This gateway takes channel messages without a token only from its own machine, and this request came through a proxy that does not say whose it is (X-Forwarded-For missing, or the proxy not in --trust-proxy); start the gateway with --channel-token-file FILE and send Authorization: Bearer <token>.");
    }
    throw new HttpError(403, "This gateway takes channel messages only from its own machine; start it with --channel-token-file FILE and send Authorization: Bearer <token> to post from elsewhere.");
  }
  const adapter = adapterFor(deps.adapterTokens, req.headers.authorization, channel);
  if (adapter) {
    deps.vouch(req.socket.remoteAddress);
    return adapter.actor;
  }
  deps.counts.unauthorized += 1;
  res.setHeader("WWW-Authenticate", 'Bearer realm="pairbot channels"');
  throw new HttpError(401, `Missing or wrong channel token for ${channel}: send Authorization: Bearer <token> with a token from the gateway's --channel-token-file (a channel:token line serves only that channel).`);
}

export function channelOfPath(segment: string): string {
  let channel: string;
  try {
    channel = decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "The channel name in the path is not valid percent-encoding; use a name like whatsapp: POST /channels/whatsapp/messages.");
  }
  try {
    return channelName(channel);
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `The message body is larger than ${MAX_BODY_BYTES} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `The message body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, `The message body is not JSON; send {"senderId":"...","text":"..."} with Content-Type: application/json.`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
