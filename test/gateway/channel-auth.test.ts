import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAdapterTokens } from "../../src/gateway/channel-auth.js";
import { tempDir } from "../support/temp-store.js";
import { startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

const WHATSAPP_TOKEN = "wa-3f9c1b7e2d4a6f8e0c";
const ANY_TOKEN = "any-8d7c6b5a4e3f2a1b0c";

async function post(channel: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.httpUrl}/channels/${channel}/messages`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A gateway whose adapters authenticate with a token file: one whatsapp-only token, one for any channel. */
async function withTokenFile() {
  const folder = tempDir("pairbot-tokens-");
  const file = path.join(folder.dir, "channel-tokens");
  writeFileSync(file, `# adapters\nwhatsapp:${WHATSAPP_TOKEN}\n${ANY_TOKEN}\n`);
  const adapterTokens = loadAdapterTokens(file);
  folder.remove();
  gw = await startGateway({ adapterTokens });
}

describe("channel adapters authenticate with a bearer token", () => {
  it("a post without a token or with a wrong one gets 401 and changes nothing", async () => {
    await withTokenFile();
    const hello = { senderId: "+4917", text: "hi" };
    expect(await post("whatsapp", hello)).toMatchObject({ status: 401, body: { error: expect.stringMatching(/Authorization: Bearer/) } });
    expect((await post("whatsapp", hello, bearer("wrong-token-0000000000"))).status).toBe(401);
    expect((await post("whatsapp", hello, bearer(`${WHATSAPP_TOKEN}x`))).status).toBe(401);
    expect((await gw.owner.pending()).dm).toEqual([]);
    expect(gw.gateway.stats().messages.unauthorized).toBe(3);
  });

  it("a token bound to one channel works there only; the audit trail names the adapter, never the token", async () => {
    await withTokenFile();
    expect((await post("whatsapp", { senderId: "+4917", text: "hi" }, bearer(WHATSAPP_TOKEN))).body["reason"]).toBe("pairing");
    expect((await post("signal", { senderId: "+4918", text: "hi" }, bearer(WHATSAPP_TOKEN))).status).toBe(401);
    expect((await post("signal", { senderId: "+4918", text: "hi" }, bearer(ANY_TOKEN))).body["reason"]).toBe("pairing");
    const requests = (await gw.owner.audit()).filter((e) => e.action === "request");
    expect(requests.map((e) => [e.subject, e.actor])).toEqual([["whatsapp/default/+4917", "adapter:whatsapp"], ["signal/default/+4918", "adapter:3"]]);
    expect(gw.logLines.join("\n")).not.toMatch(new RegExp(`${WHATSAPP_TOKEN}|${ANY_TOKEN}`));
  });

  it("without a token file only loopback clients may post, and the gateway says so at start", async () => {
    gw = await startGateway({ trustedProxies: new Set(["127.0.0.1"]) });
    expect(gw.logLines.join("\n")).toMatch(/channel endpoint open to loopback clients only/);
    expect((await post("whatsapp", { senderId: "+4917", text: "hi" }, { "X-Forwarded-For": "::1" })).status).toBe(200); // a local client behind the proxy
    const fromAfar = await post("whatsapp", { senderId: "+4918", text: "hi" }, { "X-Forwarded-For": "203.0.113.9" });
    expect(fromAfar).toMatchObject({ status: 403, body: { error: expect.stringMatching(/--channel-token-file/) } });
    // The proxy naming nobody (nginx's default): the client may be anyone, so not local.
    const unnamed = await post("whatsapp", { senderId: "+4919", text: "hi" });
    expect(unnamed).toMatchObject({ status: 403, body: { error: expect.stringMatching(/through a proxy that does not say whose it is/) } });
    expect((await gw.owner.pending()).dm).toHaveLength(1);
  });

  it("a token file with a short token is refused naming the line, never echoing the token", async () => {
    gw = await startGateway();
    const file = path.join(gw.dir, "bad-tokens");
    writeFileSync(file, "\nwhatsapp:short1\n");
    expect(() => loadAdapterTokens(file)).toThrow(new RegExp(`${file} line 2: the token is shorter than 16`));
    expect(() => loadAdapterTokens(file)).not.toThrow(/short1/);
    writeFileSync(file, "What's App:0123456789abcdef0\n");
    expect(() => loadAdapterTokens(file)).toThrow(/line 1: Invalid channel/);
  });
});
