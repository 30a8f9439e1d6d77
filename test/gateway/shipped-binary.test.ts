import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "../cli/run-pairbot.js";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process.js";
import { RawClient, deviceKey, refusal } from "./helpers.js";

/** The doors as users run them: `bin/pairbot.js`, the bundled CLI that loads the gateway and node code. */
let gw: GatewayProcess | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});
afterAll(async () => gw?.stop());

const guess = async (url: string) => {
  const client = new RawClient(url);
  await client.hello(deviceKey(), { bootstrapToken: "G".repeat(43) }).catch(() => undefined);
  return refusal(client);
};

describe("pairbot gateway (the shipped binary)", { timeout: SPAWNS_TIMEOUT }, () => {
  it("answers a wrong bootstrap token with token_invalid, and throttles an address that keeps guessing", async () => {
    gw = await startGatewayProcess();
    expect(await guess(gw.url)).toEqual({ code: "token_invalid", closeCode: 4001 });
    const codes: unknown[] = [];
    for (let i = 0; i < 7; i++) codes.push((await guess(gw.url)).code);
    expect(codes.slice(0, 4)).toEqual(Array(4).fill("token_invalid"));
    expect(codes.at(-1)).toBe("throttled");
    expect(gw.output()).not.toContain("internal_error");
  });

  it("answers a bad sender id on the channel endpoint with 400 and a sentence", async () => {
    gw = await startGatewayProcess();
    const res = await fetch(`${gw.httpUrl}/channels/whatsapp/messages`, { method: "POST", body: JSON.stringify({ senderId: "   ", text: "hi" }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^Invalid sender id: it is empty/);
  });
});

describe("pairbot gateway --channel-token-file (the shipped binary)", { timeout: SPAWNS_TIMEOUT }, () => {
  it("says at start who may post, refuses a post without the token with 401, and never logs the token", async () => {
    const token = "adapter-token-5e1d9c0b7a";
    const folder = tempDir("pairbot-tokfile-");
    const file = path.join(folder.dir, "tokens");
    writeFileSync(file, `whatsapp:${token}\n`);
    gw = await startGatewayProcess([], { GATEWAY_CHANNEL_TOKEN_FILE: file });
    expect(gw.proc.lines).toContain(`Channel adapters authenticate with 1 token(s) from ${file} (Authorization: Bearer).`);
    const post = (headers: Record<string, string>) => fetch(`${gw!.httpUrl}/channels/whatsapp/messages`, { method: "POST", headers, body: JSON.stringify({ senderId: "+4917", text: "hi" }) });
    expect((await post({})).status).toBe(401);
    expect((await post({ Authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await gw.owner.pending()).dm).toHaveLength(1);
    expect(gw.output()).not.toContain(token);
    folder.remove();
  });

  it("without a token file says the channel endpoint is for this machine only", async () => {
    gw = await startGatewayProcess(["--accounts", "whatsapp=default,work"]);
    expect(gw.proc.lines).toContain("Channel adapters: no --channel-token-file, so only clients on this machine may post channel messages.");
    expect(gw.proc.lines.join("\n")).toContain("accounts: whatsapp=default+work, others=default");
  });

  it("--max-pending-per-channel and --max-pending set the store's caps for this gateway", async () => {
    gw = await startGatewayProcess(["--accounts", "whatsapp=a,b", "--max-pending-per-channel", "2", "--max-pending", "3"]);
    const post = async (channel: string, senderId: string, account = "default") => {
      const res = await fetch(`${gw!.httpUrl}/channels/${channel}/messages`, { method: "POST", body: JSON.stringify({ senderId, account, text: "hi" }) });
      return ((await res.json()) as { reason?: string }).reason;
    };
    expect([await post("whatsapp", "+1", "a"), await post("whatsapp", "+2", "b"), await post("whatsapp", "+3", "a")]).toEqual(["pairing", "pairing", "capped"]);
    expect([await post("signal", "+4"), await post("slack", "+5"), await post("whatsapp", "+1", "a")]).toEqual(["pairing", "capped", "pairing"]);
    expect((await gw.owner.audit()).filter((e) => e.action === "request").map((e) => e.actor)).toEqual(["adapter:loopback", "adapter:loopback", "adapter:loopback"]);
  });

  it("refuses a bad limit with a sentence", async () => {
    const run = await pairbot(["gateway", "--max-connections", "lots"]);
    expect(run).toMatchObject({ code: 1, stderr: 'Invalid --max-connections "lots": give a whole number of at least 1, like 32.\n' });
  });

  it("a port already in use (a second gateway) is one sentence, not a crash", async () => {
    gw = await startGatewayProcess();
    const port = new URL(gw.url).port;
    const run = await pairbot(["gateway", "--port", port, "--store", gw.file]);
    expect(run).toMatchObject({ code: 1, stderr: `Port ${port} on 127.0.0.1 is already in use (another gateway?): stop that process, or choose another port with --port.\n` });
  });
});

describe("pairbot node pair (the shipped binary)", { timeout: SPAWNS_TIMEOUT }, () => {
  it("says a damaged setup code is damaged, not that pairbot failed", async () => {
    const run = await pairbot(["node", "pair", "not-a-code!", "--state", "/nonexistent/node.json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/setup code is damaged: .*; copy it again/);
    expect(run.stderr).not.toContain("failed unexpectedly");
  });
});
