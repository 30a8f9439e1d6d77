import { randomBytes } from "node:crypto";
import type { WebSocket } from "ws";
import { deviceRequestState, isPairbotError, type PairingStore, type StoreDoc, type StoreEvent } from "../store/index.js";
import type { ClientAddress } from "./addresses.js";
import type { GatewayLog } from "./log.js";
import { CLOSE_CODES, COUNTS_AS_FAILURE, HelloSchema, PROTOCOL_VERSION, SessionFrameSchema, parseFrame, type GatewayFrame, type Hello, type ReasonCode } from "./protocol.js";
import { verifyChallenge } from "./signature.js";
import type { GatewayStats } from "./stats.js";
import type { AddressThrottle } from "./throttle.js";

export interface DeviceDoorDeps {
  store: PairingStore;
  log: GatewayLog;
  throttle: AddressThrottle;
  stats: GatewayStats;
  helloTimeoutMs: number;
  /** Connections from one address group that may wait for their hello at once. */
  maxHandshakesPerAddress: number;
}

/** One connection, from challenge to close. */
interface Connection {
  ws: WebSocket;
  address: string;
  /** What the throttle and the handshake cap count by: the address, or its IPv6 /64. */
  group: string;
  via: ClientAddress["via"];
  nonce: string;
  state: "challenged" | "checking" | "waiting" | "minting" | "open" | "closed";
  hello?: Hello;
  deviceId?: string;
  /** The device request this connection waits on, or the approval its session came from. */
  requestId?: string;
  timer?: NodeJS.Timeout;
  /** Called once the device proved its token: its address may use the reserved connections. */
  vouch: () => void;
}

const STORE_REASONS: Record<string, ReasonCode> = {
  token_invalid: "token_invalid",
  token_expired: "token_expired",
  token_bound: "token_bound",
  scope_denied: "scope_denied",
  invalid_input: "invalid_input",
  store_busy: "unavailable",
  store_corrupt: "unavailable",
  store_too_new: "unavailable",
};

/**
 * The device side of the gateway: proves each device holds its key, then lets the store decide.
 * Waiting devices learn of the owner's decision from the store's change feed.
 */
export class DeviceDoor {
  private readonly connections = new Set<Connection>();

  constructor(private readonly deps: DeviceDoorDeps) {}

  accept(ws: WebSocket, { address, group, via }: ClientAddress, vouch: () => void = () => undefined): void {
    const { stats } = this.deps;
    stats.connections += 1;
    const c: Connection = { ws, address, group, via, nonce: randomBytes(32).toString("base64url"), state: "challenged", vouch };
    const handshaking = this.live((o) => o.state === "challenged" && o.group === group).length;
    this.connections.add(c);
    ws.on("close", () => this.forget(c));
    ws.on("error", (e: Error & { code?: string }) => {
      if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") this.count(c, "frame_too_large"); // ws closes with 1009 itself
      else this.deps.log.warn({ remoteAddress: address, err: e.message }, "connection error");
    });
    if (this.refuseIfThrottled(c)) return;
    if (handshaking >= this.deps.maxHandshakesPerAddress) {
      return this.refuse(c, "throttled", `Too many connections from your address are waiting to say hello; finish those first.`, this.deps.helloTimeoutMs);
    }
    ws.on("message", (data, isBinary) => void this.onFrame(c, isBinary ? undefined : data.toString()));
    c.timer = setTimeout(() => this.timeOut(c), this.deps.helloTimeoutMs);
    this.send(c, { type: "challenge", nonce: c.nonce, protocol: PROTOCOL_VERSION });
  }

  /** Checked when a connection opens and again when its hello arrives: many may open at once. */
  private refuseIfThrottled(c: Connection): boolean {
    const wait = this.deps.throttle.waitFor(c.group);
    if (wait > 0) this.refuse(c, "throttled", `Too many failed attempts from your address; try again in ${Math.ceil(wait / 1000)} s.`, wait);
    return wait > 0;
  }

  /** A silent connection is dropped at once: no waiting for a close handshake it will not answer. */
  private timeOut(c: Connection): void {
    if (c.state === "closed") return;
    this.count(c, "handshake_timeout");
    this.send(c, { type: "error", code: "handshake_timeout", message: `No hello within ${this.deps.helloTimeoutMs / 1000} s of the challenge.` });
    this.forget(c);
    c.ws.terminate();
  }

  /** Called with every batch of store changes (from any process). */
  onStoreEvents(events: StoreEvent[], doc: StoreDoc): void {
    // No events with a document: the store was read anew (this process missed compactions); look at every waiting device.
    if (events.length === 0) for (const c of this.live((c) => c.state === "waiting")) void this.settle(c, doc);
    for (const event of events) {
      if (event.type === "device.revoked") {
        for (const c of this.live((c) => c.state === "open" && c.deviceId === event.device.deviceId && c.requestId === event.device.requestId)) {
          this.end(c, "revoked", "The owner revoked this device; pair it again to reconnect.");
        }
      } else if (event.type === "device.approved" || event.type === "device.removed") {
        const requestId = event.type === "device.approved" ? event.device.requestId : event.request.requestId;
        for (const c of this.live((c) => c.state === "waiting" && c.requestId === requestId)) void this.settle(c, doc);
      }
    }
  }

  closeAll(): void {
    for (const c of this.connections) c.ws.close(1001, "gateway shutting down");
  }

  private live(match: (c: Connection) => boolean): Connection[] {
    return [...this.connections].filter(match);
  }

  private async onFrame(c: Connection, data: string | undefined): Promise<void> {
    if (c.state === "closed") return;
    if (data === undefined) return this.refuse(c, "bad_frame", "Binary frames are not understood; send JSON text frames.");
    if (c.state === "challenged") {
      if (this.refuseIfThrottled(c)) return;
      const parsed = parseFrame(HelloSchema, data);
      if (!parsed.ok) return this.refuse(c, "bad_frame", parsed.message);
      clearTimeout(c.timer);
      c.state = "checking";
      c.hello = parsed.frame;
      await this.onHello(c, parsed.frame).catch((e: unknown) => this.fail(c, e));
      return;
    }
    if (c.state === "waiting" || c.state === "open") {
      const parsed = parseFrame(SessionFrameSchema, data);
      if (!parsed.ok) return this.refuse(c, "bad_frame", parsed.message);
      this.send(c, { type: "pong" });
      return;
    }
    this.refuse(c, "unexpected_frame", "Wait for the gateway's answer to your hello before sending more.");
  }

  private async onHello(c: Connection, hello: Hello): Promise<void> {
    if (!verifyChallenge(hello.publicKey, c.nonce, hello.signature)) {
      return this.refuse(c, "bad_signature", "The signature does not match the public key and this connection's challenge.");
    }
    if (hello.deviceToken !== undefined) {
      const device = await this.deps.store.verifyDeviceToken(hello.publicKey, hello.deviceToken);
      this.open(c, device.deviceId, device.requestId);
      this.deps.stats.authenticated += 1;
      c.vouch();
      this.send(c, { type: "authenticated", deviceId: device.deviceId, role: device.role, scopes: device.scopes });
      this.deps.log.info({ remoteAddress: c.address, deviceId: device.deviceId }, "device authenticated");
      return;
    }
    const result = await this.deps.store.requestDevicePairing({
      bootstrapToken: hello.bootstrapToken!,
      publicKey: hello.publicKey,
      name: hello.name ?? "",
      platform: hello.platform ?? "",
      role: hello.role,
      scopes: hello.scopes,
      remoteAddress: c.address,
      via: c.via,
    });
    c.deviceId = result.deviceId;
    if (result.status === "approved") {
      const how = result.auto ? `device approved automatically (device.autoApproveCidrs ${result.auto})` : "device approved while away";
      this.deps.log.info({ remoteAddress: c.address, deviceId: result.deviceId }, how);
      return this.mint(c);
    }
    c.state = "waiting";
    c.requestId = result.requestId;
    this.deps.stats.waiting += 1;
    this.send(c, { type: "pending", requestId: result.requestId, deviceId: result.deviceId, expiresAt: result.expiresAt });
    this.deps.log.info({ remoteAddress: c.address, deviceId: result.deviceId, requestId: result.requestId }, "device waiting for approval");
    this.scheduleExpiry(c, result.expiresAt);
    // The owner may have decided between our write and now, before the feed knew of this connection.
    await this.settle(c, await this.deps.store.read());
  }

  /** Acts on the owner's decision about a waiting device, as far as `doc` shows one. */
  private async settle(c: Connection, doc: StoreDoc): Promise<void> {
    if (c.state !== "waiting" || c.requestId === undefined) return;
    const request = deviceRequestState(doc, c.requestId);
    if (request.state === "awaiting-token") return this.mint(c);
    if (request.state !== "ended") return;
    const { outcome } = request;
    if (!outcome || outcome.action === "approve") return; // an older snapshot, or approval seen by the event
    if (outcome.action === "reject" || outcome.action === "cleanup") return this.reject(c); // cleanup: its setup code was voided
    if (outcome.action === "expire") return this.end(c, "request_expired", "Nobody approved this device in time; pair it again with a new setup code.");
    if (outcome.action === "supersede") return this.end(c, "superseded", "This device asked again with another role, scopes, name, platform or address; this request was replaced.");
  }

  private async mint(c: Connection): Promise<void> {
    if (c.state === "minting" || c.state === "closed") return;
    if (c.state === "waiting") this.deps.stats.waiting -= 1;
    c.state = "minting";
    clearTimeout(c.timer);
    const hello = c.hello!;
    try {
      const { deviceId, token } = await this.deps.store.issueDeviceToken({ publicKey: hello.publicKey, bootstrapToken: hello.bootstrapToken! });
      const device = await this.deps.store.verifyDeviceToken(hello.publicKey, token); // also: not revoked meanwhile
      this.open(c, deviceId, device.requestId);
      this.deps.stats.paired += 1;
      c.vouch();
      this.send(c, { type: "paired", deviceId, deviceToken: token, role: device.role, scopes: device.scopes });
      this.deps.log.info({ remoteAddress: c.address, deviceId }, "device paired: token handed out");
    } catch (e) {
      this.fail(c, e);
    }
  }

  private open(c: Connection, deviceId: string, requestId: string): void {
    if (c.state === "closed") return;
    c.state = "open";
    c.deviceId = deviceId;
    c.requestId = requestId;
    this.deps.stats.sessions += 1;
    this.deps.throttle.succeed(c.group);
  }

  private reject(c: Connection): void {
    this.send(c, { type: "rejected", reason: "The owner rejected this device." });
    this.deps.log.info({ remoteAddress: c.address, deviceId: c.deviceId }, "device rejected");
    this.close(c, CLOSE_CODES.rejected, "rejected");
  }

  private scheduleExpiry(c: Connection, expiresAt: string): void {
    const delay = Math.max(0, Date.parse(expiresAt) - this.deps.store.clock()) + 50;
    // Expiry is the store's rule: prune writes it, and the feed brings the outcome back here.
    c.timer = setTimeout(() => void this.deps.store.prune().then(async () => this.settle(c, await this.deps.store.read())).catch((e) => this.fail(c, e)), delay);
    c.timer.unref();
  }

  private fail(c: Connection, e: unknown): void {
    if (isPairbotError(e) && STORE_REASONS[e.code]) return this.refuse(c, STORE_REASONS[e.code]!, e.message);
    this.deps.log.error({ remoteAddress: c.address, err: e instanceof Error ? e.message : String(e) }, "gateway error");
    this.refuse(c, "internal_error", "The gateway failed; try again later.");
  }

  private count(c: Connection, code: ReasonCode): void {
    const refused = this.deps.stats.refused;
    refused[code] = (refused[code] ?? 0) + 1;
    if (COUNTS_AS_FAILURE.has(code)) this.deps.throttle.fail(c.group);
    this.deps.log.warn({ remoteAddress: c.address, reason: code, ...(c.deviceId ? { deviceId: c.deviceId } : {}) }, "connection refused");
  }

  private refuse(c: Connection, code: ReasonCode, message: string, retryAfterMs?: number): void {
    if (c.state === "closed") return;
    this.count(c, code);
    this.sendError(c, code, message, retryAfterMs);
  }

  /** Ends a session for a reason that is no fault of the device: revoked, expired, superseded. */
  private end(c: Connection, code: ReasonCode, message: string): void {
    this.deps.log.info({ remoteAddress: c.address, deviceId: c.deviceId, reason: code }, "session ended");
    this.sendError(c, code, message);
  }

  private sendError(c: Connection, code: ReasonCode, message: string, retryAfterMs?: number): void {
    this.send(c, { type: "error", code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    this.close(c, CLOSE_CODES[code], code);
  }

  private close(c: Connection, closeCode: number, reason: string): void {
    this.forget(c);
    c.ws.close(closeCode, reason);
  }

  private forget(c: Connection): void {
    if (c.state === "closed") return;
    if (c.state === "waiting") this.deps.stats.waiting -= 1;
    if (c.state === "open") this.deps.stats.sessions -= 1;
    c.state = "closed";
    clearTimeout(c.timer);
    this.connections.delete(c);
  }

  private send(c: Connection, frame: GatewayFrame): void {
    if (c.state !== "closed" && c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(frame));
  }
}
