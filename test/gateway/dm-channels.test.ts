import { afterEach, describe, expect, it } from "vitest";
import { parseDmPolicies } from "../../src/gateway/dm-policy.js";
import { startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

async function post(channel: string, body: unknown, raw?: string) {
  const res = await fetch(`${gw.httpUrl}/channels/${channel}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("DM channels under the pairing policy (the default)", () => {
  it("gives an unknown sender a code with a reply saying who they are and how the owner approves", async () => {
    gw = await startGateway();
    const { status, body } = await post("whatsapp", { senderId: "+491701234567", name: "Ann", text: "hi" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ delivered: false, reason: "pairing", created: true, code: expect.stringMatching(/^[A-HJ-NP-Z2-9]{8}$/) });
    const reply = body["reply"] as string;
    for (const part of ["+491701234567", body["code"] as string, `/pair approve ${body["code"]}`, `pairbot pairing approve whatsapp ${body["code"]}`, "60 minutes"]) {
      expect(reply).toContain(part);
    }
    expect((await gw.owner.pending()).dm).toMatchObject([{ channel: "whatsapp", senderId: "+491701234567", name: "Ann", code: body["code"] }]);
  });

  it("answers a repeat with the same code, and delivers once the owner approves", async () => {
    gw = await startGateway();
    const first = await post("whatsapp", { senderId: "+4917000", text: "hi" });
    const again = await post("whatsapp", { senderId: "+4917000", text: "hello?" });
    expect(again.body).toMatchObject({ code: first.body["code"], created: false });
    await gw.owner.approveDm({ channel: "whatsapp", codeOrSender: first.body["code"] as string }, "telegram:1");
    expect((await post("whatsapp", { senderId: "+4917000", text: "now?" })).body).toEqual({ delivered: true });
  });

  it("tells the fourth stranger to try later when three are already waiting, and stores nothing for them", async () => {
    gw = await startGateway();
    for (const id of ["a", "b", "c"]) expect((await post("whatsapp", { senderId: id, text: "hi" })).body["reason"]).toBe("pairing");
    const capped = await post("whatsapp", { senderId: "d", text: "hi" });
    expect(capped.body).toMatchObject({ delivered: false, reason: "capped", reply: expect.stringMatching(/try again later/) });
    expect((await gw.owner.pending()).dm).toHaveLength(3);
    expect(gw.gateway.stats().messages).toMatchObject({ pairing: 3, capped: 1 });
  });

  it("replies in the sender's language when the channel knows it, else in the gateway's", async () => {
    gw = await startGateway({ locale: "ru" });
    expect((await post("whatsapp", { senderId: "a", text: "hi", locale: "de-AT" })).body["reply"]).toMatch(/Kopplungscode/);
    expect((await post("whatsapp", { senderId: "b", text: "hi" })).body["reply"]).toMatch(/Код привязки/);
  });
});

describe("DM channels under the other policies", () => {
  it("allowlist: delivers only listed senders and creates no request for others", async () => {
    gw = await startGateway({ policies: parseDmPolicies("slack=allowlist") });
    await gw.owner.allowSender({ channel: "slack", senderId: "U1" }, "cli");
    expect((await post("slack", { senderId: "U1", text: "hi" })).body).toEqual({ delivered: true });
    expect((await post("slack", { senderId: "U2", text: "hi" })).body).toEqual({ delivered: false, reason: "not_allowed" });
    expect((await gw.owner.pending()).dm).toEqual([]);
  });

  it("open delivers everyone; disabled delivers no one; each channel keeps its own policy", async () => {
    gw = await startGateway({ policies: parseDmPolicies("discord=open!,sms=disabled") });
    expect((await post("discord", { senderId: "x", text: "hi" })).body).toEqual({ delivered: true });
    expect((await post("sms", { senderId: "x", text: "hi" })).body).toEqual({ delivered: false, reason: "disabled" });
    expect((await post("whatsapp", { senderId: "x", text: "hi" })).body["reason"]).toBe("pairing");
    expect((await gw.owner.pending()).dm.map((r) => r.channel)).toEqual(["whatsapp"]);
  });
});

describe("DM channel input", () => {
  it("refuses bad input with 400 and a sentence naming the field", async () => {
    gw = await startGateway();
    expect(await post("whatsapp", { text: "hi" })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/senderId/) } });
    expect(await post("whatsapp", null, "{oops")).toMatchObject({ status: 400, body: { error: expect.stringMatching(/not JSON/) } });
    expect(await post("WhatsApp", { senderId: "a", text: "hi" })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/Invalid channel.*lowercase/) } });
    expect(await post("whatsapp", { senderId: "a", text: "hi", account: "Main Account" })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/Invalid account/) } });
    expect(await post("whatsapp", { senderId: "\u0000\u0007", text: "hi" })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/Invalid sender id/) } });
    expect((await gw.owner.pending()).dm).toEqual([]);
  });

  it("refuses a body over the size limit with 413", async () => {
    gw = await startGateway();
    const { status } = await post("whatsapp", { senderId: "a", text: "x".repeat(20_000) });
    expect(status).toBe(413);
  });

  it("answers other paths with 404 and other methods with 405", async () => {
    gw = await startGateway();
    expect((await fetch(`${gw.httpUrl}/channels/whatsapp`)).status).toBe(404);
    expect((await fetch(`${gw.httpUrl}/channels/whatsapp/messages`)).status).toBe(405);
  });
});

describe("DM policy configuration", () => {
  it("parses channel=policy lists, with * as the default", () => {
    expect([...parseDmPolicies("whatsapp=pairing, slack=allowlist,*=disabled")]).toEqual([["whatsapp", "pairing"], ["slack", "allowlist"], ["*", "disabled"]]);
  });

  it.each([
    ["slack", /write channel=policy/],
    ["slack=closed", /must be one of pairing, allowlist, open, disabled/],
    ["Slack=open!", /Invalid channel/],
  ])("refuses %s with a sentence saying how to fix it", (text, message) => {
    expect(() => parseDmPolicies(text)).toThrow(message);
  });
});
