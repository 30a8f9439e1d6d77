import os from "node:os";
import { decodeSetupCode } from "../store/index.js";
import { connectFirstAnswering, notPaired, type NodeSession } from "./client.js";
import { loadNodeState, newNodeState, saveNodeState } from "./state.js";

export interface PairOptions {
  setupCode: string;
  stateFile: string;
  name?: string;
  platform?: string;
  role?: string;
  scopes?: string[];
  now?: number;
  ca?: string | Buffer;
  onPending?: (requestId: string) => void;
  /** An address of the gateway that did not answer; the next one is tried. */
  onNoAnswer?: (url: string, why: string) => void;
}

/** First contact: checks the setup code, keeps (or makes) the device key, pairs, saves the token. */
export async function pairDevice(options: PairOptions): Promise<NodeSession> {
  const setup = decodeSetupCode(options.setupCode, options.now ?? Date.now());
  const state = (await loadNodeState(options.stateFile)) ?? newNodeState();
  await saveNodeState(options.stateFile, state); // the key must outlive a crash while waiting
  const session = await connectFirstAnswering(setup.urls, {
    state,
    credentials: {
      bootstrapToken: setup.bootstrapToken,
      name: options.name ?? os.hostname(),
      platform: options.platform ?? process.platform,
      role: options.role ?? "node",
      scopes: options.scopes ?? [],
    },
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.onPending ? { onPending: options.onPending } : {}),
  }, options.onNoAnswer);
  const paired = { gatewayUrl: session.url, gatewayUrls: setup.urls, deviceId: session.deviceId, deviceToken: session.deviceToken!, role: session.role };
  await saveNodeState(options.stateFile, { ...state, ...paired });
  return session;
}

/** Later connections: the saved token and key, to the gateway's addresses from the setup code, in order. */
export async function connectDevice(options: { stateFile: string; ca?: string | Buffer; onNoAnswer?: (url: string, why: string) => void }): Promise<NodeSession> {
  const state = await loadNodeState(options.stateFile);
  if (!state?.deviceToken || !state.gatewayUrl) throw notPaired(options.stateFile, state !== undefined);
  const urls = state.gatewayUrls ?? [state.gatewayUrl];
  return connectFirstAnswering(urls, { state, credentials: { deviceToken: state.deviceToken }, ...(options.ca ? { ca: options.ca } : {}) }, options.onNoAnswer);
}
