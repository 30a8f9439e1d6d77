import { generateKeyPairSync } from "node:crypto";
import { decodeSetupCode, type PairingStore, type Role } from "../../src/store/index.js";

/** A fresh Ed25519 public key as a device presents it: raw 32 bytes, base64url. */
export function newDeviceKey(): string {
  const jwk = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
  return jwk.x!;
}

/** What a device sends when it connects with a setup code. */
export function deviceHello(bootstrapToken: string, publicKey: string, role: Role = "node", scopes: string[] = []) {
  return { bootstrapToken, publicKey, name: "Kitchen tablet", platform: "android", role, scopes, remoteAddress: "192.168.1.31" };
}

/** The owner's /pair: a setup code and the clear bootstrap token inside it (an operator's over wss://, as limited access allows only nodes). */
export async function issueSetupCode(store: PairingStore, role: Role = "node") {
  const url = role === "operator" ? "wss://gateway.example.com:18789" : "ws://192.168.1.20:18789";
  const issued = await store.createSetupCode({ url, role }, "telegram:42");
  return { ...issued, bootstrapToken: decodeSetupCode(issued.setupCode).bootstrapToken };
}

/** Setup code, device request and owner approval: the device only waits for its token now. */
export async function approvedDevice(store: PairingStore) {
  const setup = await issueSetupCode(store);
  const publicKey = newDeviceKey();
  const request = await store.requestDevicePairing(deviceHello(setup.bootstrapToken, publicKey));
  if (request.status !== "pending") throw new Error("expected a pending device request");
  const device = await store.approveDevice(request.requestId, "telegram:42");
  return { setup, publicKey, requestId: request.requestId, device };
}
