import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { PairbotError, systemClock, type Clock, type PairingStore, type StoreFeed } from "../store/index.js";
import { DeviceDoor } from "./device-door.js";
import type { Socket } from "node:net";
import type { ServerOptions as WsOptions } from "ws";
import { addressGroup, clientAddress, plainAddress } from "./addresses.js";
import type { AdapterToken } from "./channel-auth.js";
import { storeEventFollower } from "./channel-events-feed.js";
import { EventStreams, handleChannelEvents, type ChannelEventsDeps } from "./channel-events.js";
import { handleChannelRequest, sendJson } from "./channel-http.js";
import { ConnectionLimits, connectionLimits, type ConnectionLimitOptions } from "./connection-limits.js";
import type { ChannelAccounts } from "./dm-accounts.js";
import { openChannels, type DmPolicies } from "./dm-policy.js";
import { RefusalCounter } from "./flood.js";
import { KnownClients } from "./known-clients.js";
import { silentLog, type GatewayLog } from "./log.js";
import { MAX_FRAME_BYTES } from "./protocol.js";
import { loadReplies, type ReplyTemplates } from "./replies.js";
import type { ReplyModes } from "./reply-modes.js";
import { emptyStats, type GatewayStats } from "./stats.js";
import { feedErrorReporter } from "./store-feed.js";
import { AddressThrottle, DEFAULT_THROTTLE, type ThrottleOptions } from "./throttle.js";

export interface GatewayOptions {
  store: PairingStore;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** PEM certificate and key: the gateway speaks wss:// and https://. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  policies?: DmPolicies;
  /** The accounts each channel serves; without it, only `default`. */
  accounts?: ChannelAccounts;
  /** Channel adapters' tokens; without them only loopback clients may post channel messages. */
  adapterTokens?: readonly AdapterToken[];
  /** Reverse proxies whose X-Forwarded-For names the client (off unless given). */
  trustedProxies?: ReadonlySet<string>;
  limits?: Partial<ConnectionLimitOptions>;
  locale?: string;
  /** The texts sent back to strangers (shipped, or with GATEWAY_REPLIES_FILE's overrides), and how much of them each channel sends. */
  replies?: Map<string, ReplyTemplates>;
  replyModes?: ReplyModes;
  log?: GatewayLog;
  /** For the per-address throttle; the store's rules keep the store's own clock. */
  clock?: Clock;
  throttle?: Partial<ThrottleOptions>;
  helloTimeoutMs?: number;
  /** How long an HTTP client may take to send its headers, and its whole request. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxFrameBytes?: number;
  /** The window of the per-channel refusal summary (tests shorten it). */
  refusalWindowMs?: number;
  /** How often an idle event stream gets a keep-alive comment (default 15 s). */
  eventHeartbeatMs?: number;
}

export interface Gateway {
  /** Resolves with the ws:// or wss:// URL it listens on once it accepts connections. */
  listen(): Promise<string>;
  close(): Promise<void>;
  stats(): GatewayStats;
}

export const isLoopback = (host: string): boolean => host === "localhost" || host === "::1" || /^127\./.test(host);

/** The reference gateway: devices over WebSocket, DM channels over HTTP, one server, the store behind both. */
export function createGateway(options: GatewayOptions): Gateway {
  const { store } = options;
  const log = options.log ?? silentLog;
  const host = options.host ?? "127.0.0.1";
  const stats = emptyStats();
  const trustedProxies = options.trustedProxies ?? new Set<string>();
  const limitOptions = connectionLimits(options.limits);
  const limits = new ConnectionLimits(limitOptions);
  const known = new KnownClients(options.clock ?? systemClock, trustedProxies);
  const throttle = new AddressThrottle(options.clock ?? systemClock, { ...DEFAULT_THROTTLE, ...options.throttle });
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  const door = new DeviceDoor({ store, log, throttle, stats, helloTimeoutMs, maxHandshakesPerAddress: limitOptions.maxHandshakesPerAddress });
  const refusals = new RefusalCounter(log, (summary) => store.recordRefusals(summary), store.clock, options.refusalWindowMs);
  const replies = options.replies ?? loadReplies();
  const defaultLocale = options.locale ?? "en";
  const channels: ChannelEventsDeps = {
    store,
    policies: options.policies ?? new Map(),
    accounts: options.accounts ?? new Map(),
    adapterTokens: options.adapterTokens,
    trustedProxies,
    replies,
    replyModes: options.replyModes ?? new Map(),
    defaultLocale,
    counts: stats.messages,
    refusals,
    vouch: (socketAddress) => known.vouch(socketAddress),
    log,
    follow: storeEventFollower(store, replies, defaultLocale),
    onStoreError: feedErrorReporter(log),
    heartbeatMs: options.eventHeartbeatMs ?? 15_000,
  };
  const streams = new EventStreams();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      if (await handleChannelEvents(channels, streams, req, res)) return;
      if (await handleChannelRequest(channels, req, res)) return;
      sendJson(res, 404, { error: "Not found: devices connect over WebSocket; channels POST to /channels/<channel>/messages and GET /channels/<channel>/events." });
    })();
  };
  // Slow or unfinished headers cost a socket each: give up on them within seconds, checked every second.
  const httpOptions: ServerOptions = { headersTimeout: options.headersTimeoutMs ?? 5_000, requestTimeout: options.requestTimeoutMs ?? 15_000, connectionsCheckingInterval: 1_000 };
  const server: Server = options.tls ? createHttpsServer({ ...httpOptions, cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(httpOptions, onRequest);
  server.on("connection", (socket: Socket) => admit(socket));
  // closeTimeout: a peer that ignores our close frame is cut off after 2 s, not ws's default 30 s.
  const wsOptions = { server, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES, closeTimeout: 2_000 } as WsOptions;
  const wss = new WebSocketServer(wsOptions);
  wss.on("error", () => undefined); // ws repeats the HTTP server's errors here; listen() reports them
  wss.on("connection", (ws, req) =>
    door.accept(ws, clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxies), () => known.vouch(req.socket.remoteAddress)),
  );

  /** Every socket counts against the limits from its first byte, before TLS or HTTP is parsed. */
  function admit(socket: Socket): void {
    const address = plainAddress(socket.remoteAddress ?? "unknown");
    const group = addressGroup(address);
    const admission = limits.admit(group, { exempt: trustedProxies.has(address), known: known.mayUseReserve(address) });
    if (admission === "admitted") {
      socket.once("close", () => limits.release(group));
      return;
    }
    if (admission === "total") stats.dropped.total += 1;
    else stats.dropped.perAddress += 1;
    if ((stats.dropped.total + stats.dropped.perAddress) % 100 === 1) {
      log.warn({ remoteAddress: address, limit: admission, dropped: stats.dropped, open: limits.open }, "connection dropped: too many open connections");
    }
    socket.destroy();
  }

  let feed: StoreFeed | undefined;
  return {
    async listen() {
      feed = store.watch((events, doc) => door.onStoreEvents(events, doc), {
        pollMs: 500, // revocations close sessions within a second even where folder watching fails
        onError: feedErrorReporter(log),
      });
      await feed.ready;
      const port = options.port ?? 18789;
      await new Promise<void>((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException): void => {
          feed?.close();
          reject(listenError(e, host, port));
        };
        server.once("error", onError);
        server.listen(port, host, () => {
          server.off("error", onError);
          resolve();
        });
      });
      for (const channel of openChannels(channels.policies)) {
        log.warn({ channel }, `DM policy open on ${channel === "*" ? "every channel not named" : channel}: anyone may talk to the assistant there without the owner's approval`);
      }
      if (channels.adapterTokens === undefined) {
        log.warn({}, "channel endpoint open to loopback clients only: no --channel-token-file given");
      }
      const shown = host.includes(":") ? `[${host}]` : host;
      return `${options.tls ? "wss" : "ws"}://${shown}:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      feed?.close();
      await streams.endAll(); // a clean end of each event stream; its client resumes from its last id
      await refusals.stop();
      door.closeAll();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    stats: () => ({ ...structuredClone(stats), eventStreams: streams.count, refusedRequests: { ...refusals.total }, refusedRequestsThisMinute: refusals.thisMinute() }),
  };
}

/** Why the gateway could not listen, in one sentence saying what to change. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  if (e.code === "EADDRINUSE") return new PairbotError("config_invalid", `Port ${port} on ${host} is already in use (another gateway?): stop that process, or choose another port with --port.`);
  if (e.code === "EADDRNOTAVAIL") return new PairbotError("config_invalid", `--host ${host} is not an address of this machine: use one from hostname -I, 127.0.0.1, or 0.0.0.0 for all.`);
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return new PairbotError("config_invalid", `--host ${host} does not resolve to an address here: use one from hostname -I, 127.0.0.1, or 0.0.0.0 for all.`);
  if (e.code === "EACCES") return new PairbotError("config_invalid", `Not allowed to listen on port ${port} (ports below 1024 need privileges): choose another with --port.`);
  return e;
}
