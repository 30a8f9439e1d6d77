import { afterEach, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../src/gateway/server.js";
import { botHarness, OWNER, type BotHarness } from "../support/bot-harness.js";

/** A flood of refused requests reaches the owner's Telegram as one summary, never as a queue in front of real alerts. */
let h: BotHarness | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  await h?.close();
  gateway = h = undefined;
});

describe("the flood summary alert, end to end", () => {
  it("27 capped posts become one summary in the owner's chat; a real stranger's alert comes first", async () => {
    h = await botHarness({ notifier: true });
    gateway = createGateway({ store: h.store, port: 0, refusalWindowMs: 1000 });
    const base = (await gateway.listen()).replace(/^ws/, "http");
    const post = async (channel: string, senderId: string) =>
      ((await (await fetch(`${base}/channels/${channel}/messages`, { method: "POST", body: JSON.stringify({ senderId, text: "hi" }) })).json()) as { reason?: string }).reason;

    const answers: unknown[] = [];
    for (let i = 0; i < 30; i++) answers.push(await post("whatsapp", `+1555000${String(i).padStart(4, "0")}`));
    expect(answers.filter((r) => r === "capped")).toHaveLength(27); // 3 wait on the account, the rest are refused
    expect(await post("signal", "+4917012345678")).toBe("pairing"); // a real stranger, in the middle of the flood

    const summary = await h.owner.sees((m) => (m.text ?? "").includes("were refused"));
    expect(summary.text).toContain("27 more requests on whatsapp were refused in the last minute");
    const stranger = h.owner.messages().find((m) => (m.text ?? "").includes("+4917012345678"));
    expect(stranger?.message_id).toBeLessThan(summary.message_id);
    await expect.poll(() => h!.store.refusalsToAlert(OWNER.id)).toEqual([]); // recorded as told

    // Later passes do not send it again: a new request's alert arrives, and still one summary.
    expect(await post("sms", "+4917099999999")).toBe("pairing");
    await h.owner.sees((m) => (m.text ?? "").includes("+4917099999999"));
    expect(h.owner.messages().filter((m) => (m.text ?? "").includes("were refused"))).toHaveLength(1);
    // The 3 that wait: the first alert at once, the two within its second as one digest; nothing for the 27.
    expect(h.owner.messages().filter((m) => (m.text ?? "").includes("+1555000")).length).toBeLessThanOrEqual(2);
  });
});
