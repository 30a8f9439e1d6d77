import WebSocket from "ws";
import { z } from "zod";
import type { ReasonCode } from "../gateway/protocol.js";
import { PairbotError } from "../store/index.js";
import { signChallenge, type NodeState } from "./state.js";

/** The gateway's frames as the node reads them: loosely, so a newer gateway's extra fields pass. */
const GatewayFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("challenge"), nonce: z.string().min(16).max(256) }),
  z.object({ type: z.literal("pending"), requestId: z.string(), deviceId: z.string(), expiresAt: z.string() }),
  z.object({ type: z.literal("paired"), deviceId: z.string(), deviceToken: z.string(), role: z.string(), scopes: z.array(z.string()) }),
  z.object({ type: z.literal("authenticated"), deviceId: z.string(), role: z.string(), scopes: z.array(z.string()) }),
  z.object({ type: z.literal("rejected"), reason: z.string() }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
type Frame = z.infer<typeof GatewayFrameSchema>;

/** Why the node gave up: a gateway reason code, or a local one ("unreachable", "closed"). */
export class NodeError extends Error {
  override readonly name = "NodeError";
  constructor(
    readonly code: ReasonCode | "unreachable" | "closed" | "protocol",
    message: string,
  ) {
    super(message);
  }
}

export interface Credentials {
  bootstrapToken?: string;
  deviceToken?: string;
  name?: string;
  platform?: string;
  role?: string;
  scopes?: string[];
}

export interface NodeSession {
  /** The gateway address that answered. */
  url: string;
  deviceId: string;
  role: string;
  scopes: string[];
  /** Set when pairing handed out a token. */
  deviceToken?: string;
  /** Resolves when the gateway ends the session: its reason, or "closed". */
  ended: Promise<NodeError>;
  close(): void;
}

export interface ConnectOptions {
  url: string;
  state: NodeState;
  credentials: Credentials;
  /** Called when the gateway says the device waits for the owner. */
  onPending?: (requestId: string) => void;
  /** Extra TLS trust (a self-signed gateway certificate, PEM). */
  ca?: string | Buffer;
  /** How long to wait for the connection to open (default 10 s). */
  openTimeoutMs?: number;
}

/**
 * Connects, answers the challenge with a signed hello and waits for the outcome: a session (paired
 * or authenticated), or a NodeError with the gateway's reason code.
 */
export function connectToGateway(options: ConnectOptions): Promise<NodeSession> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, { ...(options.ca ? { ca: options.ca } : {}), handshakeTimeout: options.openTimeoutMs ?? 10_000 });
    let opened = false;
    ws.on("open", () => (opened = true));
    let lastError: NodeError | undefined;
    let settled = false;
    let endSession: (e: NodeError) => void = () => undefined;
    const ended = new Promise<NodeError>((r) => (endSession = r));

    const fail = (e: NodeError): void => {
      lastError ??= e;
      if (!settled) {
        settled = true;
        reject(e);
      }
      ws.close();
    };

    ws.on("error", (e: Error & { code?: string }) => {
      // Before the WebSocket opened the gateway did not answer at this address (refused, no route, timeout, TLS).
      if (!opened) return fail(new NodeError("unreachable", `Cannot reach the gateway at ${options.url} (${e.code ?? e.message}); is \`pairbot gateway\` running there?`));
      fail(new NodeError("closed", `Connection to ${options.url} failed: ${e.message}`));
    });
    ws.on("close", (code) => {
      const e = lastError ?? new NodeError("closed", `The gateway closed the connection (code ${code}).`);
      endSession(e);
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    ws.on("message", (data) => {
      let frame: Frame;
      try {
        frame = GatewayFrameSchema.parse(JSON.parse(data.toString()));
      } catch {
        return fail(new NodeError("protocol", "The gateway sent a frame this node does not understand; update pairbot."));
      }
      switch (frame.type) {
        case "challenge": {
          const c = options.credentials;
          const hello = { type: "hello", publicKey: options.state.key.x, signature: signChallenge(options.state, frame.nonce), ...c };
          ws.send(JSON.stringify(hello));
          return;
        }
        case "pending":
          options.onPending?.(frame.requestId);
          return;
        case "paired":
        case "authenticated":
          if (settled) return;
          settled = true;
          resolve({
            url: options.url,
            deviceId: frame.deviceId,
            role: frame.role,
            scopes: frame.scopes,
            ...(frame.type === "paired" ? { deviceToken: frame.deviceToken } : {}),
            ended,
            close: () => ws.close(1000),
          });
          return;
        case "rejected":
          return fail(new NodeError("rejected", frame.reason));
        case "error":
          lastError = new NodeError(frame.code as ReasonCode, frame.message);
          return fail(lastError);
        case "pong":
          return;
      }
    });
  });
}

/** A device that never paired: no state file at all, or one left by a pairing stopped before approval. */
export const notPaired = (file: string, exists: boolean): PairbotError =>
  exists
    ? new PairbotError("not_found", `The node state ${file} holds no device token yet; pair first: pairbot node pair <setupCode>.`)
    : new PairbotError("not_found", `The node state file ${file} does not exist; pair first: pairbot node pair <setupCode>, or point --state at the file an earlier pairing saved.`);

/**
 * Tries the gateway's addresses in order (a LAN address, then a public one): the first that answers
 * decides, even if it refuses. `onNoAnswer` hears each address skipped. All silent: one error naming each.
 */
export async function connectFirstAnswering(
  urls: readonly string[],
  options: Omit<ConnectOptions, "url">,
  onNoAnswer?: (url: string, why: string) => void,
): Promise<NodeSession> {
  const silent: string[] = [];
  for (const [i, url] of urls.entries()) {
    const last = i === urls.length - 1;
    try {
      // With another address to try, a silent one (no route from here) costs less time.
      return await connectToGateway({ ...options, url, ...(last || options.openTimeoutMs ? {} : { openTimeoutMs: 5_000 }) });
    } catch (e) {
      if (!(e instanceof NodeError) || e.code !== "unreachable") throw e;
      if (urls.length === 1) throw e;
      silent.push(e.message);
      onNoAnswer?.(url, e.message);
    }
  }
  throw new NodeError("unreachable", `None of the gateway's ${urls.length} addresses answered: ${silent.join(" ")}`);
}
