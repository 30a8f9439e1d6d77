import type { IncomingMessage, ServerResponse } from "node:http";
import { isPairbotError, type PairbotError } from "../store/index.js";
import { authenticate, channelOfPath, sendJson, type ChannelHttpDeps } from "./channel-http.js";
import type { AdapterEvent, EventFollow, EventFollower } from "./channel-events-feed.js";
import { HttpError } from "./dm-channels.js";

export interface ChannelEventsDeps extends ChannelHttpDeps {
  follow: EventFollower;
  /** How often an idle stream gets a comment line, so proxies and NATs keep it open. */
  heartbeatMs: number;
  /** A store read failed while following (it retries by itself). */
  onStoreError: (error: unknown) => void;
}

const ROUTE = /^\/channels\/([^/]+)\/events\/?$/;
/** What an EventSource waits before it reconnects (it then sends Last-Event-ID). */
const RETRY_MS = 2_000;
/** A client that stops reading is cut off past this much unsent output; it resumes from its last id. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

/** The event streams open now, so the gateway can end them at shutdown. */
export class EventStreams {
  private readonly open = new Map<() => void, ServerResponse>();

  get count(): number {
    return this.open.size;
  }

  add(end: () => void, res: ServerResponse): () => void {
    this.open.set(end, res);
    return () => this.open.delete(end);
  }

  /** Ends every stream and waits (at most `graceMs`) until their last bytes are out, before sockets are cut. */
  async endAll(graceMs = 1_000): Promise<void> {
    const responses = [...this.open.values()];
    for (const end of [...this.open.keys()]) end();
    const flushed = responses.map((res) => (res.writableFinished || res.destroyed ? Promise.resolve() : new Promise<void>((resolve) => res.once("close", resolve).once("finish", resolve))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(flushed), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}

/**
 * GET /channels/<channel>/events: the channel's pairing events as server-sent events (`id:` the seq,
 * `event:` the type, `data:` the JSON object), resuming after `Last-Event-ID` or `?since=`; without
 * either, from now on. Authenticated like POST /channels/<channel>/messages. Returns false for other paths.
 */
export async function handleChannelEvents(deps: ChannelEventsDeps, streams: EventStreams, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://gateway");
  const match = ROUTE.exec(url.pathname);
  if (!match) return false;
  let follow: EventFollow | undefined;
  try {
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      throw new HttpError(405, "Follow a channel's events with GET.");
    }
    const channel = channelOfPath(match[1]!);
    const adapter = authenticate(deps, req, res, channel);
    const { after, source } = resumePoint(req, url);
    // What arrives while the stream is being opened waits here, in order, until the headers are out.
    const early: Array<() => void> = [];
    let streaming = false;
    const inOrder = (step: () => void) => (streaming ? step() : void early.push(step));
    follow = await deps
      .follow({ after, channel }, { onEvent: (event) => inOrder(() => send(event)), onGap: (error) => inOrder(() => endWithGap(error)), onStoreError: deps.onStoreError })
      .catch((e: unknown) => {
        // A resume point ahead of every event: say which header carried it.
        if (isPairbotError(e) && e.code === "invalid_input") throw new HttpError(400, `Invalid ${source} ${after}: ${e.message}`);
        throw e;
      });
    if (req.destroyed) return stop(follow);

    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no" });
    res.write(`retry: ${RETRY_MS}\n: following ${channel} after event ${follow.after}\n\n`);
    const opened = follow;
    let sent = 0;
    deps.log.info({ channel, adapter, after: opened.after }, "event stream opened");
    const open = () => !res.writableEnded && !res.destroyed;
    const heartbeat = setInterval(() => open() && res.write(": keep-alive\n\n"), deps.heartbeatMs);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      opened.stop();
      forget();
      if (open()) res.end();
      deps.log.info({ channel, adapter, sent }, "event stream closed");
    };
    const forget = streams.add(end, res);
    res.on("close", end);
    const send = (event: AdapterEvent) => {
      if (!open()) return;
      res.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      sent += 1;
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        deps.log.warn({ channel, backlog: res.writableLength }, "event stream closed: the client does not read");
        res.destroy();
      }
    };
    // Events were lost to this client: say so and end; its reconnect with the last id gets 410.
    const endWithGap = (error: PairbotError) => {
      if (!open()) return;
      res.write(`event: error\ndata: ${JSON.stringify({ error: error.message, code: error.code })}\n\n`);
      end();
    };
    streaming = true;
    for (const step of early.splice(0)) step();
  } catch (e) {
    if (follow) stop(follow);
    answerRefusal(deps, res, e);
  }
  return true;
}

function stop(follow: EventFollow): true {
  follow.stop();
  return true;
}

/** The last event the client has: its Last-Event-ID on a reconnect, else ?since=, else none (from now on). */
function resumePoint(req: IncomingMessage, url: URL): { after: number | undefined; source: string } {
  const header = req.headers["last-event-id"];
  const [text, source] = header !== undefined ? [String(header).trim(), "Last-Event-ID"] : [url.searchParams.get("since"), "since"];
  if (text === null) return { after: undefined, source };
  if (!/^\d{1,15}$/.test(text)) throw new HttpError(400, `Invalid ${source} "${text.slice(0, 20)}": give the seq of the last event you have, a whole number like 42 (0 for every event kept).`);
  return { after: Number(text), source };
}

function answerRefusal(deps: ChannelEventsDeps, res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e instanceof HttpError) {
    if (e.status === 400) deps.counts.badRequest += 1;
    sendJson(res, e.status, { error: e.message });
  } else if (isPairbotError(e) && e.code === "events_pruned") {
    // 410, not a stream: an EventSource would otherwise reconnect with the same id forever.
    sendJson(res, 410, { error: e.message, code: e.code, ...e.data });
  } else if (isPairbotError(e) && (e.code === "store_busy" || e.code === "store_corrupt" || e.code === "store_unavailable")) {
    sendJson(res, 503, { error: e.message });
  } else {
    deps.log.error({ err: e instanceof Error ? e.message : String(e) }, "event stream failed");
    sendJson(res, 500, { error: "The gateway failed to open this event stream; see its log." });
  }
}
