import { afterEach, describe, expect, it } from "vitest";
import { RawClient, bootstrapTokenOf, deviceKey, startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${gw.httpUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("names that try to look like something else", () => {
  it("a device name cannot fake a second line or hide characters in the owner's card", async () => {
    gw = await startGateway();
    const client = new RawClient(gw.url);
    await client.hello(deviceKey(), { bootstrapToken: bootstrapTokenOf(await gw.setupCode()), name: "Kitchen\u2028Role: node\u200b\ufeff", platform: "i\u2066os\u3164" });
    await client.frame("pending");
    expect((await gw.owner.pending()).devices).toMatchObject([{ name: "Kitchen Role: node", platform: "ios" }]);
    client.close();
  });

  it("a sender's name loses zero-width characters, bidi controls and Hangul fillers", async () => {
    gw = await startGateway();
    await post("/channels/whatsapp/messages", { senderId: "+4917", name: "A\u200dn\u2060n\u202e\u115f\u1160\u2029Admin", text: "hi" });
    expect((await gw.owner.pending()).dm).toMatchObject([{ name: "Ann Admin" }]);
  });

  it("a name of only invisible characters is refused as empty", async () => {
    gw = await startGateway();
    const { status, body } = await post("/channels/whatsapp/messages", { senderId: "\u3164\u200b", text: "hi" });
    expect(status).toBe(400);
    expect(body["error"]).toMatch(/sender id: it is empty/);
  });
});

describe("a channel path that is not valid percent-encoding", () => {
  it("gets 400 with a sentence, not 500", async () => {
    gw = await startGateway();
    const { status, body } = await post("/channels/%E0%A4%A/messages", { senderId: "+4917", text: "hi" });
    expect(status).toBe(400);
    expect(body["error"]).toMatch(/channel name in the path is not valid percent-encoding/);
  });
});
