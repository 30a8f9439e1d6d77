import os from "node:os";
import { decodeSetupCode } from "../store/index.js";
import { connectToGateway, notPaired, type NodeSession } from "./client.js";
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
}

/** First contact: checks the setup code, keeps (or makes) the device key, pairs, saves the token. */
export async function pairDevice(options: PairOptions): Promise<NodeSession> {
  const setup = decodeSetupCode(options.setupCode, options.now ?? Date.now());
  const state = (await loadNodeState(options.stateFile)) ?? newNodeState();
  await saveNodeState(options.stateFile, state); // the key must outlive a crash while waiting
  const session = await connectToGateway({
    url: setup.url,
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
  });
  await saveNodeState(options.stateFile, { ...state, gatewayUrl: setup.url, deviceId: session.deviceId, deviceToken: session.deviceToken!, role: session.role });
  return session;
}

/** Later connections: the saved token and key, to the saved gateway. */
export async function connectDevice(options: { stateFile: string; ca?: string | Buffer }): Promise<NodeSession> {
  const state = await loadNodeState(options.stateFile);
  if (!state?.deviceToken || !state.gatewayUrl) throw notPaired(options.stateFile);
  return connectToGateway({ url: state.gatewayUrl, state, credentials: { deviceToken: state.deviceToken }, ...(options.ca ? { ca: options.ca } : {}) });
}
