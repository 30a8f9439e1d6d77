import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { systemClock, type Clock, type PairingStore, type StoreFeed } from "../store/index.js";
import { DeviceDoor } from "./device-door.js";
import { handleChannelRequest, sendJson } from "./dm-channels.js";
import type { DmPolicies } from "./dm-policy.js";
import { silentLog, type GatewayLog } from "./log.js";
import { MAX_FRAME_BYTES } from "./protocol.js";
import { loadReplies, type ReplyTemplates } from "./replies.js";
import { emptyStats, type GatewayStats } from "./stats.js";
import { AddressThrottle, DEFAULT_THROTTLE, type ThrottleOptions } from "./throttle.js";

export interface GatewayOptions {
  store: PairingStore;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** PEM certificate and key: the gateway speaks wss:// and https://. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  policies?: DmPolicies;
  locale?: string;
  replies?: Map<string, ReplyTemplates>;
  log?: GatewayLog;
  /** For the per-address throttle; the store's rules keep the store's own clock. */
  clock?: Clock;
  throttle?: Partial<ThrottleOptions>;
  helloTimeoutMs?: number;
  maxFrameBytes?: number;
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
  const throttle = new AddressThrottle(options.clock ?? systemClock, { ...DEFAULT_THROTTLE, ...options.throttle });
  const door = new DeviceDoor({ store, log, throttle, stats, helloTimeoutMs: options.helloTimeoutMs ?? 10_000 });
  const channels = {
    store,
    policies: options.policies ?? new Map(),
    replies: options.replies ?? loadReplies(),
    defaultLocale: options.locale ?? "en",
    counts: stats.messages,
    log,
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void handleChannelRequest(channels, req, res).then((handled) => {
      if (!handled) sendJson(res, 404, { error: "Not found: devices connect over WebSocket; channels POST to /channels/<channel>/messages." });
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(onRequest);
  const wss = new WebSocketServer({ server, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES });
  wss.on("connection", (ws, req) => door.accept(ws, req.socket.remoteAddress ?? "unknown"));

  let feed: StoreFeed | undefined;
  return {
    async listen() {
      feed = store.watch((events, doc) => door.onStoreEvents(events, doc), {
        pollMs: 500, // revocations close sessions within a second even where folder watching fails
        onError: (e) => log.error({ err: e instanceof Error ? e.message : String(e) }, "store feed error"),
      });
      await feed.ready;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 18789, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      const shown = host.includes(":") ? `[${host}]` : host;
      return `${options.tls ? "wss" : "ws"}://${shown}:${port}`;
    },
    async close() {
      feed?.close();
      door.closeAll();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    stats: () => structuredClone(stats),
  };
}
