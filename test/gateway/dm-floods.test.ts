import { afterEach, describe, expect, it, vi } from "vitest";
import { parseChannelAccounts } from "../../src/gateway/dm-accounts.js";
import { startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

async function post(channel: string, senderId: string, account?: string) {
  const res = await fetch(`${gw.httpUrl}/channels/${channel}/messages`, { method: "POST", body: JSON.stringify({ senderId, text: "hi", ...(account ? { account } : {}) }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("accounts a channel serves", () => {
  it("refuses an account the gateway was not told of, saying which it serves and how to add one", async () => {
    gw = await startGateway();
    const made = await post("whatsapp", "+4917", "made-up-1");
    expect(made).toEqual({ status: 400, body: { error: 'Unknown account "made-up-1" on whatsapp: this gateway serves default; configure more with --accounts whatsapp=default,<account>.' } });
    expect((await gw.owner.pending()).dm).toEqual([]);
  });

  it("takes the accounts configured per channel", async () => {
    gw = await startGateway({ accounts: parseChannelAccounts("whatsapp=default,work,slack=team") });
    expect((await post("whatsapp", "+4917", "work")).body["reason"]).toBe("pairing");
    expect((await post("slack", "U1", "team")).body["reason"]).toBe("pairing");
    expect((await post("slack", "U2")).status).toBe(400); // slack serves only "team"
    expect(() => parseChannelAccounts("work")).toThrow(/names no channel.*whatsapp=default,work/);
  });
});

describe("caps on pending requests, across accounts and channels", () => {
  it("a channel holds a fixed number of pending requests whatever account the poster picks", async () => {
    gw = await startGateway({ accounts: parseChannelAccounts("whatsapp=a,b,c"), policy: { maxPendingPerChannel: 4 } });
    const answers = [];
    for (let i = 0; i < 9; i++) answers.push((await post("whatsapp", `+49${i}`, ["a", "b", "c"][i % 3])).body["reason"]);
    expect(answers.filter((r) => r === "pairing")).toHaveLength(4);
    expect(answers.filter((r) => r === "capped")).toHaveLength(5);
    expect((await gw.owner.pending()).dm).toHaveLength(4);
    expect((await post("whatsapp", "+490", "a")).body["reason"]).toBe("pairing"); // one who waits gets their code again
  });

  it("all channels together hold a fixed number too", async () => {
    gw = await startGateway({ policy: { maxPendingTotal: 5 } });
    for (const channel of ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]) await post(channel, "+4917");
    expect((await gw.owner.pending()).dm).toHaveLength(5);
  });
});

describe("a flood of refused requests", () => {
  it("is counted per channel and summed up in one log line and one store summary per window, not one per request", async () => {
    gw = await startGateway({ refusalWindowMs: 1500 });
    for (let i = 0; i < 3; i++) await post("whatsapp", `+49${i}`);
    for (let i = 3; i < 30; i++) await post("whatsapp", `+49${i}`);
    await post("whatsapp", "+4999", "nope");
    expect(gw.gateway.stats().refusedRequests).toEqual({ whatsapp: 28 });
    const summaries = () => gw.logLines.filter((l) => l.includes("were refused"));
    expect(summaries()).toEqual([]);
    await vi.waitFor(() => expect(summaries()).toHaveLength(1), { timeout: 3000 });
    expect(JSON.parse(summaries()[0]!)).toMatchObject({ channel: "whatsapp", refused: 28, msg: "28 requests on whatsapp were refused in the last 1.5 s" });
    expect(gw.gateway.stats().refusedRequestsThisMinute).toEqual({});
    // The summary the bot alerts the owner with: one for the window, whatever the flood's size.
    await vi.waitFor(async () => expect((await gw.owner.read()).refusals).toMatchObject([{ channel: "whatsapp", refused: 28 }]), { timeout: 3000 });
    expect(await gw.owner.refusalsToAlert(1)).toHaveLength(1);
  });
});
