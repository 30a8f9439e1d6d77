import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import net from "node:net";
import path from "node:path";
import WebSocket from "ws";
import { createGateway, type Gateway, type GatewayOptions } from "../../src/gateway/server.js";
import { challengeMessage } from "../../src/gateway/protocol.js";
import type { GatewayLog } from "../../src/gateway/log.js";
import { PairingStore, type Policy } from "../../src/store/index.js";
import { tempDir } from "../support/temp-store.js";

/** A gateway on a free loopback port over a fresh store (real clock), and a second store instance for the owner. */
/** A library gateway on a fresh store; `policy` is the gateway's store policy (its pending caps). */
export async function startGateway({ policy, ...options }: Partial<GatewayOptions> & { policy?: Partial<Policy> } = {}) {
  const { dir, remove } = tempDir("pairbot-gw-");
  const file = path.join(dir, "store.json");
  const store = new PairingStore({ file, ...(policy ? { policy } : {}) });
  const owner = new PairingStore({ file });
  const lines: string[] = [];
  const log: GatewayLog = {
    info: (obj, msg) => lines.push(JSON.stringify({ ...obj, msg })),
    warn: (obj, msg) => lines.push(JSON.stringify({ ...obj, msg })),
    error: (obj, msg) => lines.push(JSON.stringify({ ...obj, msg })),
  };
  const gateway: Gateway = createGateway({ store, port: 0, log, ...options });
  const url = await gateway.listen();
  let stopped = false;
  const inFlight: Promise<unknown>[] = [];
  const setupCode = async () => (await owner.createSetupCode({ url }, "telegram:1")).setupCode;
  return {
    dir,
    file,
    store,
    owner,
    gateway,
    url,
    httpUrl: url.replace(/^ws/, "http"),
    logLines: lines,
    setupCode,
    /** Remembers an owner action started from a callback, so stop() waits for it before deleting the folder. */
    track<T>(work: Promise<T>): Promise<T> {
      inFlight.push(work);
      return work;
    },
    stateFile: (name: string) => path.join(dir, "nodes", `${name}.json`),
    /** Safe to call twice: a test that finished with this gateway leaves it for afterEach. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled(inFlight);
      await gateway.close();
      remove();
    },
  };
}

export type TestGateway = Awaited<ReturnType<typeof startGateway>>;

/** A device key pair as the protocol carries it. */
export function deviceKey() {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  return { publicKey: jwk.x!, sign: (nonce: string) => sign(null, challengeMessage(nonce), privateKey).toString("base64url") };
}
export type DeviceKey = ReturnType<typeof deviceKey>;

/** A raw protocol client: sends what a test tells it and records every frame and the close. */
export class RawClient {
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  private readonly ws: WebSocket;

  constructor(url: string, headers: Record<string, string> = {}, localAddress?: string) {
    this.ws = new WebSocket(url, { headers, ...(localAddress ? { localAddress } : {}) });
    this.ws.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
    this.ws.on("error", () => undefined);
    this.closed = new Promise((resolve) => this.ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** The first frame of this type, waiting for it if needed (or failing when the connection closes first). */
  async frame(type: string): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.frames.find((f) => f["type"] === type);
      if (found) return found;
      const closed = this.closed.then(() => "closed" as const);
      const arrived = new Promise<"frame">((resolve) => this.waiters.push(() => resolve("frame")));
      if ((await Promise.race([arrived, closed])) === "closed" && !this.frames.some((f) => f["type"] === type)) {
        throw new Error(`closed before a ${type} frame; got ${JSON.stringify(this.frames)}`);
      }
    }
  }

  async challenge(): Promise<string> {
    return (await this.frame("challenge"))["nonce"] as string;
  }

  send(data: unknown): void {
    this.ws.send(typeof data === "string" || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }

  /** Answers the challenge with a correctly signed hello carrying `extra`. */
  async hello(key: DeviceKey, extra: Record<string, unknown>): Promise<void> {
    const nonce = await this.challenge();
    this.send({ type: "hello", publicKey: key.publicKey, signature: key.sign(nonce), name: "Test phone", platform: "ios", role: "node", scopes: [], ...extra });
  }

  close(): void {
    this.ws.close();
  }
}

/** The error frame and the close code a refused connection ends with. */
export async function refusal(client: RawClient): Promise<{ code: unknown; closeCode: number }> {
  const { code } = await client.closed;
  const error = client.frames.find((f) => f["type"] === "error");
  return { code: error?.["code"], closeCode: code };
}

export const bootstrapTokenOf = (setupCode: string): string =>
  (JSON.parse(Buffer.from(setupCode, "base64url").toString("utf8")) as { bootstrapToken: string }).bootstrapToken;

/**
 * A client that upgrades to WebSocket by hand and then ignores everything, close frames included:
 * what an attacker holding sockets open does. `closed` resolves with how long the gateway kept it.
 */
export function silentSocket(url: string, localAddress = "127.0.0.1") {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  const socket = net.connect({ host: hostname, port: Number(port), localAddress });
  let received = "";
  socket.on("data", (d) => (received += d.toString("latin1")));
  socket.on("error", () => undefined);
  socket.on("connect", () =>
    socket.write(`GET / HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
  );
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - started)));
  return { socket, closed, received: () => received, upgraded: () => received.startsWith("HTTP/1.1 101") };
}

/** A client that sends half its HTTP headers and then nothing (a slowloris). */
export function halfHeaders(url: string) {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  const socket = net.connect({ host: hostname, port: Number(port) }, () => socket.write(`POST /channels/whatsapp/messages HTTP/1.1\r\nHost: ${hostname}\r\n`));
  socket.on("error", () => undefined);
  socket.resume(); // read the 408, or "close" never comes
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - started)));
  return { socket, closed };
}
