import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { challengeMessage } from "../gateway/protocol.js";
import { PairbotError } from "../store/index.js";

/** What the node keeps between runs: its key pair and, once paired, its token. Mode 0600. */
const NodeStateSchema = z.object({
  version: z.literal(1),
  /** Ed25519 key as JWK fields: x is the raw public key, d the private key, both base64url. */
  key: z.object({ x: z.string().regex(/^[A-Za-z0-9_-]{43}$/), d: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
  /** The address that answered when the device paired. */
  gatewayUrl: z.string().optional(),
  /** Every address from the setup code, in the order to try them (absent in state files from before). */
  gatewayUrls: z.array(z.string()).max(8).optional(),
  deviceId: z.string().optional(),
  deviceToken: z.string().optional(),
  role: z.string().optional(),
});
export type NodeState = z.infer<typeof NodeStateSchema>;

export const defaultStatePath = (): string => path.join(os.homedir(), ".pairbot", "node.json");

export function newNodeState(): NodeState {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  return { version: 1, key: { x: jwk.x!, d: jwk.d! } };
}

/** The state file, or undefined when there is none yet; a broken one is an error, never replaced. */
export async function loadNodeState(file: string): Promise<NodeState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if ((e as NodeJS.ErrnoException).code === "EISDIR") {
      throw new PairbotError("config_invalid", `The node state ${file} is a folder; give --state a file inside it, like ${path.join(file, "node.json")}.`);
    }
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PairbotError("config_invalid", `The node state file ${file} is not valid JSON; fix it, or remove it and pair again.`);
  }
  const parsed = NodeStateSchema.safeParse(json);
  if (!parsed.success) throw new PairbotError("config_invalid", `The node state file ${file} is damaged; remove it and pair again.`);
  return parsed.data;
}

/**
 * Writes through a temp file and a rename, folder 0700 and file 0600: the key and token are secrets.
 * The temp file has an unguessable name and is created exclusively (`wx`): in a shared folder nobody
 * else can have made it first, so nobody else owns the file the rename puts in place.
 */
export async function saveNodeState(file: string, state: NodeState): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(8).toString("hex")}.tmp`;
  try {
    await fs.writeFile(temp, JSON.stringify(state, null, 1) + "\n", { mode: 0o600, flag: "wx" });
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
}

const privateKeyOf = (state: NodeState): KeyObject =>
  createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", x: state.key.x, d: state.key.d }, format: "jwk" });

/** Answers a gateway's challenge: the Ed25519 signature over the challenge message, base64url. */
export const signChallenge = (state: NodeState, nonce: string): string => sign(null, challengeMessage(nonce), privateKeyOf(state)).toString("base64url");
