import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { isPairbotError, type PairingStore } from "../store/index.js";
import { channelName } from "../store/validate.js";
import { policyFor, type DmPolicies } from "./dm-policy.js";
import { renderReply, type ReplyTemplates } from "./replies.js";
import type { GatewayLog } from "./log.js";
import type { GatewayStats } from "./stats.js";

/** The largest message body a channel accepts; a chat message is far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

const MessageSchema = z.object({
  senderId: z.string(),
  name: z.string().optional(),
  text: z.string(),
  account: z.string().optional(),
  /** The sender's language, when the channel knows it ("de", "ru-RU"). */
  locale: z.string().max(35).optional(),
});

export interface DmChannelDeps {
  store: PairingStore;
  policies: DmPolicies;
  replies: Map<string, ReplyTemplates>;
  defaultLocale: string;
  counts: GatewayStats["messages"];
  log: GatewayLog;
}

/** What a channel answers a message with: delivered, or not and what to send back. */
export type ChannelAnswer =
  | { delivered: true }
  | { delivered: false; reason: "disabled" | "not_allowed" }
  | { delivered: false; reason: "pairing"; reply: string; code: string; created: boolean; expiresAt: string }
  | { delivered: false; reason: "capped"; reply: string };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Applies the channel's DM policy to one message from a sender; every rule is the store's. */
export async function receiveMessage(deps: DmChannelDeps, channel: string, body: unknown): Promise<ChannelAnswer> {
  const answer = await decide(deps, channel, body);
  const counts = deps.counts;
  if (answer.delivered) counts.delivered += 1;
  else if (answer.reason === "not_allowed") counts.notAllowed += 1;
  else counts[answer.reason] += 1;
  // Who wrote and what happened; never the code, which is the sender's secret until the owner sees it.
  deps.log.info({ channel, delivered: answer.delivered, ...(answer.delivered ? {} : { reason: answer.reason }) }, "channel message");
  return answer;
}

async function decide(deps: DmChannelDeps, channel: string, body: unknown): Promise<ChannelAnswer> {
  const parsed = MessageSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `Invalid message: ${issue?.path.join(".") || "body"}: ${issue?.message}; send JSON like {"senderId":"+4917012345","name":"Ann","text":"hi"}.`);
  }
  const message = parsed.data;
  const policy = policyFor(deps.policies, channel);
  if (policy === "disabled") return { delivered: false, reason: "disabled" };
  if (policy === "open") return { delivered: true };
  if (await deps.store.isAllowed(channel, message.senderId, message.account)) return { delivered: true };
  if (policy === "allowlist") return { delivered: false, reason: "not_allowed" };

  const result = await deps.store.requestDmPairing({ channel, account: message.account, senderId: message.senderId, name: message.name });
  if (result.allowed) return { delivered: true };
  const locale = message.locale;
  if (result.capped || result.code === null || result.expiresAt === null) {
    return { delivered: false, reason: "capped", reply: renderReply(deps.replies, locale, deps.defaultLocale, "capped") };
  }
  const minutes = Math.max(1, Math.round((Date.parse(result.expiresAt) - deps.store.clock()) / 60_000));
  const reply = renderReply(deps.replies, locale, deps.defaultLocale, "pairing", { channel, senderId: message.senderId, code: result.code, minutes });
  return { delivered: false, reason: "pairing", reply, code: result.code, created: result.created, expiresAt: result.expiresAt };
}

const ROUTE = /^\/channels\/([^/]+)\/messages\/?$/;

/** HTTP front of the DM channels: POST /channels/<channel>/messages. Returns false for other paths. */
export async function handleChannelRequest(deps: DmChannelDeps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://gateway");
  const match = ROUTE.exec(url.pathname);
  if (!match) return false;
  try {
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      throw new HttpError(405, "Send messages with POST.");
    }
    const channel = channelOfPath(match[1]!);
    const body = await readJson(req);
    sendJson(res, 200, await receiveMessage(deps, channel, body));
  } catch (e) {
    if (e instanceof HttpError || (isPairbotError(e) && e.code === "invalid_input")) deps.counts.badRequest += 1;
    if (e instanceof HttpError) {
      if (e.status === 413) res.setHeader("Connection", "close"); // the rest of the body is not read
      sendJson(res, e.status, { error: e.message });
    }
    else if (isPairbotError(e) && e.code === "invalid_input") sendJson(res, 400, { error: e.message });
    else if (isPairbotError(e) && (e.code === "store_busy" || e.code === "store_corrupt")) sendJson(res, 503, { error: e.message });
    else sendJson(res, 500, { error: "The gateway failed to handle this message; see its log." });
  }
  return true;
}

function channelOfPath(segment: string): string {
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
